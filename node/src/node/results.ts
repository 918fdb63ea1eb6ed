import { createHash } from 'node:crypto'
import { type EpisodeOutcome, resultSummary, toEpisodeRecords } from '#evaluator'
import { createResult, type JobAnnouncement, type Result } from '#protocol'

/** Recorded in every result; bump when evaluation semantics change (seeds, summaries, failure codes). */
export const EVALUATOR_VERSION = 'kinitro-evaluator/1'

/** Domain tag of a result's trajectory digest. */
export const TRAJECTORY_DIGEST_DOMAIN = 'kinitro/v1/trajectory'

/**
 * SHA-256 over the domain and, per episode in index order, its index (u32be) and the head of its
 * state-hash chain (UTF-8 hex, length-prefixed; empty when the episode never stepped). Two validators
 * that ran the same episodes identically publish the same digest, so agreement is one comparison.
 */
export function trajectoryDigest(episodes: readonly EpisodeOutcome[]): Uint8Array {
  const h = createHash('sha256').update(TRAJECTORY_DIGEST_DOMAIN)
  const sorted = [...episodes].sort((a, b) => a.episodeIndex - b.episodeIndex)
  const u32 = Buffer.alloc(4)
  for (const e of sorted) {
    u32.writeUInt32BE(e.episodeIndex)
    h.update(u32)
    const hash = Buffer.from(e.finalStateHash, 'utf8')
    u32.writeUInt32BE(hash.length)
    h.update(u32)
    h.update(hash)
  }
  return new Uint8Array(h.digest())
}

/** Simulator name@version of the episodes (the first that ran), for the result's provenance. */
function simulatorOf(episodes: readonly EpisodeOutcome[]): string {
  const ran = episodes.find((e) => e.simulator.name !== 'unknown')
  return ran === undefined ? 'none' : `${ran.simulator.name}@${ran.simulator.version}`
}

/** The signed-result body for an evaluated job. */
export function buildResult(init: {
  netuid: number
  announcement: JobAnnouncement
  episodes: readonly EpisodeOutcome[]
  startedAtBlock: number
  finishedAtBlock: number
  artifactUris?: string[]
}): Result {
  const a = init.announcement
  return createResult({
    netuid: init.netuid,
    block: init.finishedAtBlock,
    jobId: a.jobId,
    competitionId: a.competitionId,
    minerHotkey: a.minerHotkey,
    episodes: toEpisodeRecords(init.episodes),
    summary: resultSummary(init.episodes),
    trajectoryDigest: trajectoryDigest(init.episodes),
    artifactUris: init.artifactUris ?? [],
    evaluatorVersion: EVALUATOR_VERSION,
    simulatorVersion: simulatorOf(init.episodes),
    startedAtBlock: init.startedAtBlock,
    finishedAtBlock: init.finishedAtBlock,
  })
}
