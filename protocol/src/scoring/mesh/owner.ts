import { ss58FromPublicKey } from '../../identity/hotkey.js'
import { parseCandidateId } from '../../messages/candidate-id.js'
import { rerunJobId } from '../../messages/jobs.js'
import { OwnerActionKind } from '../../messages/types.js'
import { byString, hexOf } from './latest.js'
import type { OwnerActionRecord, ReproducedResult } from './types.js'

/** One approval as `kinitro-wta-v0` state takes it (`wtaV0State.approvals`). */
export interface WtaApproval {
  competitionId: string
  candidateId: string
  hotkey: string
  avgReward: number | null
  successRate: number | null
}

/** The owner's standing decisions on winner-take-all candidates. */
export interface OwnerDecisions {
  /** The standing approval per competition, ordered by (block, message id) of the approving action. */
  approvals: WtaApproval[]
  /** Rejected candidate ids, sorted. */
  rejected: string[]
}

const inOrder = (a: OwnerActionRecord, b: OwnerActionRecord) => a.action.block - b.action.block || byString(a.id, b.id)

/**
 * Approvals and rejections replayed in (block, message id) order, the same on every peer:
 * - approve: the candidate becomes the competition's approved leader (the latest approval wins) and is
 *   no longer rejected;
 * - reject: the candidate is rejected (never reported again), and an approval of that very candidate is
 *   withdrawn (the competition falls back to no approved leader).
 *
 * Pure; the order of `actions` does not matter.
 */
export function ownerDecisions(actions: readonly OwnerActionRecord[]): OwnerDecisions {
  const approved = new Map<string, { rec: OwnerActionRecord; approval: WtaApproval }>()
  const rejected = new Set<string>()
  for (const rec of [...actions].sort(inOrder)) {
    const a = rec.action
    const candidate = parseCandidateId(a.candidateId)
    if (candidate === undefined) continue
    if (a.action === OwnerActionKind.APPROVE) {
      rejected.delete(a.candidateId)
      approved.set(a.competitionId, {
        rec,
        approval: {
          competitionId: a.competitionId,
          candidateId: a.candidateId,
          hotkey: candidate.hotkey,
          avgReward: a.avgReward,
          successRate: a.successRate,
        },
      })
    } else if (a.action === OwnerActionKind.REJECT) {
      rejected.add(a.candidateId)
      if (approved.get(a.competitionId)?.approval.candidateId === a.candidateId) approved.delete(a.competitionId)
    }
  }
  return {
    approvals: [...approved.values()].sort((x, y) => inOrder(x.rec, y.rec)).map((x) => x.approval),
    rejected: [...rejected].sort(byString),
  }
}

/** A re-run as scoring needs it: which job it is and what its results supersede. */
interface Rerun {
  jobId: string
  block: number
  competitionId: string
  miner: string
  /** Empty: every env. */
  envIds: ReadonlySet<string>
}

/** The re-runs among the actions, with their job ids (`rerunJobId(netuid, action id)`). */
export function reruns(actions: readonly OwnerActionRecord[]): Rerun[] {
  const out: Rerun[] = []
  for (const { id, action: a } of actions) {
    if (a.action !== OwnerActionKind.RERUN || a.minerHotkey.length !== 32 || !/^[0-9a-f]{64}$/.test(id)) continue
    out.push({
      jobId: hexOf(rerunJobId(a.netuid, Buffer.from(id, 'hex'))),
      block: a.block,
      competitionId: a.competitionId,
      miner: ss58FromPublicKey(a.minerHotkey),
      envIds: new Set(a.envIds),
    })
  }
  return out
}

/**
 * Whether (result, env) is superseded by a re-run: some re-run of the same competition and miner, covering
 * the env, has a counted result of its own, and this result is not one of that re-run's and started before
 * the owner asked (`started_at_block` < the action's block). A re-run without results yet supersedes
 * nothing, so the miner keeps its figures until the new ones exist; an evaluation started after the
 * action is as fresh as the re-run and stays.
 */
export function supersededBy(
  all: readonly Rerun[],
  results: readonly ReproducedResult[],
): (r: ReproducedResult, miner: string, envId: string) => boolean {
  const withResults = new Set(results.filter((r) => r.counted.length > 0).map((r) => r.jobId))
  const live = all.filter((x) => withResults.has(x.jobId))
  if (live.length === 0) return () => false
  return (r, miner, envId) =>
    live.some(
      (x) =>
        x.jobId !== r.jobId &&
        x.competitionId === r.result.competitionId &&
        x.miner === miner &&
        (x.envIds.size === 0 || x.envIds.has(envId)) &&
        r.result.startedAtBlock < x.block,
    )
}
