import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  calculateThreshold,
  kinitroSubsetV1,
  type MinerEntry,
  type SubsetV1Params,
  softmaxWeights,
  subsetV1Params,
} from '../../../../src/scoring/index.js'
import { pointsOf, run, weightOf } from '../helpers.js'

const V1 = 'kinitro-subset-v1'
const AB = { envs: ['a', 'b'] }

describe('calculateThreshold (reference threshold.py)', () => {
  it('at p = 0.5: n=50 → 0.60 (gap capped at 0.10), n=100 → 0.575, n=500 → 0.5 + 1.5·√(0.25/500)', () => {
    expect(calculateThreshold(0.5, 50)).toBeCloseTo(0.6, 12)
    expect(calculateThreshold(0.5, 100)).toBeCloseTo(0.575, 12)
    expect(calculateThreshold(0.5, 500)).toBeCloseTo(0.5 + 1.5 * Math.sqrt(0.25 / 500), 12)
    expect(calculateThreshold(0.5, 500)).toBeCloseTo(0.5335, 4)
  })

  it('enforces the min gap, the max gap, p clamping and the 1.0 cap', () => {
    expect(calculateThreshold(0.5, 10_000)).toBeCloseTo(0.52, 12)
    expect(calculateThreshold(0.5, 5)).toBeCloseTo(0.6, 12)
    expect(calculateThreshold(0.5, 0)).toBeCloseTo(0.6, 12)
    // p = 0 is clamped to 0.01: 1.5·√(0.0099/50) = 0.02111 > min gap.
    expect(calculateThreshold(0, 50)).toBeCloseTo(1.5 * Math.sqrt((0.01 * 0.99) / 50), 12)
    expect(calculateThreshold(0.97, 50)).toBe(1)
  })
})

describe('softmaxWeights (reference scores_to_weights)', () => {
  it('normalises, is uniform for all zeros, and refuses T ≤ 0', () => {
    const w = softmaxWeights([10, 5, 3], 1)
    expect(w.reduce((a, b) => a + b)).toBeCloseTo(1, 12)
    expect(softmaxWeights([0, 0, 0, 0], 1)).toEqual([0.25, 0.25, 0.25, 0.25])
    expect(() => softmaxWeights([1], 0)).toThrow(RangeError)
  })

  it('applies min_weight only while min_weight·n < 1', () => {
    const base = softmaxWeights([1, 0], 1)
    const floored = softmaxWeights([1, 0], 1, 0.1)
    expect(floored[1]).toBeCloseTo((base[1] as number) * 0.8 + 0.1, 15)
    // 0.5·2 = 1 ≥ 1: ignored, plain softmax.
    expect(softmaxWeights([1, 0], 1, 0.5)).toEqual(base)
  })
})

describe('kinitro-subset-v1 (reference test_pareto.py cases)', () => {
  it('a clear winner gets more points (same block)', () => {
    const out = run(V1, [
      { uid: 0, block: 1000, scores: { a: 0.9, b: 0.9 } },
      { uid: 1, block: 1000, scores: { a: 0.5, b: 0.5 } },
    ])
    expect(pointsOf(out, 0)).toBe(4)
    expect(pointsOf(out, 1)).toBe(0)
  })

  it('specialists at the same block both win their own env', () => {
    const out = run(V1, [
      { uid: 0, block: 1000, scores: { a: 0.9, b: 0.3 } },
      { uid: 1, block: 1000, scores: { a: 0.3, b: 0.9 } },
    ])
    expect(pointsOf(out, 0)).toBeGreaterThan(0)
    expect(pointsOf(out, 1)).toBeGreaterThan(0)
  })

  it('copies of the leader never win; the earlier committer keeps the tie', () => {
    const out = run(V1, [
      { uid: 0, block: 1000, scores: { a: 0.8, b: 0.8 } },
      { uid: 1, block: 2000, scores: { a: 0.8, b: 0.8 } },
    ])
    expect(pointsOf(out, 0)).toBe(4)
    expect(pointsOf(out, 1)).toBe(0)
  })

  it('a later miner wins only by beating the threshold on every env of the subset', () => {
    const better = run(V1, [
      { uid: 0, block: 1000, scores: { a: 0.7, b: 0.7 } },
      { uid: 1, block: 2000, scores: { a: 0.9, b: 0.9 } },
    ])
    expect(pointsOf(better, 1)).toBe(4)
    const genuine = run(V1, [
      { uid: 0, block: 1000, scores: { a: 0.7, b: 0.7 } },
      { uid: 1, block: 2000, scores: { a: 0.85, b: 0.85 } },
    ])
    expect(pointsOf(genuine, 1)).toBeGreaterThan(pointsOf(genuine, 0))
  })

  it('trade-offs go to the earlier miner; same-block trade-offs to the lower uid', () => {
    const tradeoff = (block0: number, block1: number) => [
      { uid: 0, block: block0, scores: { a: 0.9, b: 0.5 } },
      { uid: 1, block: block1, scores: { a: 0.5, b: 0.9 } },
    ]
    // Two miners: every subset has a winner, and the mixed subset {a,b} goes to the earlier one
    // (kinitro.md K: the docs' "1 vs 4" example is wrong). The later miner wins {b} only.
    const out = run(V1, tradeoff(1000, 2000))
    expect([pointsOf(out, 0), pointsOf(out, 1)]).toEqual([3, 1])
    const later = run(V1, tradeoff(2000, 1000))
    expect([pointsOf(later, 0), pointsOf(later, 1)]).toEqual([1, 3])
    const same = run(V1, tradeoff(1000, 1000))
    expect([pointsOf(same, 0), pointsOf(same, 1)]).toEqual([3, 1])
  })

  it('sybils at one block: the lowest uid takes every subset, total weight stays 1', () => {
    const out = run(
      V1,
      [0, 1, 2, 3, 4].map((uid) => ({ uid, block: 1000, scores: { a: 0.8, b: 0.8 } })),
    )
    expect(pointsOf(out, 0)).toBe(4)
    expect(out.weights.values.reduce((a, b) => a + b)).toBeCloseTo(1, 12)
  })
})

describe('kinitro-subset-v1: kinitro.md K quirks', () => {
  it('48 miners, one env: softmax leaks weight to everyone (winner 1/(1+47/e) ≈ 5.47%, others ≈ 2.01%)', () => {
    const miners = Array.from({ length: 48 }, (_, uid) => ({ uid, block: 1000 + uid, scores: { a: 0.5 } }))
    const out = run(V1, miners)
    const winner = 1 / (1 + 47 * Math.exp(-1))
    expect(weightOf(out, 0)).toBeCloseTo(winner, 12)
    expect(weightOf(out, 47)).toBeCloseTo(winner * Math.exp(-1), 12)
    expect(weightOf(out, 0)).toBeCloseTo(0.055, 3)
  })

  it('no performance floor: when everyone scores 0, the earliest committer takes about everything', () => {
    // 3 envs: 1·3 + 2·3 + 3·1 = 12 points; the 4 others get e^−12 each.
    const out = run(
      V1,
      [0, 1, 2, 3, 4].map((uid) => ({ uid, block: 1000 + uid, scores: { a: 0, b: 0, c: 0 } })),
    )
    expect(pointsOf(out, 0)).toBe(12)
    expect(weightOf(out, 0)).toBeCloseTo(1 / (1 + 4 * Math.exp(-12)), 12)
    expect(weightOf(out, 0)).toBeGreaterThan(0.9999)
  })

  it('threshold capped at 1.0 with strict >: an earlier 0.95 beats a later 1.0 (here n = 10 episodes)', () => {
    // n = 10: gap = min(1.5·√(0.0475/10), 0.10) = 0.10 → threshold min(1.05, 1.0) = 1.0, and 1.0 > 1.0 is false.
    const pair = (earlier: number) => [
      { uid: 0, block: 1000, scores: { a: earlier } },
      { uid: 1, block: 2000, scores: { a: 1.0 } },
    ]
    const miners = pair(0.95)
    const out = run(V1, miners, { params: { episodesPerEnv: 10 } })
    expect([pointsOf(out, 0), pointsOf(out, 1)]).toEqual([1, 0])
    // At the default n = 50 the gap is 1.5·√(0.0475/50) = 0.0462, threshold 0.9962 < 1.0: the later 1.0 wins.
    const n50 = run(V1, miners)
    expect([pointsOf(n50, 0), pointsOf(n50, 1)]).toEqual([0, 1])
    // An earlier 0.97 is unbeatable at n = 50 (0.97 + 0.0256 ≥ 1.0).
    const capped = run(V1, pair(0.97))
    expect([pointsOf(capped, 0), pointsOf(capped, 1)]).toEqual([1, 0])
  })

  it('a missing threshold falls back to earlier + 0.02, ignoring the gap parameters', () => {
    // Miner 0 has no score for b: its b threshold is 0 + 0.02, whatever thresholdMinGap says.
    const params = { thresholdMinGap: 0.3, thresholdMaxGap: 0.5 }
    const beats = run(
      V1,
      [
        { uid: 0, block: 1000, scores: { a: 0.5 } },
        { uid: 1, block: 2000, scores: { a: 0.1, b: 0.03 } },
      ],
      { ...AB, params },
    )
    expect(pointsOf(beats, 1)).toBe(1) // wins {b}
    const fails = run(
      V1,
      [
        { uid: 0, block: 1000, scores: { a: 0.5 } },
        { uid: 1, block: 2000, scores: { a: 0.1, b: 0.02 } },
      ],
      { ...AB, params },
    )
    expect(pointsOf(fails, 1)).toBe(0)
  })

  it('thresholds use the configured episodes, not the episodes completed', () => {
    const miners = (episodes: number) => [
      { uid: 0, block: 1000, scores: { a: { successRate: 0.5, episodes } } },
      { uid: 1, block: 2000, scores: { a: 0.57 } },
    ]
    // Configured n = 100: threshold 0.575; 0.57 loses whether miner 0 ran 100 or 3 episodes.
    for (const episodes of [100, 3]) {
      expect(pointsOf(run(V1, miners(episodes), { params: { episodesPerEnv: 100 } }), 1), `episodes ${episodes}`).toBe(
        0,
      )
    }
    // Per-env episode map, missing ids default to 50 (gap 0.10): 0.57 still loses.
    expect(pointsOf(run(V1, miners(100), { params: { episodesPerEnv: { other: 1000 } } }), 1)).toBe(0)
  })

  it('min_weight is ignored once min_weight·n ≥ 1', () => {
    const miners = [
      { uid: 0, block: 1000, scores: { a: 0.9 } },
      { uid: 1, block: 2000, scores: { a: 0.1 } },
    ]
    const plain = run(V1, miners)
    expect(run(V1, miners, { params: { minWeight: 0.5 } }).weights).toEqual(plain.weights)
    expect(weightOf(run(V1, miners, { params: { minWeight: 0.4 } }), 1)).toBeCloseTo(weightOf(plain, 1) * 0.2 + 0.4, 12)
  })

  it('u16 by truncation sums below 65535; our chain vector puts the max at 65535', () => {
    const out = run(
      V1,
      [
        { uid: 0, block: 1000, scores: { a: 0.9, b: 0.2 } },
        { uid: 1, block: 2000, scores: { a: 0.1, b: 0.8 } },
        { uid: 2, block: 3000, scores: { a: 0.3, b: 0.3 } },
      ],
      AB,
    )
    const ref = out.u16Reference as { values: number[] }
    expect(ref.values.reduce((a, b) => a + b)).toBeLessThan(65535)
    out.weights.values.forEach((w, i) => {
      expect(ref.values[i]).toBe(Math.trunc(w * 65535))
    })
    expect(Math.max(...out.u16.values)).toBe(65535)
  })

  it('the ε-Pareto frontier is reported but never changes weights', () => {
    // A later copy ties with the leader: both on the frontier, yet the copy gets no points.
    const out = run(V1, [
      { uid: 0, block: 1000, scores: { a: 0.8, b: 0.8 } },
      { uid: 1, block: 2000, scores: { a: 0.8, b: 0.8 } },
    ])
    const details = out.competitions[0]?.details as { frontier: number[] }
    expect(details.frontier).toEqual([0, 1])
    expect(pointsOf(out, 1)).toBe(0)
  })

  it('temperature must be > 0', () => {
    expect(() => run(V1, [{ uid: 0, scores: { a: 1 } }], { params: { temperature: 0 } })).toThrow(/temperature/)
  })
})

describe('kinitro-subset-v1: two miners', () => {
  it('every subset has a winner (kinitro.md K)', () => {
    const rate = fc.double({ min: 0, max: 1, noNaN: true })
    const pair = fc.tuple(fc.integer({ min: 1, max: 3 }), fc.array(rate, { minLength: 3, maxLength: 3 }))
    fc.assert(
      fc.property(pair, pair, ([b0, r0], [b1, r1]) => {
        const scores = (r: number[]) => ({ a: r[0] as number, b: r[1] as number, c: r[2] as number })
        const out = run(V1, [
          { uid: 0, block: b0, scores: scores(r0) },
          { uid: 1, block: b1, scores: scores(r1) },
        ])
        const won = (out.competitions[0]!.details as { subsetsWon: Record<string, number> }).subsetsWon
        expect((won['0'] ?? 0) + (won['1'] ?? 0)).toBe(7)
      }),
    )
  })
})

describe('kinitro-subset-v1 subset engine equals the reference scan', () => {
  // Oracle written from kinitro.md D.2 step 4: for each subset, candidates in (block, uid) order, pairwise checks.
  function naivePoints(miners: MinerEntry[], envs: string[], params: SubsetV1Params): Map<number, number> {
    const thr = (m: MinerEntry, e: string) => {
      const s = m.scores.get(e)
      return s
        ? calculateThreshold(s.successRate, 50, params.thresholdZScore, params.thresholdMinGap, params.thresholdMaxGap)
        : 0.02
    }
    const score = (m: MinerEntry, e: string) => m.scores.get(e)?.successRate ?? 0
    const sorted = [...miners].sort((a, b) => a.block - b.block || (a.uid as number) - (b.uid as number))
    const points = new Map<number, number>(miners.map((m) => [m.uid as number, 0]))
    for (let mask = 1; mask < 1 << envs.length; mask++) {
      const subset = envs.filter((_, j) => mask & (1 << j))
      let winner: MinerEntry | undefined
      if (sorted.length < 2) winner = sorted[0]
      for (const c of sorted.length < 2 ? [] : sorted) {
        let ok = true
        for (const o of sorted) {
          if (o === c) continue
          const cEarlier = c.block <= o.block
          const [earlier, later] = cEarlier ? [c, o] : [o, c]
          const wins = subset.filter((e) => score(later, e) > thr(earlier, e)).length
          if (cEarlier ? wins === subset.length : wins < subset.length) {
            ok = false
            break
          }
        }
        if (ok) {
          winner = c
          break
        }
      }
      if (winner) points.set(winner.uid as number, (points.get(winner.uid as number) ?? 0) + subset.length)
    }
    return points
  }

  it('gives the same points on random small competitions (ties in blocks and scores included)', () => {
    const rate = fc.constantFrom(0, 0.1, 0.3, 0.5, 0.52, 0.55, 0.7, 0.9, 0.97, 1)
    const miner = fc.record({
      block: fc.integer({ min: 1, max: 4 }),
      scores: fc.array(fc.option(rate, { nil: undefined }), { minLength: 3, maxLength: 3 }),
    })
    fc.assert(
      fc.property(fc.array(miner, { minLength: 1, maxLength: 7 }), fc.integer({ min: 1, max: 3 }), (ms, k) => {
        const envs = ['a', 'b', 'c'].slice(0, k)
        const entries: MinerEntry[] = ms.map((m, uid) => ({
          hotkey: `m${uid}`,
          uid,
          block: m.block,
          scores: new Map(
            envs.flatMap((e, j) => {
              const v = m.scores[j]
              return v === undefined
                ? []
                : [[e, { successRate: v, episodes: 50, avgReward: null, validators: 1 }] as const]
            }),
          ),
        }))
        const params = subsetV1Params.parse({})
        const result = kinitroSubsetV1.score({
          competitions: [{ id: 'c', envIds: envs, points: 1, params, miners: entries }],
          metagraph: entries.map((e) => ({ uid: e.uid as number, hotkey: e.hotkey })),
          state: undefined,
        })
        const expected = naivePoints(entries, envs, params)
        for (const e of entries) {
          expect(result.points.get(e.hotkey)?.get('c') ?? 0, `uid ${e.uid}`).toBe(expected.get(e.uid as number))
        }
      }),
      { numRuns: 300 },
    )
  })
})
