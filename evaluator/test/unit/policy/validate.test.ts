import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { PolicyCallError } from '../../../src/policy/errors.js'
import { ACTION_BOUNDS, validateActResponse } from '../../../src/policy/validate.js'
import { ARM } from './helpers.js'

function failure(body: unknown, expected: Record<string, number> = ARM): string {
  try {
    validateActResponse(body, expected)
  } catch (err) {
    if (err instanceof PolicyCallError) return err.failure
    throw err
  }
  return 'accepted'
}

const vec = (n: number) => fc.array(fc.double({ noNaN: true, noDefaultInfinity: true }), { minLength: n, maxLength: n })

describe('validateActResponse', () => {
  it('accepts any finite vectors of the expected lengths, unclipped', () => {
    fc.assert(
      fc.property(vec(6), vec(1), (twist, grip) => {
        const a = validateActResponse({ action: { continuous: { ee_twist: twist, gripper: grip } } }, ARM)
        expect(a.continuous).toEqual({ ee_twist: twist, gripper: grip })
      }),
    )
    const big = validateActResponse({ action: { continuous: { ee_twist: [9, 0, 0, 0, 0, 0], gripper: [-4] } } }, ARM)
    expect(big.continuous.ee_twist?.[0]).toBe(9)
  })

  it('rejects a non-finite number anywhere in the continuous part', () => {
    fc.assert(
      fc.property(vec(7), fc.nat(6), fc.constantFrom(Number.NaN, Infinity, -Infinity), (flat, at, bad) => {
        const v = [...flat]
        v[at] = bad
        const body = { action: { continuous: { ee_twist: v.slice(0, 6), gripper: v.slice(6) } } }
        expect(failure(body)).toBe('policy_invalid_action')
      }),
    )
  })

  it('tells a wrong envelope (bad response) from a wrong action (invalid action)', () => {
    expect(failure(null)).toBe('policy_bad_response')
    expect(failure('action')).toBe('policy_bad_response')
    expect(failure({ action: 'left' })).toBe('policy_bad_response')
    expect(failure({ action: {} })).toBe('policy_invalid_action')
    expect(failure({ action: { continuous: [] } })).toBe('policy_invalid_action')
  })

  it('bounds discrete and extra', () => {
    const cont = { ee_twist: [0, 0, 0, 0, 0, 0], gripper: [0] }
    expect(failure({ action: { continuous: cont, discrete: { a: 1.5 } } })).toBe('policy_invalid_action')
    const many = Object.fromEntries(Array.from({ length: ACTION_BOUNDS.maxDiscreteKeys + 1 }, (_, i) => [`k${i}`, i]))
    expect(failure({ action: { continuous: cont, discrete: many } })).toBe('policy_invalid_action')
    const blob = { note: 'x'.repeat(ACTION_BOUNDS.maxExtraBytes) }
    expect(failure({ action: { continuous: cont, extra: blob } })).toBe('policy_invalid_action')
    const ok = validateActResponse({ action: { continuous: cont, discrete: null, extra: { why: 'ok' } } }, ARM)
    expect(ok.extra).toEqual({ why: 'ok' })
  })

  it('keeps a "__proto__" discrete key as plain data', () => {
    const body = JSON.parse(
      '{"action":{"continuous":{"ee_twist":[0,0,0,0,0,0],"gripper":[0]},"discrete":{"__proto__":1}}}',
    )
    const a = validateActResponse(body, ARM)
    expect(Object.getPrototypeOf(a.discrete)).toBe(Object.prototype)
    expect(Object.hasOwn(a.discrete, '__proto__')).toBe(true)
  })

  it('allows an empty continuous part only when nothing is expected', () => {
    expect(validateActResponse({ action: { discrete: { grip: 1 } } }, {}).discrete).toEqual({ grip: 1 })
    expect(failure({ action: { discrete: { grip: 1 } } })).toBe('policy_invalid_action')
  })
})
