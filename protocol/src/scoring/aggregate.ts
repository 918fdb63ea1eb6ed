import type { EnvScore, ValidatorResult } from './types.js'

/** One vote in a weighted median: a value, its weight, and a key that orders equal values. */
export interface WeightedValue<T> {
  value: number
  weight: number
  key: string
  item: T
}

/**
 * The lower stake-weighted median: sort by (value, key) ascending, then take the first entry at which the
 * running weight reaches half of the total (`2·cumulative ≥ total`).
 *
 * - Exactly half: an even split between two values picks the lower one. A miner is never credited with
 *   more than validators holding at least half the stake attest to.
 * - The result is always one of the inputs (no averaging), so its other fields (episodes, reward) stay
 *   those of a real report.
 * - A validator with more than half the stake decides alone; the result lies in [min, max]; input order
 *   does not matter, because sorting (and summing in sorted order) comes first.
 * - All weights zero: every entry counts 1, so an unstaked devnet still aggregates.
 *
 * @returns undefined for no entries.
 */
export function weightedMedian<T>(entries: readonly WeightedValue<T>[]): WeightedValue<T> | undefined {
  if (entries.length === 0) return undefined
  const sorted = [...entries].sort((a, b) => a.value - b.value || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
  let total = 0
  for (const e of sorted) total += e.weight
  const weightOf = total > 0 ? (e: WeightedValue<T>) => e.weight : () => 1
  if (!(total > 0)) total = sorted.length
  let cumulative = 0
  for (const e of sorted) {
    cumulative += weightOf(e)
    if (2 * cumulative >= total) return e
  }
  // Unreachable: the last cumulative equals total. Kept for the type checker.
  return sorted[sorted.length - 1]
}

/** Aggregated scores: competition → miner hotkey → environment → score. */
export type AggregatedScores = Map<string, Map<string, Map<string, EnvScore>>>

/**
 * Reduce several validators' results to one score per (competition, miner, environment).
 *
 * First, a validator that reported the same triple more than once counts once: its latest `block` wins,
 * and at equal blocks the lower success rate (a tie must not let a validator pick its best report). Then
 * the stake-weighted median of success rates ({@link weightedMedian}, ties between equal rates ordered by
 * validator hotkey) selects the report whose episodes and reward are kept.
 */
export function aggregateResults(results: readonly ValidatorResult[]): AggregatedScores {
  const latest = new Map<string, ValidatorResult>()
  for (const r of results) {
    const k = JSON.stringify([r.competitionId, r.miner, r.envId, r.validator])
    const prev = latest.get(k)
    if (!prev || isNewer(r, prev)) latest.set(k, r)
  }
  const groups = new Map<string, ValidatorResult[]>()
  for (const r of latest.values()) {
    const g = JSON.stringify([r.competitionId, r.miner, r.envId])
    const list = groups.get(g)
    if (list) list.push(r)
    else groups.set(g, [r])
  }
  const out: AggregatedScores = new Map()
  for (const list of groups.values()) {
    const first = list[0] as ValidatorResult
    const median = weightedMedian(
      list.map((r) => ({ value: r.successRate, weight: r.stake, key: r.validator, item: r })),
    ) as WeightedValue<ValidatorResult>
    const byMiner = getOrCreate(out, first.competitionId, () => new Map<string, Map<string, EnvScore>>())
    const byEnv = getOrCreate(byMiner, first.miner, () => new Map<string, EnvScore>())
    byEnv.set(first.envId, {
      successRate: median.item.successRate,
      episodes: median.item.episodes,
      avgReward: median.item.avgReward ?? null,
      validators: list.length,
    })
  }
  return out
}

function getOrCreate<K, V>(map: Map<K, V>, key: K, make: () => V): V {
  let v = map.get(key)
  if (v === undefined) {
    v = make()
    map.set(key, v)
  }
  return v
}

function isNewer(a: ValidatorResult, b: ValidatorResult): boolean {
  const ab = a.block ?? 0
  const bb = b.block ?? 0
  if (ab !== bb) return ab > bb
  if (a.successRate !== b.successRate) return a.successRate < b.successRate
  // Full tie on block and rate: keep a deterministic one whatever the arrival order.
  return JSON.stringify([a.episodes, a.avgReward ?? null]) < JSON.stringify([b.episodes, b.avgReward ?? null])
}
