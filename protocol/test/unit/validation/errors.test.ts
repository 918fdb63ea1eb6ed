import { describe, expect, it } from 'vitest'
import { KinitroError } from '../../../src/errors.js'
import {
  isValidationError,
  VALIDATION_ERROR_ACTIONS,
  VALIDATION_ERROR_CODES,
  ValidationError,
} from '../../../src/validation/errors.js'

describe('ValidationError', () => {
  it('carries its code, the action fixed for that code, and serialises both', () => {
    const err = new ValidationError('MESH_STALE', { field: 'block', actual: 1, limit: 2 })
    expect(err).toBeInstanceOf(KinitroError)
    expect(err.name).toBe('ValidationError')
    expect(err.action).toBe('ignore')
    expect(err.message).toBe('MESH_STALE: block')
    const back = KinitroError.fromObject(structuredClone(err.toObject()))
    expect(back.meta).toEqual({ code: 'MESH_STALE', action: 'ignore', field: 'block', actual: 1, limit: 2 })
    expect(isValidationError(err)).toBe(true)
    expect(isValidationError(new Error('x'))).toBe(false)
  })

  it('uses MESH_-prefixed UPPER_SNAKE codes, each with an action', () => {
    expect(VALIDATION_ERROR_CODES.length).toBeGreaterThan(0)
    for (const code of VALIDATION_ERROR_CODES) {
      expect(code).toMatch(/^MESH_[A-Z0-9_]+$/)
      expect(['ignore', 'reject']).toContain(VALIDATION_ERROR_ACTIONS[code])
      expect(new ValidationError(code).action).toBe(VALIDATION_ERROR_ACTIONS[code])
    }
  })

  it('ignores exactly the codes that can come from our own lagging state or load, never a provable fault', () => {
    const ignored = VALIDATION_ERROR_CODES.filter((c) => VALIDATION_ERROR_ACTIONS[c] === 'ignore').sort()
    expect(ignored).toEqual([
      'MESH_BINDING_EXPIRED',
      'MESH_BINDING_NOT_PERMITTED',
      'MESH_BUSY',
      'MESH_JOB_NOT_DERIVED',
      'MESH_NOT_ASSIGNED',
      // Load, not fault: an honest forwarder can pass a burst on; penalising it would split the mesh.
      'MESH_RATE_LIMITED',
      'MESH_STALE',
      'MESH_UNKNOWN_VERSION',
    ])
  })
})
