import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { backoffDelayMs, seededRandom } from '../../../src/store/index.js'

const policy = { baseMs: 100, capMs: 1_000, jitter: 0 }

describe('backoffDelayMs', () => {
  it('doubles per attempt from the base and stops at the cap', () => {
    expect([1, 2, 3, 4, 5, 6].map((a) => backoffDelayMs(a, policy, 0.9))).toEqual([100, 200, 400, 800, 1_000, 1_000])
  })

  it('with jitter j stays within [(1 - j)·d, d] and is pure', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 2_000 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 0.999_999, noNaN: true }),
        (attempt, jitter, r) => {
          const p = { baseMs: 100, capMs: 60_000, jitter }
          const full = Math.min(60_000, 100 * 2 ** Math.min(attempt - 1, 52))
          const d = backoffDelayMs(attempt, p, r)
          expect(d).toBeGreaterThanOrEqual(Math.floor((1 - jitter) * full))
          expect(d).toBeLessThanOrEqual(full)
          expect(backoffDelayMs(attempt, p, r)).toBe(d)
        },
      ),
    )
  })
})

describe('seededRandom', () => {
  it('repeats its sequence for a seed, differs across seeds, and stays in [0, 1)', () => {
    const take = (seed: number) => Array.from({ length: 1_000 }, seededRandom(seed))
    const a = take(42)
    expect(take(42)).toEqual(a)
    expect(take(43)).not.toEqual(a)
    expect(a.every((x) => x >= 0 && x < 1)).toBe(true)
    // A generator stuck in a small cycle would show few distinct values.
    expect(new Set(a).size).toBe(1_000)
  })
})
