import { describe, expect, it } from 'vitest'
import { hasCode, KinitroError } from '#protocol'

describe('KinitroError', () => {
  it('round-trips through toObject/fromObject', () => {
    const err = new KinitroError({ code: 'X_TEST', detail: 3 }, 'boom')
    const back = KinitroError.fromObject(structuredClone(err.toObject()))
    expect(back.code).toBe('X_TEST')
    expect(back.meta).toEqual({ code: 'X_TEST', detail: 3 })
    expect(hasCode(back, 'X_TEST')).toBe(true)
    expect(typeof Promise.withResolvers).toBe('function')
  })
})
