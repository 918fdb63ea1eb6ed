import { MAX_OWNER_ACTION_ENVS, MAX_OWNER_REASON_BYTES } from '../constants.js'
import { parseCandidateId } from '../messages/candidate-id.js'
import { isOwnerActionKind, OwnerActionKind } from '../messages/types.js'
import type { OwnerAction } from '../proto/kinitro.js'
import {
  type ContentContext,
  checkFinite,
  checkFixedBytes,
  checkFreshness,
  checkId,
  checkNetuid,
  checkText,
  checkUnit,
  invalid,
} from './fields.js'

/** Env ids: at most {@link MAX_OWNER_ACTION_ENVS}, each an id, strictly ascending (sorted, no repeats). */
export function checkEnvIds(field: string, envIds: readonly string[]): void {
  if (envIds.length > MAX_OWNER_ACTION_ENVS) invalid(field, { actual: envIds.length, limit: MAX_OWNER_ACTION_ENVS })
  for (const [i, e] of envIds.entries()) {
    checkId(`${field}[${i}]`, e)
    // Strict order makes the encoding canonical: the same set of envs always has one message id.
    if (i > 0 && !((envIds[i - 1] as string) < e)) invalid(`${field}[${i}]`)
  }
}

/**
 * Content rules of an owner action: a known action code; approve/reject name a candidate id
 * (`<SS58>@<block>`), approve carries finite figures (success rate in [0, 1]); rerun names a 32-byte miner
 * hotkey and sorted, distinct env ids. Fields the action does not use must be empty, so one decision has
 * one encoding. Whether the signer is the subnet owner is a chain check and belongs to the mesh; whether
 * the competition or the candidate exists is the follower's business (an unknown one is ignored there).
 */
export function validateOwnerAction(a: OwnerAction, ctx: ContentContext): void {
  checkNetuid(a.netuid, ctx)
  checkFreshness('owner-action', a.block, ctx)
  checkId('competitionId', a.competitionId)
  if (!isOwnerActionKind(a.action)) invalid('action', { actual: a.action, limit: OwnerActionKind.RERUN })
  checkText('reason', a.reason, MAX_OWNER_REASON_BYTES)
  if (a.action === OwnerActionKind.RERUN) {
    checkFixedBytes('minerHotkey', a.minerHotkey)
    checkEnvIds('envIds', a.envIds)
    if (a.candidateId !== '') invalid('candidateId')
    if (a.successRate !== 0) invalid('successRate')
    if (a.avgReward !== 0) invalid('avgReward')
    return
  }
  if (parseCandidateId(a.candidateId) === undefined) invalid('candidateId', { actual: a.candidateId.length })
  if (a.minerHotkey.length !== 0) invalid('minerHotkey', { actual: a.minerHotkey.length, limit: 0 })
  if (a.envIds.length !== 0) invalid('envIds', { actual: a.envIds.length, limit: 0 })
  if (a.action === OwnerActionKind.APPROVE) {
    checkUnit('successRate', a.successRate)
    checkFinite('avgReward', a.avgReward)
    return
  }
  if (a.successRate !== 0) invalid('successRate')
  if (a.avgReward !== 0) invalid('avgReward')
}
