import {
  countsAgainstMiner,
  type EnvSummary,
  type EpisodeRecord,
  type FailureCode,
  MAX_EPISODE_ERROR_BYTES,
  type ResultSummary,
  wilson,
} from '#protocol'
import type { EpisodeOutcome } from './types.js'

/** Episodes that failed for reasons that are not the policy's (`env_*`, `validator_*`, `network_*`). */
export interface ExcludedSummary {
  total: number
  byCode: Partial<Record<FailureCode, number>>
  /** Their job-wide episode indices, ascending: re-run these (same seeds) rather than score them. */
  episodeIndices: number[]
}

/**
 * A job's figures three ways:
 * - `summary`: over every episode, exactly what protocol's `validateResult` checks against the records;
 * - `scored`: over the episodes that may count (no error, or a `policy_*` error), which is what a
 *   miner's success rate should be computed from;
 * - `excluded`: the rest. Scoring must not count them against the miner (`countsAgainstMiner` in
 *   #protocol): the evaluator re-runs them, and publishes them only with their non-policy code.
 */
export interface JobSummary {
  summary: ResultSummary
  scored: ResultSummary
  excluded: ExcludedSummary
}

/** Whether an outcome is one the miner is accountable for. */
export function isScored(o: EpisodeOutcome): boolean {
  return o.error === undefined || countsAgainstMiner(o.error)
}

function stats(list: readonly EpisodeOutcome[]): Omit<EnvSummary, 'envId'> {
  let successes = 0
  let rewardSum = 0
  for (const o of list) {
    if (o.success) successes++
    rewardSum += o.totalReward
  }
  const n = list.length
  const ci = wilson(successes, n)
  // The same IEEE expressions the validator recomputes (successes / n, sum / n).
  return {
    episodes: n,
    successes,
    successRate: n === 0 ? 0 : successes / n,
    wilsonLow: ci.low,
    wilsonHigh: ci.high,
    meanReward: n === 0 ? 0 : rewardSum / n,
  }
}

/** Totals and per-env figures (Wilson 95%) in protocol's `ResultSummary` shape; envs in first-seen order. */
export function resultSummary(outcomes: readonly EpisodeOutcome[]): ResultSummary {
  const byEnv = new Map<string, EpisodeOutcome[]>()
  for (const o of outcomes) {
    const list = byEnv.get(o.envId)
    if (list === undefined) byEnv.set(o.envId, [o])
    else list.push(o)
  }
  return {
    ...stats(outcomes),
    perEnv: [...byEnv].map(([envId, list]) => ({ envId, ...stats(list) })),
  }
}

/** {@link JobSummary} of a job's outcomes. */
export function summarizeJob(outcomes: readonly EpisodeOutcome[]): JobSummary {
  const scored = outcomes.filter(isScored)
  const excludedList = outcomes.filter((o) => !isScored(o))
  const byCode: Partial<Record<FailureCode, number>> = {}
  for (const o of excludedList) if (o.error) byCode[o.error] = (byCode[o.error] ?? 0) + 1
  return {
    summary: resultSummary(outcomes),
    scored: resultSummary(scored),
    excluded: {
      total: excludedList.length,
      byCode,
      episodeIndices: excludedList.map((o) => o.episodeIndex).sort((a, b) => a - b),
    },
  }
}

/**
 * Outcomes → protocol `EpisodeRecord`s. `error` is the failure code only (the human detail stays in the
 * trace), so it always fits `MAX_EPISODE_ERROR_BYTES`; durations round to whole milliseconds.
 */
export function toEpisodeRecords(outcomes: readonly EpisodeOutcome[]): EpisodeRecord[] {
  return outcomes.map((o) => {
    const r: EpisodeRecord = {
      envId: o.envId,
      taskId: o.taskId,
      episodeIndex: o.episodeIndex,
      seed: BigInt(o.seed),
      success: o.success,
      totalReward: o.totalReward,
      steps: o.steps,
      durationMs: Math.min(0xffffffff, Math.max(0, Math.round(o.durationMs))),
      // The chain head is what replicas compare (design §5); empty when no step ran.
      finalStateHash: new Uint8Array(Buffer.from(o.finalStateHash, 'hex')),
    }
    if (o.error !== undefined) r.error = o.error.slice(0, MAX_EPISODE_ERROR_BYTES)
    return r
  })
}
