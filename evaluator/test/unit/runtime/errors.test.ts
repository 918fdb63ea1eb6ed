import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { isFailureCode } from '#protocol'
import { RUNTIME_ERROR_CODES, RUNTIME_ERROR_FIXES, RuntimeError, runtimeError } from '../../../src/runtime/errors.js'

describe('runtime errors', () => {
  it('every code has a fix and the README table lists exactly the codes', () => {
    expect(Object.keys(RUNTIME_ERROR_FIXES).sort()).toEqual([...RUNTIME_ERROR_CODES].sort())
    const readme = readFileSync(new URL('../../../src/runtime/README.md', import.meta.url), 'utf8')
    const listed = [...readme.matchAll(/^\| `(EVAL_RUNTIME_[A-Z_]+)` *\|/gm)].map((m) => m[1])
    expect(listed.sort()).toEqual([...RUNTIME_ERROR_CODES].sort())
  })

  it('round-trips through toObject with its failure code', () => {
    const err = runtimeError({
      code: 'EVAL_RUNTIME_POLICY_UNHEALTHY',
      failure: 'policy_health_failed',
      runtime: 'process',
      reason: 'x',
    })
    expect(err).toBeInstanceOf(RuntimeError)
    const obj = err.toObject()
    expect(obj.name).toBe('RuntimeError')
    expect(isFailureCode(obj.meta.failure as string)).toBe(true)
  })
})
