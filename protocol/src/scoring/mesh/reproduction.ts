import { countsAgainstMiner } from '../../messages/failure-codes.js'
import type { EpisodeRecord } from '../../proto/kinitro.js'
import { latestReplicas } from './latest.js'
import type { ExcludedEpisode, ReplicaResult, ReproducedResult } from './types.js'

const isPolicyFailure = (e: EpisodeRecord): boolean => e.error !== undefined && countsAgainstMiner(e.error)

/**
 * The mesh's reproduction rule (design §6, failure-codes.ts): which episodes of each validator's latest
 * result per job count against the miner.
 *
 * - No error: counts, as reported.
 * - A `policy_*` failure: counts (as a failure, whatever `success` says) only when at least one OTHER
 *   validator's latest result for the same job reports a `policy_*` failure (any policy code) at the same
 *   episode index. Otherwise one validator alone cannot sink a miner, whether its sandbox was broken or
 *   it lies: the episode is left out of that validator's figures, like a validator-side failure.
 * - `env_*`, `validator_*`, `network_*` or an unknown code: never counts (evaluator's `isScored`).
 *
 * Two colluding validators can still corroborate each other; the stake-weighted median in
 * `computeWeights` bounds what they can do.
 *
 * Pure; sorted by (job id, validator), episodes by index, whatever the input order.
 */
export function applyReproductionRule(results: readonly ReplicaResult[]): ReproducedResult[] {
  const latest = latestReplicas(results)
  // (job, episode index) → validators that report a policy failure there.
  const failers = new Map<string, Set<string>>()
  for (const r of latest) {
    for (const e of r.result.episodes) {
      if (!isPolicyFailure(e)) continue
      const key = `${r.jobId} ${e.episodeIndex}`
      const set = failers.get(key)
      if (set === undefined) failers.set(key, new Set([r.validator]))
      else set.add(r.validator)
    }
  }
  return latest.map((r) => {
    const counted: EpisodeRecord[] = []
    const excluded: ExcludedEpisode[] = []
    for (const e of [...r.result.episodes].sort((a, b) => a.episodeIndex - b.episodeIndex)) {
      if (e.error === undefined) {
        counted.push(e)
      } else if (!isPolicyFailure(e)) {
        excluded.push({ episodeIndex: e.episodeIndex, envId: e.envId, error: e.error, reason: 'not_policy' })
      } else if (reproducedElsewhere(failers.get(`${r.jobId} ${e.episodeIndex}`), r.validator)) {
        counted.push(e.success ? { ...e, success: false } : e)
      } else {
        excluded.push({ episodeIndex: e.episodeIndex, envId: e.envId, error: e.error, reason: 'policy_unreproduced' })
      }
    }
    return { validator: r.validator, messageId: r.messageId, jobId: r.jobId, result: r.result, counted, excluded }
  })
}

function reproducedElsewhere(failers: ReadonlySet<string> | undefined, self: string): boolean {
  if (failers === undefined) return false
  for (const v of failers) if (v !== self) return true
  return false
}
