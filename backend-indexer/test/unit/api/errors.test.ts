import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { howToFix } from '#protocol'
import {
  API_ERROR_CODES,
  API_ERROR_FIXES,
  API_ERROR_STATUS,
  ApiError,
  INDEXER_ERROR_CODES,
  INDEXER_ERROR_FIXES,
} from '../../../src/errors.js'
import { mapError } from '../../../src/http/error-handler.js'

const COMPONENT = resolve(import.meta.dirname, '../../..')

// The component's "Errors" tables: its README plus any src/<area>/README.md (the root error-tables test's rule).
function documentedRows(): { code: string; meaning: string; fix: string }[] {
  const files = [join(COMPONENT, 'README.md')]
  const walkDir = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const p = join(dir, name)
      if (statSync(p).isDirectory()) walkDir(p)
      else if (name === 'README.md') files.push(p)
    }
  }
  walkDir(join(COMPONENT, 'src'))
  return files.flatMap((f) => {
    const section =
      readFileSync(f, 'utf8')
        .split(/^## Errors\b.*$/m)[1]
        ?.split(/^## /m)[0] ?? ''
    return [...section.matchAll(/^\|\s*`([A-Z][A-Z0-9_]+)`\s*\|([^|]*)\|([^|]*)\|/gm)].map((m) => ({
      code: m[1]!,
      meaning: m[2]!.trim(),
      fix: m[3]!.trim(),
    }))
  })
}

describe('API error codes', () => {
  it('every code has a fix and a status, and nothing else does', () => {
    expect(Object.keys(API_ERROR_STATUS).sort()).toEqual([...API_ERROR_CODES].sort())
    for (const code of API_ERROR_CODES) {
      expect(code, code).toMatch(/^API_[A-Z0-9_]+$/)
      expect(API_ERROR_FIXES[code].length, code).toBeGreaterThan(10)
      expect(howToFix(code), code).toBe(API_ERROR_FIXES[code])
    }
  })

  it('every API code is in the README "Errors" table with a meaning and a fix, and every API row is a real code', () => {
    const rows = documentedRows()
    const documented = rows.map((r) => r.code)
    expect(new Set(documented).size, 'no duplicate rows').toBe(documented.length)
    for (const code of API_ERROR_CODES) {
      const row = rows.find((r) => r.code === code)
      expect(row, `${code} documented`).toBeDefined()
      expect(row?.meaning, `${code} meaning`).not.toBe('')
      expect(row?.fix, `${code} fix`).not.toBe('')
    }
    for (const code of documented.filter((c) => c.startsWith('API_'))) {
      expect(INDEXER_ERROR_CODES, `${code} in the README is a code the indexer raises`).toContain(code)
    }
  })

  it('the component list aggregates every area and registers their fixes', () => {
    expect(INDEXER_ERROR_CODES).toEqual(Object.keys(INDEXER_ERROR_FIXES))
    for (const code of INDEXER_ERROR_CODES) expect(howToFix(code), code).toBe(INDEXER_ERROR_FIXES[code])
    for (const code of API_ERROR_CODES) expect(INDEXER_ERROR_CODES).toContain(code)
  })

  it('maps each API error to its status and the stable body', () => {
    const samples: ApiError[] = [
      new ApiError({ code: 'API_BAD_REQUEST', part: 'querystring' }, 'bad'),
      new ApiError({ code: 'API_NOT_FOUND', resource: 'job', id: 'x' }, 'job x not found'),
      new ApiError({ code: 'API_ROUTE_NOT_FOUND', method: 'GET', url: '/x' }, 'no route'),
      new ApiError({ code: 'API_SCORES_UNAVAILABLE' }, 'no scores'),
      new ApiError({ code: 'API_REPLAY_UNAVAILABLE', resultId: 'r', episodeIndex: 0 }, 'no replay'),
      new ApiError({ code: 'API_RATE_LIMITED', max: 1, timeWindowMs: 1 }, 'slow down'),
      new ApiError({ code: 'API_INTERNAL' }, 'internal error'),
    ]
    expect(samples.map((e) => e.code).sort()).toEqual([...API_ERROR_CODES].sort())
    for (const e of samples) {
      const m = mapError(e)
      expect(m.statusCode, e.code).toBe(API_ERROR_STATUS[e.code])
      expect(m.body, e.code).toEqual({ error: { code: e.code, message: e.message, statusCode: m.statusCode } })
    }
  })

  it('hides the message of anything untyped behind API_INTERNAL', () => {
    const m = mapError(new Error('SQLITE_CORRUPT at /var/lib/indexer.db'))
    expect(m).toEqual({
      statusCode: 500,
      internal: true,
      body: { error: { code: 'API_INTERNAL', message: 'internal error', statusCode: 500 } },
    })
  })
})
