import { ss58FromPublicKey } from '../identity/hotkey.js'
import type { CompetitionManifest, JobAnnouncement } from '../proto/kinitro.js'
import { ValidationError } from '../validation/errors.js'
import { artifactOf } from './artifact.js'
import { cycleStartBlock } from './cycles.js'
import { type DeriveJobsInput, deriveJobs } from './derive.js'

/**
 * Codes for the two verdicts: "our view may lag" is the ignore-code `MESH_JOB_NOT_DERIVED`, "contradicts
 * chain data we hold" the reject-code `MESH_JOB_MISMATCH`; `field` (`job.*`) names what differed.
 */
export const JOB_LAG_CODE = 'MESH_JOB_NOT_DERIVED' as const
export const JOB_CONTRADICTION_CODE = 'MESH_JOB_MISMATCH' as const

/** This node's view of the chain, as needed to check a job announcement. */
export interface JobView
  extends Pick<DeriveJobsInput, 'netuid' | 'manifests' | 'commitments' | 'blockHashes' | 'known'> {
  /** Our head block. */
  head: number
}

const lag = (field: string) => new ValidationError(JOB_LAG_CODE, { field: `job.${field}` })
const contradiction = (field: string) => new ValidationError(JOB_CONTRADICTION_CODE, { field: `job.${field}` })

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.compare(a, b) === 0
}

function latestManifest(manifests: readonly CompetitionManifest[], id: string): CompetitionManifest | undefined {
  let found: CompetitionManifest | undefined
  for (const m of manifests) if (m.id === id && (found === undefined || m.block > found.block)) found = m
  return found
}

/**
 * Check that a received job announcement is the job this node derives from its own chain view (design §4:
 * "a job must match what this node derives"). Run after the content checks (`validateContent` already
 * checked bounds and that `job_id` matches the fields). Returns when it matches.
 *
 * @throws ValidationError `ignore` (code {@link JOB_LAG_CODE}) when our view may lag: unknown competition,
 * cycle start beyond our head or its hash unknown, unknown miner commitment, or a commitment the chain
 * has since replaced. `reject` (code {@link JOB_CONTRADICTION_CODE}) when it contradicts chain data we
 * have: wrong cycle start for the cycle, wrong start hash, a commitment made at or after the cycle start,
 * a commitment that is no miner artifact for this competition, or fields that differ from the job we
 * derive for the same commitment block.
 */
export function validateJobSemantics(announcement: JobAnnouncement, view: JobView): void {
  const a = announcement
  if (a.netuid !== view.netuid) throw new ValidationError('MESH_NETUID_MISMATCH', { field: 'job.netuid' })
  const manifest = latestManifest(view.manifests, a.competitionId)
  if (manifest === undefined) throw lag('competition_id')
  let start: number
  try {
    start = cycleStartBlock(a.cycle, manifest)
  } catch {
    throw contradiction('cycle')
  }
  if (a.cycleStartBlock !== start) throw contradiction('cycle_start_block')
  if (manifest.endBlock !== 0 && start > manifest.endBlock) throw contradiction('cycle')
  const artifact = artifactOf(a.commitment)
  if (artifact === undefined) throw contradiction('commitment')
  if (artifact.competitionId !== undefined && artifact.competitionId !== manifest.id) {
    throw contradiction('commitment')
  }
  if (a.commitmentBlock >= start) throw contradiction('commitment_block')
  if (start > view.head) throw lag('cycle_start_block')
  const hash = view.blockHashes.get(start)
  if (hash === undefined) throw lag('cycle_start_block_hash')
  if (!equalBytes(hash, a.cycleStartBlockHash)) throw contradiction('cycle_start_block_hash')

  const hotkey = ss58FromPublicKey(a.minerHotkey)
  const ours = view.commitments.filter((c) => c.hotkey === hotkey).sort((x, y) => y.block - x.block)[0]
  if (ours === undefined) throw lag('miner_hotkey')
  const derived = deriveJobs({
    netuid: view.netuid,
    block: a.block,
    manifests: [manifest],
    commitments: [ours],
    blockHashes: view.blockHashes,
    known: view.known ?? [],
    cycles: new Map([[manifest.id, a.cycle]]),
  }).jobs[0]?.announcement
  if (derived === undefined) {
    // Our current commitment does not give this cycle a job (made after the start, or not an artifact);
    // the announced one was made earlier and the chain has since replaced it: we cannot see history.
    throw lag('commitment_block')
  }
  if (a.commitmentBlock < derived.commitmentBlock) throw lag('commitment_block')
  // The chain's latest commitment for the hotkey is older than the announced one, yet the announced
  // block is behind our head: the chain says no such commitment exists.
  if (a.commitmentBlock > derived.commitmentBlock) {
    if (ours.block >= start) throw lag('commitment_block')
    throw contradiction('commitment_block')
  }
  if (a.commitment !== derived.commitment) {
    // Same block: the chain text at that block is what we read, unless we kept an earlier sighting.
    if (ours.block !== derived.commitmentBlock) throw lag('commitment')
    throw contradiction('commitment')
  }
  if (a.minerUid !== derived.minerUid) throw contradiction('miner_uid')
  if (!equalBytes(a.jobId, derived.jobId)) throw contradiction('job_id')
}
