import { readFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { POLICY_ERROR_CODES, POLICY_ERROR_FIXES, PolicyCallError, quoteBody } from '../../../src/policy/errors.js'

const README = join(dirname(fileURLToPath(import.meta.url)), '../../../src/policy/README.md')

describe('policy errors', () => {
  it('every code has a fix, and the README table lists the same codes and fixes', async () => {
    const readme = await readFile(README, 'utf8')
    const rows = [...readme.matchAll(/^\|\s*`(EVAL_[A-Z_]+)`\s*\|[^|]+\|\s*([^|]+?)\s*\|\s*$/gm)]
    expect(rows.map((r) => r[1]).sort()).toEqual([...POLICY_ERROR_CODES].sort())
    for (const [, code, fix] of rows)
      expect(fix?.trim()).toBe(POLICY_ERROR_FIXES[code as keyof typeof POLICY_ERROR_FIXES])
  })

  it('keeps PolicyCallError details short and printable', () => {
    const err = new PolicyCallError(
      'policy_bad_response',
      'act',
      `not JSON: ${quoteBody(`\u0000\u001b[31m${'A'.repeat(5000)}`)}`,
    )
    expect(err.detail.length).toBeLessThanOrEqual(240)
    expect(err.detail).toMatch(/^[\x20-\x7e]*$/)
    expect(err.detail).not.toContain('A'.repeat(130))
  })
})
