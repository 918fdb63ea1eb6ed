import type { CommitmentField } from '../chain.js'
import {
  DEFAULT_COMMITMENT_MAX_SPACE,
  MAX_BIG_RAW_COMMITMENT_BYTES,
  MAX_RAW_COMMITMENT_BYTES,
  MIN_COMMITMENT_COST,
} from './constants.js'

/** The field a commitment of `length` bytes is sent as, or `undefined` when no field can hold it. */
export function commitmentFieldFor(length: number, bigRawSupported: boolean): CommitmentField | undefined {
  if (length <= MAX_RAW_COMMITMENT_BYTES) return 'raw'
  if (bigRawSupported && length <= MAX_BIG_RAW_COMMITMENT_BYTES) return 'big-raw'
  return undefined
}

/** Largest commitment the runtime accepts in one field. */
export function maxCommitmentBytes(bigRawSupported: boolean): number {
  return bigRawSupported ? MAX_BIG_RAW_COMMITMENT_BYTES : MAX_RAW_COMMITMENT_BYTES
}

/** Space one call costs: max(100, sum of field lengths) (chain.md §2). */
export function commitmentCost(fieldLengths: readonly number[]): number {
  return Math.max(
    MIN_COMMITMENT_COST,
    fieldLengths.reduce((a, b) => a + b, 0),
  )
}

/** `UsedSpaceOf(netuid, who)`. */
export interface UsedSpace {
  lastEpoch: number
  used: number
}

/** Outcome of charging a commitment against the per-epoch space. */
export type SpaceCharge = { ok: true; space: UsedSpace } | { ok: false; used: number; cost: number; max: number }

/**
 * Charge a call of `cost` against `prior` in epoch `epoch`: the usage resets when the epoch index changed,
 * and the call fails (`SpaceLimitExceeded`) if the total would pass `maxSpace`.
 */
export function chargeCommitmentSpace(
  prior: UsedSpace | undefined,
  epoch: number,
  cost: number,
  maxSpace: number = DEFAULT_COMMITMENT_MAX_SPACE,
): SpaceCharge {
  const used = prior !== undefined && prior.lastEpoch === epoch ? prior.used : 0
  if (used + cost > maxSpace) return { ok: false, used, cost, max: maxSpace }
  return { ok: true, space: { lastEpoch: epoch, used: used + cost } }
}
