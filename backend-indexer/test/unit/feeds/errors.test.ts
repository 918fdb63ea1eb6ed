import { readFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { FEED_ERROR_CODES, FEED_ERROR_FIXES, FeedError } from '../../../src/feeds/errors.js'

const README = join(dirname(fileURLToPath(import.meta.url)), '../../../src/feeds/README.md')

describe('feed errors', () => {
  it('the README table lists every code with its fix', async () => {
    const readme = await readFile(README, 'utf8')
    const rows = [...readme.matchAll(/^\|\s*`((?:API|INDEXER)_FEED_[A-Z_]+)`\s*\|[^|]+\|\s*([^|]+?)\s*\|\s*$/gm)]
    expect(rows.map((r) => r[1]).sort()).toEqual([...FEED_ERROR_CODES].sort())
    for (const [, code, fix] of rows) expect(fix, code).toBe(FEED_ERROR_FIXES[code as keyof typeof FEED_ERROR_FIXES])
  })

  it('round-trips through toObject with its code', () => {
    const err = new FeedError({ code: 'API_FEED_UNKNOWN_CHANNEL', channel: 'x' }, 'unknown channel')
    expect(err.code).toBe('API_FEED_UNKNOWN_CHANNEL')
    expect(FeedError.fromObject(err.toObject()).meta).toEqual({ code: 'API_FEED_UNKNOWN_CHANNEL', channel: 'x' })
  })
})
