import { ss58FromPublicKey } from '../identity/hotkey.js'
import { createJobAnnouncement } from '../messages/jobs.js'
import { OwnerActionKind } from '../messages/types.js'
import type { CompetitionManifest, JobAnnouncement, OwnerAction } from '../proto/kinitro.js'
import { artifactOf } from './artifact.js'
import { cycleOf, cycleStartBlock } from './cycles.js'
import { competitionFamilies, type DerivedJob, evaluationKey, type MinerCommitment } from './derive.js'

/**
 * Why a re-run plans no job. Each is final for the action except `hash-unavailable` (the chain did not
 * serve the cycle start block yet) and `unknown-competition` (its manifest may still be on its way).
 */
export type RerunSkipReason =
  | 'not-a-rerun'
  | 'unknown-competition'
  | 'competition-inactive'
  | 'unknown-env'
  | 'no-commitment'
  | 'commitment-replaced'
  | 'not-an-artifact'
  | 'hash-unavailable'

/** Inputs of {@link deriveRerunJob}: the accepted action and what the chain says now. */
export interface RerunInput {
  netuid: number
  action: OwnerAction
  /** The action's message id (32 bytes): the job id derives from it. */
  actionId: Uint8Array
  /** The competition's current manifest, if known. */
  manifest: CompetitionManifest | undefined
  /** The miner's latest commitment on chain (with its uid), if any. */
  commitment: MinerCommitment | undefined
  /** Hashes of cycle start blocks (the one of the action's cycle is needed). */
  blockHashes: ReadonlyMap<number, Uint8Array>
}

/** What {@link deriveRerunJob} returns: the job, or why there is none. */
export type RerunPlan = { job: DerivedJob } | { skip: RerunSkipReason; cycleStartBlock?: number }

/**
 * The extra job a re-run action asks for (issue 9): the miner's commitment current at the action's block,
 * in the competition's cycle at that block, evaluated on the named env ids (every task when none).
 * Everything is fixed by the signed action, so every node derives the same job whenever it plans:
 *
 * - job id `rerunJobId(netuid, actionId)`; announcement `block` = the action's block (so take-over
 *   silence counts from the action, not from the cycle start); `rerun_of` = the action id;
 * - the commitment must be the chain's latest for the miner **and** made at or before the action's
 *   block: one made later replaced what the owner asked about (`commitment-replaced`; the new commitment
 *   gets ordinary jobs anyway), so a node planning late never evaluates another artifact;
 * - seeds derive from the job id and the cycle start hash as for any job, so they differ from the
 *   cycle's ordinary job and nobody knew them before the owner signed.
 *
 * Pure.
 */
export function deriveRerunJob(input: RerunInput): RerunPlan {
  const { action: a, manifest } = input
  if (a.action !== OwnerActionKind.RERUN) return { skip: 'not-a-rerun' }
  if (manifest === undefined || manifest.id !== a.competitionId) return { skip: 'unknown-competition' }
  let cycle: number | undefined
  let start: number
  try {
    cycle = cycleOf(a.block, manifest)
    if (cycle === undefined) return { skip: 'competition-inactive' }
    start = cycleStartBlock(cycle, manifest)
  } catch {
    return { skip: 'competition-inactive' }
  }
  const envs = new Set(manifest.tasks.map((t) => t.envId))
  if (a.envIds.some((e) => !envs.has(e))) return { skip: 'unknown-env' }
  const c = input.commitment
  const miner = ss58FromPublicKey(a.minerHotkey)
  if (c === undefined || c.hotkey !== miner) return { skip: 'no-commitment' }
  if (c.block > a.block) return { skip: 'commitment-replaced' }
  const artifact = artifactOf(c.text)
  if (artifact === undefined || (artifact.competitionId !== undefined && artifact.competitionId !== manifest.id)) {
    return { skip: 'not-an-artifact' }
  }
  const hash = input.blockHashes.get(start)
  if (hash === undefined) return { skip: 'hash-unavailable', cycleStartBlock: start }
  const announcement = createJobAnnouncement({
    netuid: input.netuid,
    block: a.block,
    competitionId: manifest.id,
    minerHotkey: a.minerHotkey,
    minerUid: c.uid,
    commitment: c.text,
    commitmentBlock: c.block,
    cycle,
    cycleStartBlock: start,
    cycleStartBlockHash: hash,
    rerunOf: input.actionId,
    envIds: a.envIds,
  })
  return {
    job: {
      announcement,
      minerHotkey: miner,
      artifactDigest: artifact.digest,
      families: competitionFamilies(jobManifest(manifest, announcement)),
      // Re-runs are on top of "one evaluation per cycle": the key names the action.
      evaluationKey: `${evaluationKey(miner, artifact.digest, manifest.id, cycle)}|rerun:${hexOf(input.actionId)}`,
    },
  }
}

/** True when the announcement is a re-run the owner asked for (not a cycle's ordinary job). */
export function isRerunJob(a: Pick<JobAnnouncement, 'rerunOf'>): boolean {
  return a.rerunOf.length > 0
}

/**
 * The manifest as a job evaluates it: a re-run naming env ids keeps only those envs' tasks (in manifest
 * order, so episode indices and seeds are the same on every validator); any other job, the whole manifest.
 */
export function jobManifest(
  manifest: CompetitionManifest,
  a: Pick<JobAnnouncement, 'rerunOf' | 'envIds'>,
): CompetitionManifest {
  if (!isRerunJob(a) || a.envIds.length === 0) return manifest
  const keep = new Set(a.envIds)
  return { ...manifest, tasks: manifest.tasks.filter((t) => keep.has(t.envId)) }
}

function hexOf(b: Uint8Array): string {
  return Buffer.from(b).toString('hex')
}
