import { MAX_EPISODES_PER_RESULT, MAX_STATUS_DETAIL_BYTES } from '../constants.js'
import { isJobState } from '../messages/types.js'
import type { JobStatus } from '../proto/kinitro.js'
import {
  type ContentContext,
  checkFixedBytes,
  checkFreshness,
  checkInt,
  checkNetuid,
  checkText,
  invalid,
} from './fields.js'

/** Content rules of a job status: known state, progress present and consistent, bounded detail. */
export function validateJobStatus(s: JobStatus, ctx: ContentContext): void {
  checkNetuid(s.netuid, ctx)
  checkFreshness('job-status', s.block, ctx)
  checkFixedBytes('jobId', s.jobId)
  if (!isJobState(s.state)) invalid('state', { actual: s.state })
  if (s.progress === undefined) invalid('progress')
  checkInt('progress.episodesTotal', s.progress.episodesTotal, 0, MAX_EPISODES_PER_RESULT)
  checkInt('progress.episodesDone', s.progress.episodesDone, 0, s.progress.episodesTotal)
  checkText('detail', s.detail, MAX_STATUS_DETAIL_BYTES)
}
