import { DOMAIN_PREFIX, KEY_BYTES, MAX_NETUID } from '../constants.js'
import { lengthPrefixed, lengthPrefixedUtf8, sha256, u16be } from '../ids/hash.js'
import { jobId } from '../ids/job-id.js'
import type { JobAnnouncement, JobStatus } from '../proto/kinitro.js'
import type { JobState } from './types.js'

/** Domain tag of re-run job ids; never a prefix of another tag (see `signingDomain`). */
export const RERUN_JOB_ID_DOMAIN = `${DOMAIN_PREFIX}rerun-job-id`

/**
 * The job id of a re-run the subnet owner asked for: SHA-256 over `u32be(len) ‖ "kinitro/v1/rerun-job-id"
 * ‖ u16be(netuid) ‖ u32be(32) ‖ rerunOf`, where `rerunOf` is the owner action's message id. The action
 * fixes competition, miner and env ids, so every node (and scoring, which knows only the action) derives
 * the same id, and one action is one job however often it arrives.
 *
 * @throws RangeError on a netuid above u16 or an id that is not 32 bytes (caller bugs).
 */
export function rerunJobId(netuid: number, rerunOf: Uint8Array): Uint8Array {
  if (!Number.isInteger(netuid) || netuid < 0 || netuid > MAX_NETUID) throw new RangeError('netuid must be a u16')
  if (rerunOf.length !== KEY_BYTES) throw new RangeError('rerunOf must be 32 bytes')
  return sha256(lengthPrefixedUtf8(RERUN_JOB_ID_DOMAIN), u16be(netuid), lengthPrefixed(rerunOf))
}

/**
 * Inputs of {@link createJobAnnouncement}: everything but the job id, which is derived. `rerunOf` and
 * `envIds` are for re-runs only (default empty: the cycle's ordinary job).
 */
export type JobAnnouncementInit = Omit<JobAnnouncement, 'jobId' | 'rerunOf' | 'envIds'> &
  Partial<Pick<JobAnnouncement, 'rerunOf' | 'envIds'>>

/**
 * Build a job announcement; the job id is derived from its fields with `jobId` (or `rerunJobId` for a
 * re-run), as every peer will. Seal it with `sealEnvelope('job-announcement', a, a.netuid, nodeSigner)`.
 */
export function createJobAnnouncement(init: JobAnnouncementInit): JobAnnouncement {
  const rerunOf = init.rerunOf ?? new Uint8Array(0)
  return {
    ...init,
    rerunOf,
    envIds: [...(init.envIds ?? [])],
    jobId:
      rerunOf.length > 0
        ? rerunJobId(init.netuid, rerunOf)
        : jobId({
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
