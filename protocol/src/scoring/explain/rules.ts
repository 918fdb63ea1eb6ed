/**
 * The pairwise "beats" rule of each subset strategy, restated per (challenger, defender, task) so an
 * explanation can ask what-if questions (which rate would clear this bar?). The strategies build their
 * bitmasks from the same comparisons; test/unit/scoring-explain.test.ts checks that subsets won through
 * these rules equal the strategies' own `subsetsWon` on random fields.
 */
import { REF_EPISODES_PER_ENV, REF_MISSING_THRESHOLD_GAP } from '../constants.js'
import { wilson } from '../stats.js'
import { calculateThreshold, episodesFor, type SubsetV1Params } from '../strategies/kinitro-subset-v1.js'
import type { SubsetV2Params } from '../strategies/kinitro-subset-v2.js'
import type { SubsetWeightScheme } from '../strategies/strategy.js'
import type { EnvScore } from '../types.js'
import type { ComparisonBar } from './types.js'

/** A subset strategy's comparisons. `undefined` figures mean "no result on this task". */
export interface PairRule {
  scheme: SubsetWeightScheme
  /** Does challenger `c` beat defender `d` on task `envId`? */
  beats(c: EnvScore | undefined, d: EnvScore | undefined, envId: string): boolean
  /** May `c` win subsets containing this task at all? (v1: always.) */
  eligible(c: EnvScore | undefined): boolean
  /** What a challenger with `episodes` episodes must clear to beat `d`. */
  bar(d: EnvScore | undefined, envId: string, episodes: number): ComparisonBar
  /** Episodes the strategy assumes when nobody has a result on `envId`. */
  defaultEpisodes(envId: string): number
  /** True when v2's eligibility applies. */
  hasFloor: boolean
  /** True when the strategy reports an ε-Pareto frontier (v1), over `defaultEpisodes` samples. */
  pareto: boolean
}

/** Figures of a hypothetical result: `successes` out of `episodes`. */
export function figures(successes: number, episodes: number): EnvScore {
  return { successRate: episodes === 0 ? 0 : successes / episodes, episodes, avgReward: null, validators: 1 }
}

/** Smallest s in 0…n with `ok(s)`, or null. Linear: n is an episode count (tens to hundreds). */
export function smallestSuccesses(n: number, ok: (s: number) => boolean): number | null {
  for (let s = 0; s <= n; s++) if (ok(s)) return s
  return null
}

function v1Rule(p: SubsetV1Params): PairRule {
  const threshold = (d: EnvScore | undefined, envId: string): number =>
    d === undefined
      ? REF_MISSING_THRESHOLD_GAP
      : calculateThreshold(
          d.successRate,
          episodesFor(p, envId),
          p.thresholdZScore,
          p.thresholdMinGap,
          p.thresholdMaxGap,
        )
  return {
    scheme: p.subsetWeightScheme,
    hasFloor: false,
    pareto: true,
    beats: (c, d, envId) => (c?.successRate ?? 0) > threshold(d, envId),
    eligible: () => true,
    bar: (d, envId) => {
      const rate = threshold(d, envId)
      // Strict `>` against a threshold capped at 1.0: nothing clears 1.0 (kinitro.md K, the lock-out).
      return { rate, strict: true, reachable: rate < 1 }
    },
    defaultEpisodes: (envId) => episodesFor(p, envId),
  }
}

function v2Rule(p: SubsetV2Params): PairRule {
  // As kinitro-subset-v2 computes it: successes recovered from the rate, Wilson bound at z over them.
  const low = (c: EnvScore | undefined): number =>
    c === undefined || c.episodes === 0
      ? 0
      : wilson(Math.min(c.episodes, Math.round(c.successRate * c.episodes)), c.episodes, p.wilsonZ).low
  const beats = (c: EnvScore | undefined, d: EnvScore | undefined): boolean => {
    const rd = d?.successRate ?? 0
    return low(c) > rd && (c?.successRate ?? 0) >= rd + p.minGap
  }
  return {
    scheme: p.subsetWeightScheme,
    hasFloor: true,
    pareto: false,
    beats,
    eligible: (c) => (c?.successRate ?? 0) > p.performanceFloor && low(c) > 0,
    bar: (d, _envId, episodes) => {
      // The bar depends on the challenger's episode count (its Wilson bound): search the rates it can have.
      const s = smallestSuccesses(episodes, (x) => beats(figures(x, episodes), d))
      if (s !== null) return { rate: figures(s, episodes).successRate, strict: false, reachable: true }
      return { rate: Math.min(1, (d?.successRate ?? 0) + p.minGap), strict: false, reachable: false }
    },
    // v2 has no configured episode count; use the reference scheduler's.
    defaultEpisodes: () => REF_EPISODES_PER_ENV,
  }
}

/** The rule of a subset strategy with its resolved params, or undefined for other strategies. */
export function pairRule(strategy: string, params: unknown): PairRule | undefined {
  if (strategy === 'kinitro-subset-v1') return v1Rule(params as SubsetV1Params)
  if (strategy === 'kinitro-subset-v2') return v2Rule(params as SubsetV2Params)
  return undefined
}
