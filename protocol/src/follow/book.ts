import { competitionFamilies } from '../jobs/derive.js'
import { isRerunJob } from '../jobs/rerun.js'
import { mayHoldSlot, takeOverCandidates } from '../jobs/takeover.js'
import type { CompetitionManifest, JobAnnouncement } from '../proto/kinitro.js'

/** A job this node knows: derived by its planner or accepted from the mesh, with its rendezvous ranking. */
export interface KnownJob {
  idHex: string
  announcement: JobAnnouncement
  /** Every eligible validator in rendezvous order. */
  ranking: string[]
  replicas: number
}

/** Bounds of the in-memory book (declared backpressure, style §2): older cycles fall out first. */
export const JOB_BOOK_LIMITS = { jobs: 100_000 } as const

/**
 * The jobs of recent cycles and who reported on them: the state that decides take-overs and which
 * validators may publish results for a job. Rebuilt from the message log at start.
 */
export interface JobBook {
  add(job: KnownJob): void
  get(idHex: string): KnownJob | undefined
  /** Record a job status (or result) from `hotkey` at `block`. */
  sawStatus(idHex: string, hotkey: string, block: number): void
  /** Whether a status or result of `hotkey` at `block` can come from a slot holder (see `mayHoldSlot`). */
  mayHold(idHex: string, hotkey: string, block: number, silenceBlocks: number): boolean
  /** Jobs `hotkey` should take over at `head`. */
  takeOversFor(hotkey: string, head: number, silenceBlocks: number): KnownJob[]
  size(): number
}

/** A re-run is planned at the owner's action, mid-cycle: silence counts from then, not the cycle start. */
const sinceOf = (job: KnownJob): number =>
  isRerunJob(job.announcement) ? job.announcement.block : job.announcement.cycleStartBlock

export function createJobBook(): JobBook {
  const jobs = new Map<string, KnownJob>()
  const statuses = new Map<string, Map<string, number>>()

  function takeOvers(job: KnownJob, head: number, silenceBlocks: number) {
    return takeOverCandidates({
      ranking: job.ranking,
      r: Math.max(1, Math.min(job.replicas, job.ranking.length)),
      since: sinceOf(job),
      lastStatusBlock: statuses.get(job.idHex) ?? new Map(),
      head,
      silenceBlocks,
    })
  }

  return {
    add(job) {
      if (jobs.has(job.idHex)) return
      if (jobs.size >= JOB_BOOK_LIMITS.jobs) {
        const oldest = jobs.keys().next().value
        if (oldest !== undefined) {
          jobs.delete(oldest)
          statuses.delete(oldest)
        }
      }
      jobs.set(job.idHex, job)
    },
    get: (id) => jobs.get(id),
    sawStatus(id, hotkey, block) {
      let m = statuses.get(id)
      if (m === undefined) {
        m = new Map()
        statuses.set(id, m)
      }
      if ((m.get(hotkey) ?? -1) < block) m.set(hotkey, block)
    },
    mayHold(id, hotkey, block, silenceBlocks) {
      const job = jobs.get(id)
      if (job === undefined) return false
      return mayHoldSlot({
        ranking: job.ranking,
        r: job.replicas,
        since: sinceOf(job),
        silenceBlocks,
        hotkey,
        block,
      })
    },
    takeOversFor(hotkey, head, silenceBlocks) {
      const out: KnownJob[] = []
      for (const job of jobs.values()) {
        if (job.ranking.indexOf(hotkey) < job.replicas) continue
        if (takeOvers(job, head, silenceBlocks).some((t) => t.hotkey === hotkey)) out.push(job)
      }
      return out
    },
    size: () => jobs.size,
  }
}

/** Families of the job's competition, for ranking (`undefined` manifest: no family constraint). */
export function familiesOf(manifest: CompetitionManifest | undefined): string[] {
  return manifest === undefined ? [] : competitionFamilies(manifest)
}
