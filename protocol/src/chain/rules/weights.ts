import type { ChainErrorCode } from '../errors.js'
import { U16_MAX } from './constants.js'

const FRAC = 32n
const ONE = 1n << FRAC
const HALF = 1n << (FRAC - 1n)
const U16_MAX_N = BigInt(U16_MAX)
// Above this maximum Subtensor multiplies by (65535 / max) instead of dividing (e × 65535) by max, to keep
// I32F32 from overflowing; the two orders round differently, so we follow the branch exactly.
const UPSCALE_BRANCH = 32768n

/**
 * Max-upscale u16 weights exactly as Subtensor stores them (`vec_u16_max_upscale_to_u16`, I32F32 fixed
 * point with truncating division and round-half-up): the largest becomes 65535. Reproduced with bigint
 * arithmetic on 32 fractional bits so every value matches the chain bit for bit.
 */
export function maxUpscale(values: readonly number[]): number[] {
  if (values.length === 0) return []
  const max = BigInt(Math.max(...values))
  if (max === 0n) return values.map(() => 0)
  const round = (fixed: bigint): number => {
    const v = (fixed + HALF) >> FRAC
    return Number(v > U16_MAX_N ? U16_MAX_N : v)
  }
  if (max > UPSCALE_BRANCH) {
    const ratio = (U16_MAX_N * ONE) / max
    return values.map((e) => round(BigInt(e) * ratio))
  }
  return values.map((e) => round((BigInt(e) * U16_MAX_N * ONE) / max))
}

/**
 * `check_vec_max_limited`: sum-normalised, the largest weight must not exceed `limit / 65535`. (Subtensor
 * normalises by the sum here, not by the max, whatever its error name suggests.)
 */
export function withinMaxWeightLimit(values: readonly number[], limit: number): boolean {
  if (limit >= U16_MAX || values.length === 0) return true
  const sum = values.reduce((a, b) => a + b, 0)
  if (sum === 0) return true
  const max = Math.max(...values)
  return BigInt(max) * U16_MAX_N <= BigInt(limit) * BigInt(sum)
}

/** Everything the `set_weights` checks read, for one signer at one block. */
export interface SetWeightsState {
  netuid: number
  block: number
  commitRevealEnabled: boolean
  /** `SubnetworkN`. */
  neuronCount: number
  /** The signer's uid; `undefined` = not registered. */
  uid: number | undefined
  isOwner: boolean
  stake: bigint
  stakeThreshold: bigint
  validatorPermit: boolean
  lastUpdate: number
  weightsRateLimit: number
  networkVersionKey: bigint
  minAllowedWeights: number
  maxWeightLimit: number
}

/** The weights a call carries. */
export interface WeightsCall {
  uids: readonly number[]
  weights: readonly number[]
  versionKey?: bigint
}

/** A refusal: our code, the Subtensor error it stands for, and a message naming the value and the rule. */
export interface RuleViolation {
  code: ChainErrorCode
  /** The runtime's error name, e.g. `SettingWeightsTooFast`. */
  error: string
  message: string
}

/** Which path runs the checks: `set` = `set_weights`; `reveal` = the weights applied by a CR v2 reveal. */
export type WeightsPath = 'set' | 'reveal'

const violation = (code: ChainErrorCode, error: string, message: string): RuleViolation => ({ code, error, message })

/** Blocks left before the rate limit lets `uid` update again (0 = now; LastUpdate 0 = never set). */
export function blocksUntilWeightsAllowed(lastUpdate: number, block: number, rateLimit: number): number {
  if (lastUpdate === 0) return 0
  return Math.max(0, lastUpdate + rateLimit - block)
}

/**
 * The `set_weights` checks in Subtensor's order (chain.md §5, 1–14; `subnets/weights.rs`). Returns the
 * first failing rule or `undefined`. Mechanism checks (4) do not apply: we only use mechanism 0.
 * A CR reveal skips the commit-reveal (1) and rate-limit (9) checks, as the runtime does.
 */
export function checkSetWeights(
  s: SetWeightsState,
  call: WeightsCall,
  path: WeightsPath = 'set',
): RuleViolation | undefined {
  const { uids, weights } = call
  if (path === 'set' && s.commitRevealEnabled)
    return violation(
      'CHAIN_COMMIT_REVEAL_ENABLED',
      'CommitRevealEnabled',
      `commit-reveal is on for netuid ${s.netuid}: set_weights is refused`,
    )
  if (s.netuid === 0)
    return violation('CHAIN_WEIGHTS_INVALID', 'CannotSetRootNetworkWeights', 'netuid 0 (root) takes no weights')
  if (uids.length !== weights.length)
    return violation(
      'CHAIN_WEIGHTS_INVALID',
      'WeightVecNotEqualSize',
      `${uids.length} uids but ${weights.length} weights: lengths must match`,
    )
  if (uids.length > s.neuronCount)
    return violation(
      'CHAIN_WEIGHTS_INVALID',
      'UidsLengthExceedUidsInSubNet',
      `${uids.length} uids for a subnet of ${s.neuronCount}`,
    )
  if (s.uid === undefined)
    return violation(
      'CHAIN_NOT_REGISTERED',
      'HotKeyNotRegisteredInSubNet',
      `hotkey is not registered on netuid ${s.netuid}`,
    )
  if (!s.isOwner && s.stake < s.stakeThreshold)
    return violation(
      'CHAIN_NOT_ENOUGH_STAKE',
      'NotEnoughStakeToSetWeights',
      `stake ${s.stake} rao is below the stake threshold ${s.stakeThreshold}`,
    )
  const versionKey = call.versionKey ?? 0n
  if (s.networkVersionKey !== 0n && versionKey < s.networkVersionKey)
    return violation(
      'CHAIN_VERSION_KEY_TOO_LOW',
      'IncorrectWeightVersionKey',
      `version key ${versionKey} is below the subnet's ${s.networkVersionKey}`,
    )
  if (path === 'set') {
    const wait = blocksUntilWeightsAllowed(s.lastUpdate, s.block, s.weightsRateLimit)
    if (wait > 0)
      return violation(
        'CHAIN_WEIGHTS_RATE_LIMITED',
        'SettingWeightsTooFast',
        `last update at block ${s.lastUpdate}; weightsRateLimit ${s.weightsRateLimit} allows the next at ${s.lastUpdate + s.weightsRateLimit}`,
      )
  }
  const selfWeight = uids.length === 1 && uids[0] === s.uid
  if (!selfWeight && !s.isOwner && !s.validatorPermit)
    return violation(
      'CHAIN_NO_VALIDATOR_PERMIT',
      'NeuronNoValidatorPermit',
      `uid ${s.uid} has no validator permit; only a self-weight is allowed`,
    )
  if (new Set(uids).size !== uids.length)
    return violation('CHAIN_WEIGHTS_INVALID', 'DuplicateUids', 'uids contain duplicates')
  const bad = uids.find((u) => !Number.isInteger(u) || u < 0 || u >= s.neuronCount)
  if (bad !== undefined)
    return violation(
      'CHAIN_WEIGHTS_INVALID',
      'UidVecContainInvalidOne',
      `uid ${bad} does not exist (subnet has ${s.neuronCount})`,
    )
  const badWeight = weights.find((w) => !Number.isInteger(w) || w < 0 || w > U16_MAX)
  if (badWeight !== undefined)
    return violation('CHAIN_WEIGHTS_INVALID', 'WeightVecNotEqualSize', `weight ${badWeight} is not a u16`)
  const minLen = Math.min(s.minAllowedWeights, s.neuronCount)
  if (!selfWeight && uids.length < minLen)
    return violation(
      'CHAIN_WEIGHTS_INVALID',
      'WeightVecLengthIsLow',
      `${uids.length} weights; minAllowedWeights needs at least ${minLen}`,
    )
  if (!selfWeight && !withinMaxWeightLimit(weights, s.maxWeightLimit))
    return violation(
      'CHAIN_WEIGHT_ABOVE_LIMIT',
      'MaxWeightExceeded',
      `largest normalised weight is above maxWeightLimit ${s.maxWeightLimit}/65535`,
    )
  return undefined
}
