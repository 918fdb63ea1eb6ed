import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { FAILURE_CODES } from '#protocol'
import { STATUS_ERROR_CODES, STATUS_ERROR_FIXES } from '../../src/status/errors.js'
import { FAILURE_NOTES, summarizeFailures } from '../../src/status/failures.js'

describe('status errors and failure notes', () => {
  it('README "Errors" lists exactly the status codes, each with its fix', () => {
    const readme = readFileSync(new URL('../../src/status/README.md', import.meta.url), 'utf8')
    const section = readme.slice(readme.indexOf('## Errors'))
    const rows = [...section.matchAll(/^\| `(MINER_[A-Z_]+)` +\|[^|]+\| (.+?) +\|$/gm)]
    expect(rows.map((r) => r[1])).toEqual([...STATUS_ERROR_CODES])
    for (const [, code, fix] of rows) {
      const plain = (s: string) => s.replace(/`/g, '')
      expect(plain(fix as string), code).toBe(plain(STATUS_ERROR_FIXES[code as keyof typeof STATUS_ERROR_FIXES]))
    }
  })

  it('every episode failure code has a note for the miner', () => {
    expect(Object.keys(FAILURE_NOTES).sort()).toEqual([...FAILURE_CODES].sort())
  })

  it('summarizeFailures counts codes, most frequent first, and flags what counts against the miner', () => {
    const s = summarizeFailures(['env_error', 'policy_timeout', 'policy_timeout', 'made_up'])
    expect(s.map((x) => [x.code, x.count, x.party, x.countsAgainstMiner])).toEqual([
      ['policy_timeout', 2, 'policy', true],
      ['env_error', 1, 'env', false],
      ['made_up', 1, 'unknown', false],
    ])
  })
})
