import { describe, expect, it } from 'vitest'
import { KinitroError } from '../../../src/errors.js'
import { IDENTITY_ERROR_CODES, IDENTITY_ERROR_FIXES, IdentityError } from '../../../src/identity/errors.js'

describe('identity errors', () => {
  it('has a how-to-fix for exactly the listed codes, all IDENTITY_-prefixed', () => {
    expect(Object.keys(IDENTITY_ERROR_FIXES).sort()).toEqual([...IDENTITY_ERROR_CODES].sort())
    for (const code of IDENTITY_ERROR_CODES) {
      expect(code).toMatch(/^IDENTITY_[A-Z0-9_]+$/)
      expect(IDENTITY_ERROR_FIXES[code].length, code).toBeGreaterThan(10)
    }
  })

  it('is a KinitroError that survives toObject/fromObject', () => {
    const err = new IdentityError(
      { code: 'IDENTITY_KEY_FILE_NOT_FOUND', kind: 'hotkey', path: '/x' },
      'no hotkey file at /x',
    )
    expect(err).toBeInstanceOf(KinitroError)
    expect(err.name).toBe('IdentityError')
    const back = KinitroError.fromObject(structuredClone(err.toObject()))
    expect(back.name).toBe('IdentityError')
    expect(back.meta).toEqual({ code: 'IDENTITY_KEY_FILE_NOT_FOUND', kind: 'hotkey', path: '/x' })
  })
})
