import type { EpisodeRecord } from '../../proto/kinitro.js'
import { ScoringError } from '../errors.js'
import { byString, hexOf, latestReplicas } from './latest.js'
import type { EpisodeComparison, ReplicaComparison, ReplicaResult, ReplicaVariant } from './types.js'

interface Report {
  validator: string
  episode: EpisodeRecord
}

// What makes two replicas of an episode the same run. The error code is not part of it: two validators
// that saw the same state chain end the same way may still word a policy failure differently.
function outcomeKey(v: Pick<ReplicaVariant, 'seed' | 'finalStateHash' | 'success' | 'steps'>): string {
  return JSON.stringify([v.seed, v.finalStateHash, v.success, v.steps])
}

function variantsOf(reports: readonly Report[]): ReplicaVariant[] {
  const byKey = new Map<string, ReplicaVariant>()
  for (const { validator, episode: e } of reports) {
    const v: ReplicaVariant = {
      seed: e.seed.toString(),
      // Bodies built in code before the field existed lack it; on the wire that is the empty hash.
      finalStateHash: hexOf(e.finalStateHash ?? new Uint8Array(0)),
      success: e.success,
      steps: e.steps,
      error: e.error ?? null,
      validators: [],
    }
    const key = JSON.stringify([outcomeKey(v), v.error])
    const found = byKey.get(key)
    if (found === undefined) byKey.set(key, { ...v, validators: [validator] })
    else found.validators.push(validator)
  }
  const list = [...byKey.entries()]
  for (const [, v] of list) v.validators.sort(byString)
  // Most-reported first; equal counts by their key, so the order never depends on the input's.
  list.sort(([ka, a], [kb, b]) => b.validators.length - a.validators.length || byString(ka, kb))
  return list.map(([, v]) => v)
}

/**
 * Compare the replicas of ONE job: every validator's latest result for it (a later block supersedes an
 * earlier one), episode by episode. Replicas agree on an episode when they ran the same seed and ended
 * with the same success, step count and final state hash (the head of the episode's state-hash chain, so
 * equal hashes mean equal trajectories); the failure code does not enter. Diverging episodes carry the
 * evidence: each distinct outcome with the validators that reported it.
 *
 * Pure and order-independent: the same results in any order give the same report.
 *
 * @throws {@link ScoringError} `SCORING_INPUT_INVALID` when the results name more than one job.
 * @example
 * ```ts
 * const report = compareReplicas([{ validator: v1, result: r1, messageId: id1 }, { validator: v2, result: r2, messageId: id2 }])
 * for (const e of report.episodes) if (e.status === 'diverge') console.log(e.episodeIndex, e.variants)
 * ```
 */
export function compareReplicas(results: readonly ReplicaResult[]): ReplicaComparison {
  const latest = latestReplicas(results)
  const jobIds = [...new Set(latest.map((r) => r.jobId))]
  if (jobIds.length > 1) {
    throw new ScoringError(
      {
        code: 'SCORING_INPUT_INVALID',
        issues: jobIds.slice(1).map((id) => ({ path: 'results[].result.jobId', message: 'a second job', value: id })),
      },
      `compareReplicas takes the results of one job; got ${jobIds.length}`,
    )
  }
  const validators = [...new Set(latest.map((r) => r.validator))].sort(byString)
  const byIndex = new Map<number, Report[]>()
  for (const r of latest) {
    for (const episode of r.result.episodes) {
      const list = byIndex.get(episode.episodeIndex)
      if (list === undefined) byIndex.set(episode.episodeIndex, [{ validator: r.validator, episode }])
      else list.push({ validator: r.validator, episode })
    }
  }
  const episodes: EpisodeComparison[] = [...byIndex.keys()]
    .sort((a, b) => a - b)
    .map((episodeIndex) => {
      const reports = byIndex.get(episodeIndex) as Report[]
      const variants = variantsOf(reports)
      const reporters = new Set(reports.map((r) => r.validator))
      const outcomes = new Set(variants.map(outcomeKey))
      return {
        episodeIndex,
        seed: (variants[0] as ReplicaVariant).seed,
        status: reporters.size < 2 ? 'unreplicated' : outcomes.size === 1 ? 'agree' : 'diverge',
        variants,
        missing: validators.filter((v) => !reporters.has(v)),
      }
    })
  const count = (s: EpisodeComparison['status']) => episodes.filter((e) => e.status === s).length
  return {
    jobId: jobIds[0] ?? '',
    validators,
    episodes,
    agreed: count('agree'),
    diverged: count('diverge'),
    unreplicated: count('unreplicated'),
  }
}
