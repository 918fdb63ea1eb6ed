import { describe, expect, it } from 'vitest'
import { epsilonDominates, paretoEpsilon, paretoFrontier } from '../../../src/scoring/index.js'

// Ported from the reference's tests/unit/test_pareto.py (TestEpsilonDominates, TestParetoFrontier,
// TestComputeEpsilon): same inputs, same expectations.
const eps3 = [0.05, 0.05, 0.05]

describe('epsilonDominates', () => {
  it('clear dominance is one-way', () => {
    expect(epsilonDominates([0.9, 0.8, 0.85], [0.7, 0.6, 0.65], eps3)).toBe(true)
    expect(epsilonDominates([0.7, 0.6, 0.65], [0.9, 0.8, 0.85], eps3)).toBe(false)
  })

  it('ties, trade-offs and differences within ε do not dominate', () => {
    expect(epsilonDominates([0.8, 0.7, 0.75], [0.8, 0.7, 0.75], eps3)).toBe(false)
    expect(epsilonDominates([0.9, 0.5], [0.5, 0.9], [0.05, 0.05])).toBe(false)
    expect(epsilonDominates([0.82, 0.72], [0.8, 0.7], [0.05, 0.05])).toBe(false)
  })
})

describe('paretoFrontier', () => {
  it('single miner, dominant miner, specialists and copies', () => {
    expect(paretoFrontier([0], [[0.8, 0.7]], [50, 50]).frontier).toEqual([0])
    expect(
      paretoFrontier(
        [0, 1, 2],
        [
          [0.9, 0.9],
          [0.5, 0.5],
          [0.6, 0.6],
        ],
        [50, 50],
      ).frontier,
    ).toEqual([0])
    expect(
      paretoFrontier(
        [0, 1],
        [
          [0.9, 0.5],
          [0.5, 0.9],
        ],
        [50, 50],
      ).frontier,
    ).toEqual([0, 1])
    expect(
      paretoFrontier(
        [0, 1],
        [
          [0.8, 0.8],
          [0.8, 0.8],
        ],
        [50, 50],
      ).frontier,
    ).toEqual([0, 1])
  })
})

describe('paretoEpsilon', () => {
  it('grows with variance and shrinks with samples', () => {
    expect(paretoEpsilon([0.1, 0.9, 0.2, 0.8], 50)).toBeGreaterThan(paretoEpsilon([0.5, 0.5, 0.5, 0.5], 50))
    expect(paretoEpsilon([0.6, 0.7, 0.65, 0.75], 100)).toBeLessThan(paretoEpsilon([0.6, 0.7, 0.65, 0.75], 10))
  })

  it('is 2·std/√n clamped to [0.01, 0.20], and 0.20 for n ≤ 1', () => {
    // std of [0.1, 0.9] = 0.4 (float32 rounding shows only past 1e-7); 2·0.4/√50 = 0.11314.
    expect(paretoEpsilon([0.1, 0.9], 50)).toBeCloseTo(0.8 / Math.sqrt(50), 6)
    expect(paretoEpsilon([0.5, 0.5], 50)).toBe(0.01)
    expect(paretoEpsilon([0, 1], 2)).toBe(0.2)
    expect(paretoEpsilon([0.1, 0.9], 1)).toBe(0.2)
  })

  it('works in float32: the std of [0.1, 0.9] is not the float64 value', () => {
    const f64 = (2 * 0.4) / Math.sqrt(50)
    expect(paretoEpsilon([0.1, 0.9], 50)).not.toBe(f64)
    expect(Math.fround((paretoEpsilon([0.1, 0.9], 50) * Math.sqrt(50)) / 2)).toBe(
      (paretoEpsilon([0.1, 0.9], 50) * Math.sqrt(50)) / 2,
    )
  })
})
