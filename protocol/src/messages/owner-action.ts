import { sealEnvelope } from '../envelope/envelope.js'
import type { Signer } from '../identity/signer.js'
import type { OwnerAction } from '../proto/kinitro.js'
import { OWNER_ACTION_NAMES, OwnerActionKind } from './types.js'

/** What every owner action names. */
interface OwnerActionBase {
  netuid: number
  /** Block the action is made at (freshness, and the order actions take effect in). */
  block: number
  competitionId: string
  /**
   * Why, for humans (≤ 256 UTF-8 bytes, no control characters).
   * @default ''
   */
  reason?: string
}

/** Approve a winner-take-all leader candidate with the figures the owner saw. */
export interface ApproveInit extends OwnerActionBase {
  action: 'approve'
  /** `<miner hotkey SS58>@<commitment block>` (see {@link candidateIdOf}). */
  candidateId: string
  /** The candidate's success rate, in [0, 1]: the baseline challengers must beat. */
  successRate: number
  avgReward: number
}

/** Reject a winner-take-all leader candidate: it is no longer reported (and loses an approval it had). */
export interface RejectInit extends OwnerActionBase {
  action: 'reject'
  candidateId: string
}

/** Evaluate a miner's current commitment again. */
export interface RerunInit extends OwnerActionBase {
  action: 'rerun'
  /** 32-byte hotkey public key of the miner. */
  minerHotkey: Uint8Array
  /**
   * Env ids of the competition to evaluate; sorted and de-duplicated here.
   * @default [] (every task)
   */
  envIds?: readonly string[]
}

/** Inputs of {@link createOwnerAction}. */
export type OwnerActionInit = ApproveInit | RejectInit | RerunInit

/** The name of an owner action's kind. */
export type OwnerActionName = (typeof OWNER_ACTION_NAMES)[keyof typeof OWNER_ACTION_NAMES]

const CODE_OF = { approve: OwnerActionKind.APPROVE, reject: OwnerActionKind.REJECT, rerun: OwnerActionKind.RERUN }

/**
 * Build an owner action from plain data. Fields the action does not use stay empty (validators require
 * it), and env ids are sorted, so equal actions encode equally. Seal it with {@link signOwnerAction}.
 */
export function createOwnerAction(init: OwnerActionInit): OwnerAction {
  const approve = init.action === 'approve'
  return {
    netuid: init.netuid,
    block: init.block,
    competitionId: init.competitionId,
    action: CODE_OF[init.action],
    candidateId: init.action === 'rerun' ? '' : init.candidateId,
    // `+ 0`: proto3 cannot carry -0 (it omits zeros), so a -0 reward would not survive a round trip.
    successRate: approve ? init.successRate + 0 : 0,
    avgReward: approve ? init.avgReward + 0 : 0,
    minerHotkey: init.action === 'rerun' ? init.minerHotkey : new Uint8Array(0),
    envIds: init.action === 'rerun' ? [...new Set(init.envIds ?? [])].sort(byString) : [],
    reason: init.reason ?? '',
  }
}

/**
 * Seal an owner action with the subnet owner's hotkey (sr25519), like a manifest.
 *
 * @returns envelope bytes for the `owner` topic.
 * @throws ValidationError when the signer is not sr25519 or the action breaks a content rule.
 */
export function signOwnerAction(action: OwnerAction, ownerSigner: Signer): Uint8Array {
  return sealEnvelope('owner-action', action, action.netuid, ownerSigner)
}

/** The name of an action code, or undefined for an unknown code. */
export function ownerActionName(code: number): OwnerActionName | undefined {
  return (OWNER_ACTION_NAMES as Record<number, OwnerActionName>)[code]
}

function byString(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}
