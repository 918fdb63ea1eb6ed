import { jobId } from '../ids/job-id.js'
import type { JobAnnouncement, JobStatus } from '../proto/kinitro.js'
import type { JobState } from './types.js'

/** Inputs of {@link createJobAnnouncement}: everything but the job id, which is derived. */
export type JobAnnouncementInit = Omit<JobAnnouncement, 'jobId'>

/**
 * Build a job announcement; the job id is derived from its fields with `jobId`, as every peer will.
 * Seal it with `sealEnvelope('job-announcement', a, a.netuid, nodeSigner)`.
 */
export function createJobAnnouncement(init: JobAnnouncementInit): JobAnnouncement {
  return {
    ...init,
    jobId: jobId({
      netuid: init.netuid,
      competitionId: init.competitionId,
      minerHotkey: init.minerHotkey,
      commitmentBlock: init.commitmentBlock,
      cycle: init.cycle,
    }),
  }
}

/** Inputs of {@link createJobStatus}. */
export interface JobStatusInit {
  netuid: number
  block: number
  jobId: Uint8Array
  state: JobState
  /**
   * Episodes finished so far.
   * @default 0
   */
  episodesDone?: number
  /**
   * Episodes in the job.
   * @default 0
   */
  episodesTotal?: number
  /**
   * Short note, e.g. why a job failed (≤ 256 UTF-8 bytes, no control characters).
   * @default ''
   */
  detail?: string
}

/** Build a job status. Seal it with `sealEnvelope('job-status', s, s.netuid, nodeSigner)`. */
export function createJobStatus(init: JobStatusInit): JobStatus {
  return {
    netuid: init.netuid,
    block: init.block,
    jobId: init.jobId,
    state: init.state,
    progress: { episodesDone: init.episodesDone ?? 0, episodesTotal: init.episodesTotal ?? 0 },
    detail: init.detail ?? '',
  }
}
