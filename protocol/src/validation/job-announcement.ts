import { equals } from 'uint8arrays/equals'
import { MAX_WIRE_COMMITMENT_BYTES } from '../constants.js'
import { jobId } from '../ids/job-id.js'
import { rerunJobId } from '../messages/jobs.js'
import type { JobAnnouncement } from '../proto/kinitro.js'
import { ValidationError } from './errors.js'
import {
  type ContentContext,
  checkBlock,
  checkFixedBytes,
  checkFreshness,
  checkId,
  checkInt,
  checkNetuid,
  checkText,
  invalid,
} from './fields.js'
import { checkEnvIds } from './owner-action.js'

/**
 * Content rules of a job announcement: bounds, blocks that precede the announcement, and a job id equal
 * to the one its own fields derive (`rerunJobId(netuid, rerun_of)` for a re-run, which alone may name env
 * ids). Whether the job exists in our view of the chain (same commitment, same cycle hash, a known owner
 * action) is a chain check and belongs to the mesh.
 */
export function validateJobAnnouncement(a: JobAnnouncement, ctx: ContentContext): void {
  checkNetuid(a.netuid, ctx)
  checkFreshness('job-announcement', a.block, ctx)
  checkFixedBytes('jobId', a.jobId)
  checkId('competitionId', a.competitionId)
  checkFixedBytes('minerHotkey', a.minerHotkey)
  // Subtensor uids are u16 (chain.md §3).
  checkInt('minerUid', a.minerUid, 0, 0xffff)
  checkText('commitment', a.commitment, MAX_WIRE_COMMITMENT_BYTES, true)
  checkBlock('commitmentBlock', a.commitmentBlock)
  checkBlock('cycle', a.cycle)
  checkBlock('cycleStartBlock', a.cycleStartBlock)
  checkFixedBytes('cycleStartBlockHash', a.cycleStartBlockHash)
  if (a.commitmentBlock > a.block) invalid('commitmentBlock')
  if (a.cycleStartBlock > a.block) invalid('cycleStartBlock')
  const rerun = a.rerunOf.length > 0
  if (rerun) {
    checkFixedBytes('rerunOf', a.rerunOf)
    checkEnvIds('envIds', a.envIds)
  } else if (a.envIds.length > 0) {
    invalid('envIds', { actual: a.envIds.length, limit: 0 })
  }
  const derived = rerun
    ? rerunJobId(a.netuid, a.rerunOf)
    : jobId({
        netuid: a.netuid,
        competitionId: a.competitionId,
        minerHotkey: a.minerHotkey,
        commitmentBlock: a.commitmentBlock,
        cycle: a.cycle,
      })
  if (!equals(derived, a.jobId)) throw new ValidationError('MESH_JOB_ID_MISMATCH', { field: 'jobId' })
}
