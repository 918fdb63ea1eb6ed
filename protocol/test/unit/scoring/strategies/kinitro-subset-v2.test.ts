import { describe, expect, it } from 'vitest'
import { wilson } from '../../../../src/scoring/index.js'
import { pointsOf, run, weightOf } from '../helpers.js'

const V1 = 'kinitro-subset-v1'
const V2 = 'kinitro-subset-v2'

describe('kinitro-subset-v2: what it changes from v1', () => {
  it('copies of the leader and other point-less miners get exactly 0 (v1 leaks e^−Δ to them)', () => {
    const miners = [
      { uid: 0, block: 1000, scores: { a: 0.8 } },
      { uid: 1, block: 2000, scores: { a: 0.8 } },
      { uid: 2, block: 3000, scores: { a: 0.3 } },
    ]
    const v2 = run(V2, miners)
    expect([weightOf(v2, 0), weightOf(v2, 1), weightOf(v2, 2)]).toEqual([1, 0, 0])
    expect(weightOf(run(V1, miners), 1)).toBeGreaterThan(0.1)
  })

  it('all zeros pays nobody (v1 pays the earliest committer)', () => {
    const miners = [0, 1, 2].map((uid) => ({ uid, block: 1000 + uid, scores: { a: 0, b: 0 } }))
    const v2 = run(V2, miners)
    expect(v2.weights).toEqual({ uids: [], values: [] })
    expect(v2.u16).toEqual({ uids: [], values: [] })
    expect(weightOf(run(V1, miners), 0)).toBeGreaterThan(0.9)
  })

  it('uses the episodes actually completed: a later 100/100 beats an earlier 0.95 that v1 locks in', () => {
    const miners = [
      { uid: 0, block: 1000, scores: { a: { successRate: 0.95, episodes: 100 } } },
      { uid: 1, block: 2000, scores: { a: { successRate: 1, episodes: 100 } } },
    ]
    // Wilson lower bound of 100/100 at z = 1.645 is 100/(100 + 1.645²) = 0.9737 > 0.95.
    expect(wilson(100, 100, 1.645).low).toBeCloseTo(100 / (100 + 1.645 ** 2), 12)
    expect(pointsOf(run(V2, miners), 1)).toBe(1)
    // v1 configured for 20 episodes: threshold min(0.95 + 0.073, 1) = 1.0, never beaten.
    expect(pointsOf(run(V1, miners, { params: { episodesPerEnv: 20 } }), 1)).toBe(0)
  })

  it('few completed episodes are not enough evidence: 20/20 does not beat an earlier 0.95', () => {
    // Wilson low of 20/20 = 20/22.706 = 0.881 < 0.95.
    const out = run(V2, [
      { uid: 0, block: 1000, scores: { a: { successRate: 0.95, episodes: 100 } } },
      { uid: 1, block: 2000, scores: { a: { successRate: 1, episodes: 20 } } },
    ])
    expect([pointsOf(out, 0), pointsOf(out, 1)]).toEqual([1, 0])
  })

  it('a miner without results for an env cannot win subsets containing it', () => {
    const out = run(
      V2,
      [
        { uid: 0, block: 1000, scores: { a: 0.9 } },
        { uid: 1, block: 2000, scores: { a: 0.2, b: 0.6 } },
      ],
      { envs: ['a', 'b'] },
    )
    // Miner 0 wins {a}; {b} and {a,b} need a result on b, which only miner 1 has, but miner 1 must beat
    // miner 0 (rate 0 on b, 0 episodes) on all of {a,b}: it does on b only. So miner 1 wins {b}.
    expect([pointsOf(out, 0), pointsOf(out, 1)]).toEqual([1, 1])
    expect(weightOf(out, 0)).toBe(0.5)
  })

  it('the performance floor keeps weak subsets unpaid', () => {
    const miners = [{ uid: 0, block: 1000, scores: { a: 0.4, b: 0.9 } }]
    expect(pointsOf(run(V2, miners, { params: { performanceFloor: 0.5 } }), 0)).toBe(1)
    expect(pointsOf(run(V2, miners), 0)).toBe(4)
  })

  it('softmax weighting is only among miners with points', () => {
    const out = run(
      V2,
      [
        { uid: 0, block: 1000, scores: { a: 0.9, b: 0.2 } },
        { uid: 1, block: 2000, scores: { a: 0.1, b: 0.9 } },
        { uid: 2, block: 3000, scores: { a: 0.1, b: 0.1 } },
      ],
      { params: { weighting: 'softmax' } },
    )
    // Points 3 and 1 (same shape as the v1 trade-off case); uid 2 has none.
    expect([pointsOf(out, 0), pointsOf(out, 1)]).toEqual([3, 1])
    expect(weightOf(out, 0)).toBeCloseTo(1 / (1 + Math.exp(-2)), 12)
    expect(weightOf(out, 2)).toBe(0)
  })
})
