import { compareReplicas, type EpisodeEvidence, type Logger, type ReplicaResult } from '#protocol'

/** A job whose replicas disagree on at least one episode, with the evidence (variants per episode). */
export interface Divergence {
  jobId: string
  validators: string[]
  episodes: EpisodeEvidence[]
}

/** Bounds (declared backpressure): jobs tracked and divergences kept for status. */
export const REPLICA_LIMITS = { jobs: 20_000, divergences: 100 } as const

/**
 * Replica comparison as results arrive (design §5): every result of a job is compared with the other
 * replicas' by state-hash chain head, success and steps; a job that diverges is logged at warn with the
 * variants and kept for `status()` (and the indexer, which runs the same `compareReplicas`).
 */
export interface ReplicaTracker {
  add(r: ReplicaResult): Divergence | undefined
  divergences(): Divergence[]
  /** Jobs compared so far that had at least two replicas. */
  compared(): number
}

export function createReplicaTracker(init: { logger: Logger; onDivergence?: () => void }): ReplicaTracker {
  const log = init.logger.child('node:replicas')
  const byJob = new Map<string, ReplicaResult[]>()
  const flagged: Divergence[] = []
  const compared = new Set<string>()
  return {
    add(r) {
      const id = Buffer.from(r.result.jobId).toString('hex')
      let list = byJob.get(id)
      if (list === undefined) {
        if (byJob.size >= REPLICA_LIMITS.jobs) byJob.delete(byJob.keys().next().value as string)
        list = []
        byJob.set(id, list)
      }
      if (list.some((x) => x.messageId === r.messageId)) return undefined
      list.push(r)
      if (new Set(list.map((x) => x.validator)).size < 2) return undefined
      compared.add(id)
      const c = compareReplicas(list)
      if (c.diverged === 0) return undefined
      const d: Divergence = {
        jobId: id,
        validators: c.validators,
        episodes: c.episodes
          .filter((e) => e.status === 'diverge')
          .map(({ episodeIndex, seed, variants }) => ({ episodeIndex, seed, variants })),
      }
      const prev = flagged.findIndex((x) => x.jobId === id)
      if (prev >= 0) flagged.splice(prev, 1)
      flagged.push(d)
      if (flagged.length > REPLICA_LIMITS.divergences) flagged.shift()
      log.warn('replicas diverge', { job: id.slice(0, 16), episodes: d.episodes.length, evidence: d.episodes })
      init.onDivergence?.()
      return d
    },
    divergences: () => [...flagged],
    compared: () => compared.size,
  }
}
