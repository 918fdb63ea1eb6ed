import { KinitroError } from '../errors.js'

/**
 * Every code a {@link ChainError} can carry, with what to do about it. Implementations map runtime module
 * errors (by pallet and name) onto these, so callers never parse chain error strings. Add codes here
 * (and to the protocol README table); never reuse one for a different meaning.
 */
export const CHAIN_ERROR_FIXES = {
  CHAIN_CONNECTION_FAILED: 'check chain.url and that the node is reachable; the client retries with backoff',
  CHAIN_DISCONNECTED: 'the connection dropped mid-call; retry (block streams resume by themselves)',
  CHAIN_TIMEOUT: 'the chain did not answer in time; retry, or check the node is synced',
  CHAIN_UNSUPPORTED: 'this runtime lacks the call; check chain.capabilities before using it',
  CHAIN_NOT_REGISTERED: 'register the hotkey on the subnet first (btcli subnet register / kinitro chain dev admin)',
  CHAIN_COMMITMENT_TOO_LARGE: 'shorten the commitment (128 bytes as Raw, 512 as BigRaw where supported)',
  CHAIN_COMMITMENT_RATE_LIMITED: 'wait for the next epoch: the per-epoch commitment space or rate limit is used up',
  CHAIN_WEIGHTS_INVALID: 'send equal-length uids/weights, no duplicates, only uids that exist, enough entries',
  CHAIN_WEIGHTS_RATE_LIMITED: 'wait until weightsRateLimit blocks have passed since the last update',
  CHAIN_WEIGHT_ABOVE_LIMIT: 'cap each max-upscaled weight at maxWeightLimit',
  CHAIN_NO_VALIDATOR_PERMIT: 'weights for other uids need a validator permit: stake more to rank in the top validators',
  CHAIN_NOT_ENOUGH_STAKE: 'stake at least the chain stakeThreshold on the hotkey',
  CHAIN_VERSION_KEY_TOO_LOW: 'send a version key ≥ the subnet weightsVersionKey (upgrade the validator)',
  CHAIN_COMMIT_REVEAL_ENABLED: 'commit-reveal is on: use commitWeights/revealWeights or commitTimelockedWeights',
  CHAIN_COMMIT_REVEAL_DISABLED: 'commit-reveal is off: use setWeights',
  CHAIN_NO_WEIGHTS_COMMIT: 'commit before revealing, with the same uids, weights, salt and version key',
  CHAIN_REVEAL_TOO_EARLY: 'reveal in the epoch commit epoch + commitRevealPeriod, not before',
  CHAIN_REVEAL_EXPIRED: 'the reveal window passed; commit again',
  CHAIN_TOO_MANY_COMMITS: 'reveal or wait: at most 10 unrevealed commits per hotkey per epoch',
  CHAIN_INSUFFICIENT_BALANCE: 'fund the paying account',
  CHAIN_TX_INVALID:
    'the pool refused the transaction (stale nonce, bad signature, bad era); the client resyncs nonces and retries',
  CHAIN_DISPATCH_FAILED: 'a runtime error without a specific mapping; meta.pallet and meta.error name it',
  CHAIN_ALREADY_REGISTERED: 'the hotkey already holds a uid on this subnet; use it, or register another hotkey',
  CHAIN_SUBNET_NOT_FOUND:
    'no subnet with this netuid exists; check the netuid (dev chain: create it with the admin API)',
  CHAIN_BAD_REQUEST: 'the dev chain refused a malformed request; fix the field the message names',
} as const

export type ChainErrorCode = keyof typeof CHAIN_ERROR_FIXES

export const CHAIN_ERROR_CODES = Object.keys(CHAIN_ERROR_FIXES) as readonly ChainErrorCode[]

/** Metadata of a chain error: the code plus bounded, structured detail. */
export interface ChainErrorMeta {
  [key: string]: unknown
  code: ChainErrorCode
  /** For dispatch errors: the runtime pallet and error name, e.g. `SubtensorModule` / `SettingWeightsTooFast`. */
  pallet?: string
  error?: string
}

/** Something the chain refused, or the connection to it failed. Branch on `code`. */
export class ChainError extends KinitroError<ChainErrorMeta> {}
