/**
 * `kinitro-subset-v1`: the reference NEW generation's scoring (kinitro.md D.2) with every quirk listed in
 * kinitro.md K:
 * - thresholds use the configured episodes per env, not the episodes completed;
 * - the threshold is capped at 1.0 and beaten only with a strict `>`, so an earlier miner whose
 *   score + gap reaches 1.0 can never be displaced;
 * - a missing threshold (the earlier miner has no score for the env) falls back to 0 + 0.02;
 * - no performance floor: if everyone scores 0, the earliest committer wins every subset;
 * - softmax over raw points gives weight to miners with no points (one env, 48 miners: ≈5.5% to the
 *   winner, ≈2.0% to each of the others);
 * - `minWeight` is ignored once `minWeight · n ≥ 1`;
 * - the ε-Pareto frontier (float32) is reported and never used;
 * - u16 by truncation after renormalising (`referenceU16`), so values often sum below 65535.
 */
import { z } from 'zod'
import {
  REF_EPISODES_PER_ENV,
  REF_MISSING_THRESHOLD_GAP,
  REF_SE_P_MAX,
  REF_SE_P_MIN,
  REF_TEMPERATURE,
  REF_THRESHOLD_MAX_GAP,
  REF_THRESHOLD_MIN_GAP,
  REF_THRESHOLD_Z,
} from '../constants.js'
import { paretoFrontier } from '../pareto.js'
import { weightsToU16Truncate } from '../u16.js'
import { addPoints, combineByPoints, type ScoringStrategy, type StrategyCompetition } from './strategy.js'
import { assertSubsetSize, awardSubsets, contendersOf, softmaxWeights } from './subset-common.js'

const episodes = z.number().int().min(0)

/** Parameters of `kinitro-subset-v1`; defaults are the reference scheduler's. */
export const subsetV1Params = z
  .object({
    /** Episodes per env the thresholds and ε assume (a number, or per env id; missing ids use 50). @default 50 */
    episodesPerEnv: z.union([episodes, z.record(z.string(), episodes)]).default(REF_EPISODES_PER_ENV),
    /** Softmax temperature; must be > 0. @default 1 */
    temperature: z.number().positive().default(REF_TEMPERATURE),
    /** z of the first-commit gap. @default 1.5 */
    thresholdZScore: z.number().min(0).default(REF_THRESHOLD_Z),
    /** @default 0.02 */
    thresholdMinGap: z.number().min(0).default(REF_THRESHOLD_MIN_GAP),
    /** @default 0.1 */
    thresholdMaxGap: z.number().min(0).default(REF_THRESHOLD_MAX_GAP),
    /** Points for a subset of size s: linear s, exponential 2^(s−1), equal 1. @default 'linear' */
    subsetWeightScheme: z.enum(['linear', 'exponential', 'equal']).default('linear'),
    /** Weight floor per miner (ignored when minWeight · n ≥ 1). @default 0 */
    minWeight: z.number().min(0).default(0),
  })
  .strict()

/** Resolved `kinitro-subset-v1` parameters. */
export type SubsetV1Params = z.output<typeof subsetV1Params>

/**
 * The score a later miner must beat (`kinitro/scoring/threshold.py` `calculate_threshold`):
 * prior + clamp(z·sqrt(p(1−p)/n), minGap, maxGap) with p clamped to [0.01, 0.99], gap = maxGap when n ≤ 0,
 * capped at 1.0. At p = 0.5: n = 50 → 0.6 (gap capped at 0.10), n = 100 → 0.575, n = 500 → ≈0.5335.
 */
export function calculateThreshold(
  prior: number,
  samples: number,
  z = REF_THRESHOLD_Z,
  minGap = REF_THRESHOLD_MIN_GAP,
  maxGap = REF_THRESHOLD_MAX_GAP,
): number {
  let gap: number
  if (samples <= 0) gap = maxGap
  else {
    const p = Math.max(REF_SE_P_MIN, Math.min(REF_SE_P_MAX, prior))
    gap = z * Math.sqrt((p * (1 - p)) / samples)
    gap = Math.max(gap, minGap)
    gap = Math.min(gap, maxGap)
  }
  return Math.min(prior + gap, 1.0)
}

/** Episodes the reference assumes for `envId`. */
export function episodesFor(params: Pick<SubsetV1Params, 'episodesPerEnv'>, envId: string): number {
  const e = params.episodesPerEnv
  return typeof e === 'number' ? e : (e[envId] ?? REF_EPISODES_PER_ENV)
}

function scoreCompetition(comp: StrategyCompetition<SubsetV1Params>) {
  const { params } = comp
  const k = comp.envIds.length
  assertSubsetSize(comp.id, k)
  const miners = contendersOf(comp.miners)
  const n = miners.length
  const score = (i: number, e: string) => miners[i]?.scores.get(e)?.successRate ?? 0
  const threshold = (i: number, e: string) => {
    const s = miners[i]?.scores.get(e)
    if (!s) return REF_MISSING_THRESHOLD_GAP
    const samples = episodesFor(params, e)
    return calculateThreshold(
      s.successRate,
      samples,
      params.thresholdZScore,
      params.thresholdMinGap,
      params.thresholdMaxGap,
    )
  }
  const sc = miners.map((_, i) => comp.envIds.map((e) => score(i, e)))
  const thr = miners.map((_, i) => comp.envIds.map((e) => threshold(i, e)))
  const beats = new Uint32Array(n * n)
  for (let i = 0; i < n; i++) {
    const si = sc[i] as number[]
    for (let j = 0; j < n; j++) {
      if (i === j) continue
      const tj = thr[j] as number[]
      let mask = 0
      for (let b = 0; b < k; b++) if ((si[b] as number) > (tj[b] as number)) mask |= 1 << b
      beats[i * n + j] = mask
    }
  }
  const { points, won } = awardSubsets(miners, beats, k, params.subsetWeightScheme)
  // Softmax in uid order, so the float sum is the same whatever order miners arrived in.
  const byUid = miners.map((m, i) => ({ m, i })).sort((a, b) => a.m.uid - b.m.uid)
  const w = softmaxWeights(
    byUid.map(({ i }) => points[i] as number),
    params.temperature,
    params.minWeight,
  )
  const weights = new Map(byUid.map(({ m }, x) => [m.uid, w[x] as number]))
  const pareto = paretoFrontier(
    byUid.map(({ m }) => m.uid),
    byUid.map(({ i }) => sc[i] as number[]),
    comp.envIds.map((e) => episodesFor(params, e)),
  )
  const details = {
    frontier: pareto.frontier,
    epsilons: pareto.epsilons,
    subsetsWon: Object.fromEntries(byUid.map(({ m, i }) => [String(m.uid), won[i] as number])),
  }
  return { weights, points: byUid.map(({ m, i }) => [m.hotkey, points[i] as number] as const), details }
}

/** The reference NEW scoring, quirks included. */
export const kinitroSubsetV1: ScoringStrategy<SubsetV1Params> = {
  id: 'kinitro-subset-v1',
  description: 'reference NEW: subset winners-take-all, first-commit advantage, softmax over points',
  paramsSchema: subsetV1Params,
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
  referenceU16: weightsToU16Truncate,
}
