import type { z } from 'zod'
import type { ScoringIssue } from '../errors.js'
import type { MinerEntry, Neuron, WeightVector } from '../types.js'

/** One competition as a strategy receives it: validated params, aggregated miners. */
export interface StrategyCompetition<P> {
  id: string
  envIds: readonly string[]
  /** Share of emissions relative to the other competitions. */
  points: number
  params: P
  /** Every miner with at least one result in this competition, uid ascending (unregistered last). */
  miners: readonly MinerEntry[]
}

/** What a strategy scores: all competitions that use it (id ascending), the metagraph, its carried state. */
export interface StrategyContext<P> {
  competitions: readonly StrategyCompetition<P>[]
  /** Uid ascending. */
  metagraph: readonly Neuron[]
  /** What this strategy returned as `state` last time; undefined on the first run. */
  state: unknown
}

/** A strategy's verdict for its competitions. */
export interface StrategyResult {
  /** Float weight per uid, summing to 1, or empty when nobody can be paid. */
  weights: Map<number, number>
  /** Points per miner hotkey per competition, in the strategy's own unit. */
  points: Map<string, Map<string, number>>
  /** A report per competition id (frontier, winners, leaders…), JSON-safe. */
  details: Map<string, unknown>
  /** State to pass back on the next run. */
  state?: unknown
}

/**
 * A scoring rule. Strategies are pure: same context, same result, on every peer.
 *
 * @example
 * ```ts
 * const params = kinitroSubsetV1.paramsSchema.parse({ temperature: 0.5 }) // defaults filled in
 * ```
 */
export interface ScoringStrategy<P = unknown> {
  /** Stable id competitions name, e.g. `kinitro-subset-v1`. */
  readonly id: string
  /** One line for `--help` and reports. */
  readonly description: string
  /** Validates a competition's params and fills defaults; unknown keys are rejected. */
  readonly paramsSchema: z.ZodType<P>
  /** Scores every competition that uses this strategy. */
  score(ctx: StrategyContext<P>): StrategyResult
  /** The reference system's own u16 conversion for this strategy, when it had one. */
  referenceU16?(weights: ReadonlyMap<number, number>): WeightVector
}

/** How subset sizes turn into points (reference `SubsetWeightScheme`). */
export type SubsetWeightScheme = 'linear' | 'exponential' | 'equal'

/** Points for winning a subset of `size` environments: |S|, 2^(|S|−1) or 1. */
export function subsetPoints(scheme: SubsetWeightScheme, size: number): number {
  if (scheme === 'linear') return size
  if (scheme === 'exponential') return 2 ** (size - 1)
  return 1
}

/**
 * Mix per-competition weight vectors by points share: Σ (p_c / P) · w_c over competitions that paid
 * someone. A single paying competition is returned as is, so one-competition runs stay bit-identical to
 * the reference.
 */
export function combineByPoints(
  parts: ReadonlyArray<{ points: number; weights: Map<number, number> }>,
): Map<number, number> {
  const paying = parts.filter((p) => p.points > 0 && p.weights.size > 0)
  if (paying.length === 0) return new Map()
  if (paying.length === 1) return new Map((paying[0] as { weights: Map<number, number> }).weights)
  let total = 0
  for (const p of paying) total += p.points
  const out = new Map<number, number>()
  for (const p of paying) {
    for (const [uid, w] of p.weights) out.set(uid, (out.get(uid) ?? 0) + (p.points / total) * w)
  }
  return out
}

/** Record `points` for `hotkey` in `competitionId`. */
export function addPoints(
  into: Map<string, Map<string, number>>,
  hotkey: string,
  competitionId: string,
  points: number,
): void {
  let byComp = into.get(hotkey)
  if (!byComp) {
    byComp = new Map()
    into.set(hotkey, byComp)
  }
  byComp.set(competitionId, (byComp.get(competitionId) ?? 0) + points)
}

/** zod issues as JSON paths (`miners[2].scores.reach`) with the offending value when zod reported it. */
export function toIssues(error: z.ZodError): ScoringIssue[] {
  return error.issues.map((i) => {
    const issue: ScoringIssue = { path: jsonPath(i.path), message: i.message }
    if ('input' in i && i.input !== undefined) issue.value = i.input
    return issue
  })
}

/** `['miners', 2, 'scores', 'reach']` → `miners[2].scores.reach`; root is `$`. */
export function jsonPath(path: ReadonlyArray<PropertyKey>): string {
  let out = ''
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`
    else out += out === '' ? String(p) : `.${String(p)}`
  }
  return out === '' ? '$' : out
}
