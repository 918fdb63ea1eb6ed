import { describe, expect, it } from 'vitest'
import { binomialSE, pairwiseSum, roundHalfEven, wilson } from '../../../src/scoring/index.js'

describe('wilson', () => {
  it('matches the textbook interval for 5/10 at 95%', () => {
    // center = (0.5 + 1.96²/20) / (1 + 1.96²/10) = 0.5; half = (1.96/1.38416)·sqrt(0.025 + 0.009604) = 0.26341
    const { low, high } = wilson(5, 10)
    expect(low).toBeCloseTo(0.2366, 4)
    expect(high).toBeCloseTo(0.7634, 4)
  })

  it('stays inside [0, 1] at the extremes and is [0, 1] with no trials', () => {
    expect(wilson(0, 10).low).toBe(0)
    expect(wilson(10, 10).high).toBe(1)
    // 10/10 at z = 1.96: low = n/(n + z²) = 10/13.8416 = 0.72246
    expect(wilson(10, 10).low).toBeCloseTo(10 / (10 + 1.96 ** 2), 12)
    expect(wilson(0, 0)).toEqual({ low: 0, high: 1 })
  })

  it('always holds the observed rate, even where rounding would put a bound past it (6/6, 0/11)', () => {
    // Results are validated against low ≤ successes/n ≤ high; before the clamp 886 of these pairs failed
    // and a validator could not publish a perfect 6-episode result.
    for (let n = 1; n <= 400; n++) {
      for (let s = 0; s <= n; s++) {
        const { low, high } = wilson(s, n)
        const p = s / n
        if (!(low <= p && p <= high)) expect.fail(`${s}/${n}: [${low}, ${high}] does not hold ${p}`)
      }
    }
    expect(wilson(6, 6).high).toBe(1)
    expect(wilson(0, 11).low).toBe(0)
  })

  it('narrows as n grows and takes z', () => {
    const a = wilson(25, 50)
    const b = wilson(250, 500)
    expect(b.high - b.low).toBeLessThan(a.high - a.low)
    expect(wilson(25, 50, 1).high - wilson(25, 50, 1).low).toBeLessThan(a.high - a.low)
  })

  it('rejects impossible counts', () => {
    expect(() => wilson(11, 10)).toThrow(RangeError)
    expect(() => wilson(-1, 10)).toThrow(RangeError)
  })
})

describe('binomialSE', () => {
  it('is sqrt(p(1−p)/n), infinite without samples', () => {
    expect(binomialSE(0.5, 100)).toBe(0.05)
    expect(binomialSE(0.5, 0)).toBe(Number.POSITIVE_INFINITY)
  })
})

describe('pairwiseSum (numpy order)', () => {
  it('sums short arrays left to right from 0, as numpy does below 8 elements', () => {
    // 0 + 1e16 + 1 + 1: each +1 is a tie that rounds back to even 1e16 (a left-to-right sum).
    expect(pairwiseSum([1e16, 1, 1])).toBe(1e16)
  })

  it('combines 8 partial sums pairwise for 8..128 elements (value from numpy 2.4 np.array(...).sum())', () => {
    expect(pairwiseSum([1e16, 1, 1, 1, 1, 1, 1, 1, 1])).toBe(1.0000000000000008e16)
    // A plain left-to-right sum gives a different float here, which is why the order matters.
    expect([1e16, 1, 1, 1, 1, 1, 1, 1, 1].reduce((a, b) => a + b, 0)).toBe(1e16)
  })
})

describe('roundHalfEven (Python round)', () => {
  it('rounds ties to even, unlike Math.round', () => {
    expect([0.5, 1.5, 2.5, 3.5, 32766.5, 2.6, 2.4].map(roundHalfEven)).toEqual([0, 2, 2, 4, 32766, 3, 2])
    expect(Math.round(32766.5)).toBe(32767)
  })
})
