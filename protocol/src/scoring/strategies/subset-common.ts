import { MAX_SUBSET_ENVS } from '../constants.js'
import { ScoringError } from '../errors.js'
import { pairwiseSum } from '../stats.js'
import { popcount, type SubsetContender, subsetWinners } from '../subsets.js'
import type { MinerEntry } from '../types.js'
import { type SubsetWeightScheme, subsetPoints } from './strategy.js'

/** Registered miners of a competition in the order the first-commit rule walks them: (block, uid). */
export function contendersOf(miners: readonly MinerEntry[]): Array<MinerEntry & { uid: number }> {
  return miners
    .filter((m): m is MinerEntry & { uid: number } => m.uid !== null)
    .sort((a, b) => a.block - b.block || a.uid - b.uid)
}

/** Refuse competitions whose subsets cannot be enumerated. */
export function assertSubsetSize(competitionId: string, k: number): void {
  if (k > MAX_SUBSET_ENVS) {
    throw new ScoringError(
      { code: 'SCORING_TOO_MANY_ENVS', competitionId, envs: k, limit: MAX_SUBSET_ENVS },
      `competition ${competitionId} has ${k} environments; subset scoring handles at most ${MAX_SUBSET_ENVS}`,
    )
  }
}

/**
 * Run the subset rule and award points: the winner of each non-empty subset S gets `subsetPoints(|S|)`.
 * Subsets are visited by size, then in mask order; point totals are sums of small integers, so the order
 * cannot change them.
 *
 * @returns points per contender index, and how many subsets each won.
 */
export function awardSubsets(
  contenders: readonly SubsetContender[],
  beats: Uint32Array,
  k: number,
  scheme: SubsetWeightScheme,
  eligible?: Uint32Array,
): { points: Float64Array; won: Uint32Array } {
  const points = new Float64Array(contenders.length)
  const won = new Uint32Array(contenders.length)
  if (contenders.length === 0 || k === 0) return { points, won }
  const winners = subsetWinners(contenders, beats, k, eligible)
  for (let s = 1; s < 1 << k; s++) {
    const w = winners[s] as number
    if (w >= 0) {
      points[w] = (points[w] as number) + subsetPoints(scheme, popcount(s))
      won[w] = (won[w] as number) + 1
    }
  }
  return { points, won }
}

/**
 * The reference's `scores_to_weights`: softmax of points at temperature T (shifted by the max for
 * stability); all-zero points give a uniform vector; a `minWeight` floor applies only while
 * `minWeight · n < 1` (otherwise it is silently ignored, as in the reference).
 */
export function softmaxWeights(values: readonly number[], temperature: number, minWeight = 0): number[] {
  if (!(temperature > 0)) throw new RangeError('temperature must be > 0')
  if (values.length === 0) return []
  if (values.every((v) => v === 0)) return values.map(() => 1 / values.length)
  const max = Math.max(...values)
  const exps = values.map((v) => Math.exp((v - max) / temperature))
  const sum = pairwiseSum(exps)
  let weights = exps.map((e) => e / sum)
  if (minWeight > 0) {
    const minTotal = minWeight * values.length
    if (minTotal < 1) {
      const scale = 1 - minTotal
      weights = weights.map((w) => w * scale + minWeight)
    }
  }
  return weights
}
