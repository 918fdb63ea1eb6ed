import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { hasCode, KinitroError } from '#protocol'
import {
  BadCursorError,
  INDEXER_STORE_ERROR_CODES,
  INDEXER_STORE_ERROR_FIXES,
  IndexerStoreError,
  STORE_API_ERROR_CODES,
  STORE_API_ERROR_FIXES,
  STORE_API_ERROR_STATUS,
} from '../../../src/store/index.js'

describe('store errors', () => {
  it('has a fix for every code and no fix without a code', () => {
    expect(Object.keys(INDEXER_STORE_ERROR_FIXES).sort()).toEqual([...INDEXER_STORE_ERROR_CODES].sort())
    expect(Object.keys(STORE_API_ERROR_FIXES).sort()).toEqual([...STORE_API_ERROR_CODES].sort())
    expect(Object.keys(STORE_API_ERROR_STATUS).sort()).toEqual([...STORE_API_ERROR_CODES].sort())
    for (const c of INDEXER_STORE_ERROR_CODES) expect(c).toMatch(/^INDEXER_[A-Z_]+$/)
    for (const c of STORE_API_ERROR_CODES) expect(c).toMatch(/^API_[A-Z_]+$/)
  })

  it('carries code, metadata and HTTP status across a serialization boundary', () => {
    const err = new BadCursorError({ code: 'API_BAD_CURSOR', list: 'results', reason: 'not a cursor' })
    expect(err.statusCode).toBe(400)
    expect(hasCode(err, 'API_BAD_CURSOR')).toBe(true)
    const back = KinitroError.fromObject(structuredClone(err.toObject()))
    expect([back.name, back.code, back.meta]).toEqual(['BadCursorError', 'API_BAD_CURSOR', err.meta])
    const closed = new IndexerStoreError({ code: 'INDEXER_STORE_CLOSED', kind: 'sqlite' })
    expect(closed.name).toBe('IndexerStoreError')
    expect(hasCode(closed, 'INDEXER_STORE_CLOSED')).toBe(true)
  })

  it('documents exactly its codes, with their fixes, in the store README "Errors" table', () => {
    const readme = readFileSync(resolve(import.meta.dirname, '../../../src/store/README.md'), 'utf8')
    const section = readme.split(/^## Errors\b.*$/m)[1]?.split(/^## /m)[0] ?? ''
    const rows = [...section.matchAll(/^\|\s*`([A-Z][A-Z0-9_]+)`\s*\|([^|]*)\|([^|]*)\|/gm)]
    const fixes: Record<string, string> = { ...INDEXER_STORE_ERROR_FIXES, ...STORE_API_ERROR_FIXES }
    expect(rows.map((r) => r[1]).sort()).toEqual(Object.keys(fixes).sort())
    for (const [, code, meaning, fix] of rows) {
      expect(meaning?.trim(), code).not.toBe('')
      expect(fix?.trim(), code).toBe(fixes[code!])
    }
  })
})
