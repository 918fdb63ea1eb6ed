/**
 * `kinitro-subset-v2`: `kinitro-subset-v1`'s subset winners-take-all with first-commit advantage, with the
 * kinitro.md K problems fixed. What differs from v1, and why:
 *
 * 1. **Beating an earlier miner uses the episodes actually completed.** On env e, a later miner L beats an
 *    earlier miner E iff L's one-sided Wilson lower bound (z = 1.645, 95%) over L's completed episodes
 *    exceeds E's success rate, and L's rate is at least E's + `minGap`. v1 used a gap from the *configured*
 *    episode count, so a validator that ran fewer episodes still got the tight threshold.
 * 2. **No cap-at-1.0 lock-out.** v1's threshold min(score + gap, 1.0) with a strict `>` makes an earlier
 *    miner unbeatable once score + gap ≥ 1 (0.95 with ≤ 42 episodes, 0.96 with 50). Here evidence decides:
 *    a later 100/100 has a bound of ≈0.974 and beats an earlier 0.95; 50/50 (bound ≈0.949) does not yet.
 * 3. **Missing envs count as nothing.** A miner without results for an env has rate 0 over 0 episodes: its
 *    Wilson bound is 0, so it cannot beat anyone there (v1 compared against a made-up 0 + 0.02).
 * 4. **Performance floor.** A miner wins subset S only if its rate is above `performanceFloor` on every env
 *    of S (default 0: at least one success). v1 paid the earliest committer everything when all scored 0.
 * 5. **No leak to copies or losers.** Weights are proportional to points (or a softmax over miners that
 *    earned points); a miner with 0 points gets 0. v1's softmax gave every evaluated miner ≈e^−Δ.
 *    If nobody earns points, the competition pays nobody.
 * 6. u16: no reference conversion; nodes submit `toSubtensorU16`.
 */
import { z } from 'zod'
import { REF_THRESHOLD_MIN_GAP } from '../constants.js'
import { wilson } from '../stats.js'
import { addPoints, combineByPoints, type ScoringStrategy, type StrategyCompetition } from './strategy.js'
import { assertSubsetSize, awardSubsets, contendersOf, softmaxWeights } from './subset-common.js'

/** z of a one-sided 95% lower bound. */
export const V2_WILSON_Z = 1.645

/** Parameters of `kinitro-subset-v2`. */
export const subsetV2Params = z
  .object({
    /** z of the Wilson lower bound a later miner must clear. @default 1.645 */
    wilsonZ: z.number().min(0).default(V2_WILSON_Z),
    /** Smallest improvement in rate that counts, on top of the bound. @default 0.02 */
    minGap: z.number().min(0).default(REF_THRESHOLD_MIN_GAP),
    /** A subset's winner needs a rate strictly above this on every env of it. @default 0 */
    performanceFloor: z.number().min(0).max(1).default(0),
    /** @default 'linear' */
    subsetWeightScheme: z.enum(['linear', 'exponential', 'equal']).default('linear'),
    /** How points become weights among miners that earned any. @default 'proportional' */
    weighting: z.enum(['proportional', 'softmax']).default('proportional'),
    /** Softmax temperature when `weighting` is softmax. @default 1 */
    temperature: z.number().positive().default(1),
  })
  .strict()

/** Resolved `kinitro-subset-v2` parameters. */
export type SubsetV2Params = z.output<typeof subsetV2Params>

function scoreCompetition(comp: StrategyCompetition<SubsetV2Params>) {
  const { params } = comp
  const k = comp.envIds.length
  assertSubsetSize(comp.id, k)
  const miners = contendersOf(comp.miners)
  const n = miners.length
  const rate = miners.map((m) => comp.envIds.map((e) => m.scores.get(e)?.successRate ?? 0))
  const low = miners.map((m) =>
    comp.envIds.map((e) => {
      const s = m.scores.get(e)
      if (!s || s.episodes === 0) return 0
      return wilson(Math.min(s.episodes, Math.round(s.successRate * s.episodes)), s.episodes, params.wilsonZ).low
    }),
  )
  const beats = new Uint32Array(n * n)
  const eligible = new Uint32Array(n)
  for (let i = 0; i < n; i++) {
    const ri = rate[i] as number[]
    const li = low[i] as number[]
    for (let b = 0; b < k; b++)
      if ((ri[b] as number) > params.performanceFloor && (li[b] as number) > 0)
        eligible[i] = (eligible[i] as number) | (1 << b)
    for (let j = 0; j < n; j++) {
      if (i === j) continue
      const rj = rate[j] as number[]
      let mask = 0
      for (let b = 0; b < k; b++) {
        if ((li[b] as number) > (rj[b] as number) && (ri[b] as number) >= (rj[b] as number) + params.minGap)
          mask |= 1 << b
      }
      beats[i * n + j] = mask
    }
  }
  const { points, won } = awardSubsets(miners, beats, k, params.subsetWeightScheme, eligible)
  const byUid = miners.map((m, i) => ({ m, i })).sort((a, b) => a.m.uid - b.m.uid)
  const earners = byUid.filter(({ i }) => (points[i] as number) > 0)
  const weights = new Map<number, number>()
  if (earners.length > 0) {
    const values = earners.map(({ i }) => points[i] as number)
    let w: number[]
    if (params.weighting === 'softmax') w = softmaxWeights(values, params.temperature)
    else {
      const total = values.reduce((a, b) => a + b, 0)
      w = values.map((v) => v / total)
    }
    earners.forEach(({ m }, x) => {
      weights.set(m.uid, w[x] as number)
    })
  }
  const details = { subsetsWon: Object.fromEntries(byUid.map(({ m, i }) => [String(m.uid), won[i] as number])) }
  return { weights, points: byUid.map(({ m, i }) => [m.hotkey, points[i] as number] as const), details }
}

/** Subset scoring with confidence-aware first-commit thresholds, a floor, and no weight for non-winners. */
export const kinitroSubsetV2: ScoringStrategy<SubsetV2Params> = {
  id: 'kinitro-subset-v2',
  description: 'subset winners-take-all with Wilson thresholds on completed episodes, a floor, no leak to losers',
  paramsSchema: subsetV2Params,
  score(ctx) {
    const points = new Map<string, Map<string, number>>()
    const details = new Map<string, unknown>()
    const parts = ctx.competitions.map((comp) => {
      const r = scoreCompetition(comp)
      for (const [hotkey, p] of r.points) addPoints(points, hotkey, comp.id, p)
      details.set(comp.id, r.details)
      return { points: comp.points, weights: r.weights }
    })
    return { weights: combineByPoints(parts), points, details }
  },
}
