import type { ApiPromise } from '@polkadot/api'
import type { DispatchError } from '@polkadot/types/interfaces'
import { ChainError, type ChainErrorCode } from '../errors.js'
import { RPC_INVALID_TRANSACTION, RPC_TX_PRIORITY_TOO_LOW } from './constants.js'

/**
 * Runtime module errors (`Pallet.Name`) we give a specific code. Names come from Subtensor's
 * `pallets/subtensor/src/macros/errors.rs` and `pallets/commitments/src/lib.rs`; anything else becomes
 * `CHAIN_DISPATCH_FAILED` with the pallet and name in `meta`.
 */
export const MODULE_ERROR_CODES: Readonly<Record<string, ChainErrorCode>> = {
  'SubtensorModule.HotKeyNotRegisteredInSubNet': 'CHAIN_NOT_REGISTERED',
  'SubtensorModule.HotKeyNotRegisteredInNetwork': 'CHAIN_NOT_REGISTERED',
  'SubtensorModule.HotKeyAccountNotExists': 'CHAIN_NOT_REGISTERED',
  'SubtensorModule.SettingWeightsTooFast': 'CHAIN_WEIGHTS_RATE_LIMITED',
  'SubtensorModule.CommittingWeightsTooFast': 'CHAIN_WEIGHTS_RATE_LIMITED',
  'SubtensorModule.WeightVecNotEqualSize': 'CHAIN_WEIGHTS_INVALID',
  'SubtensorModule.DuplicateUids': 'CHAIN_WEIGHTS_INVALID',
  'SubtensorModule.UidVecContainInvalidOne': 'CHAIN_WEIGHTS_INVALID',
  'SubtensorModule.WeightVecLengthIsLow': 'CHAIN_WEIGHTS_INVALID',
  'SubtensorModule.UidsLengthExceedUidsInSubNet': 'CHAIN_WEIGHTS_INVALID',
  'SubtensorModule.InputLengthsUnequal': 'CHAIN_WEIGHTS_INVALID',
  'SubtensorModule.MaxWeightExceeded': 'CHAIN_WEIGHT_ABOVE_LIMIT',
  'SubtensorModule.NeuronNoValidatorPermit': 'CHAIN_NO_VALIDATOR_PERMIT',
  'SubtensorModule.NotEnoughStakeToSetWeights': 'CHAIN_NOT_ENOUGH_STAKE',
  'SubtensorModule.IncorrectWeightVersionKey': 'CHAIN_VERSION_KEY_TOO_LOW',
  'SubtensorModule.CommitRevealEnabled': 'CHAIN_COMMIT_REVEAL_ENABLED',
  'SubtensorModule.CommitRevealDisabled': 'CHAIN_COMMIT_REVEAL_DISABLED',
  'SubtensorModule.NoWeightsCommitFound': 'CHAIN_NO_WEIGHTS_COMMIT',
  'SubtensorModule.InvalidRevealCommitHashNotMatch': 'CHAIN_NO_WEIGHTS_COMMIT',
  'SubtensorModule.RevealTooEarly': 'CHAIN_REVEAL_TOO_EARLY',
  'SubtensorModule.ExpiredWeightCommit': 'CHAIN_REVEAL_EXPIRED',
  'SubtensorModule.TooManyUnrevealedCommits': 'CHAIN_TOO_MANY_COMMITS',
  'SubtensorModule.NotEnoughBalanceToStake': 'CHAIN_INSUFFICIENT_BALANCE',
  'SubtensorModule.NotEnoughBalanceToPaySwapHotKey': 'CHAIN_INSUFFICIENT_BALANCE',
  'Commitments.AccountNotAllowedCommit': 'CHAIN_NOT_REGISTERED',
  // Spec 424 limits space per epoch; spec ≤ 2xx limited by blocks. Callers see one "rate limited" code.
  'Commitments.SpaceLimitExceeded': 'CHAIN_COMMITMENT_RATE_LIMITED',
  'Commitments.CommitmentSetRateLimitExceeded': 'CHAIN_COMMITMENT_RATE_LIMITED',
  'Commitments.TooManyFieldsInCommitmentInfo': 'CHAIN_COMMITMENT_TOO_LARGE',
  'Balances.InsufficientBalance': 'CHAIN_INSUFFICIENT_BALANCE',
}

/**
 * Subtensor's `CustomTransactionError` numbers (pool-level `1010 Custom error: N`), from
 * `pallets/subtensor/src/lib.rs`. 6 is a generic rate limit: the caller says which limit it means.
 */
const CUSTOM_TX_ERRORS: Readonly<Record<number, ChainErrorCode | 'rate-limit'>> = {
  2: 'CHAIN_INSUFFICIENT_BALANCE',
  4: 'CHAIN_NOT_REGISTERED',
  6: 'rate-limit',
  10: 'CHAIN_NOT_REGISTERED',
}

/** Which code a call's generic rate-limit rejection should carry. */
export interface ErrorContext {
  call: string
  rateLimitCode?: ChainErrorCode
}

function upperFirst(s: string): string {
  return s.length === 0 ? s : s[0]!.toUpperCase() + s.slice(1)
}

/** Turn a failed extrinsic's `DispatchError` into a {@link ChainError} named by pallet and error. */
export function chainErrorFromDispatch(api: ApiPromise, err: DispatchError, ctx: ErrorContext): ChainError {
  if (err.isModule) {
    const found = api.registry.findMetaError(err.asModule)
    const pallet = upperFirst(found.section)
    const code = MODULE_ERROR_CODES[`${pallet}.${found.name}`] ?? 'CHAIN_DISPATCH_FAILED'
    const why = found.docs.join(' ').trim()
    return new ChainError(
      { code, pallet, error: found.name, call: ctx.call },
      `${ctx.call} failed: ${pallet}.${found.name}${why === '' ? '' : ` (${why})`}`,
    )
  }
  if (err.isToken && ['FundsUnavailable', 'NoFunds'].includes(err.asToken.type)) {
    return new ChainError(
      { code: 'CHAIN_INSUFFICIENT_BALANCE', error: `Token.${err.asToken.type}`, call: ctx.call },
      `${ctx.call} failed: not enough funds`,
    )
  }
  return new ChainError(
    { code: 'CHAIN_DISPATCH_FAILED', error: err.type, call: ctx.call },
    `${ctx.call} failed: ${err.type}`,
  )
}

/** The pool-refusal reasons the adapter acts on. */
export type TxRefusal = 'stale' | 'future' | 'other'

/** `1010: Invalid Transaction: Transaction is outdated` and friends, classified. */
export function classifyRefusal(err: unknown): TxRefusal | undefined {
  const code = rpcCode(err)
  if (code !== RPC_INVALID_TRANSACTION && code !== RPC_TX_PRIORITY_TOO_LOW) return undefined
  const text = errorText(err)
  if (/outdated|stale/i.test(text)) return 'stale'
  if (/future/i.test(text)) return 'future'
  // Same nonce already in the pool: our counter is behind the pool, like a stale nonce.
  if (code === RPC_TX_PRIORITY_TOO_LOW) return 'stale'
  return 'other'
}

/** Map any error thrown while talking to the node onto a {@link ChainError} (already-typed ones pass). */
export function chainErrorFromRpc(err: unknown, ctx: ErrorContext): ChainError {
  if (err instanceof ChainError) return err
  const text = errorText(err)
  const code = rpcCode(err)
  if (code === RPC_INVALID_TRANSACTION || code === RPC_TX_PRIORITY_TOO_LOW) {
    // Substrate nodes say `Custom error: N`; chopsticks sends the JSON `{"invalid":{"custom":N}}`.
    const custom = /Custom error: (\d+)|"custom":\s*(\d+)/i.exec(text)
    const mapped = custom === null ? undefined : CUSTOM_TX_ERRORS[Number(custom[1] ?? custom[2])]
    let chainCode: ChainErrorCode = 'CHAIN_TX_INVALID'
    if (mapped === 'rate-limit') chainCode = ctx.rateLimitCode ?? 'CHAIN_TX_INVALID'
    else if (mapped !== undefined) chainCode = mapped
    else if (/pay some fees|too low balance/i.test(text)) chainCode = 'CHAIN_INSUFFICIENT_BALANCE'
    return new ChainError(
      { code: chainCode, call: ctx.call, rpcCode: code, reason: text },
      `${ctx.call} refused: ${text}`,
      { cause: err },
    )
  }
  if (isDisconnect(text)) {
    return new ChainError({ code: 'CHAIN_DISCONNECTED', call: ctx.call }, `${ctx.call}: ${text}`, { cause: err })
  }
  return new ChainError({ code: 'CHAIN_DISPATCH_FAILED', call: ctx.call, reason: text }, `${ctx.call}: ${text}`, {
    cause: err,
  })
}

/** True for the messages polkadot-js' WsProvider uses when the socket is down or dropped. */
export function isDisconnect(text: string): boolean {
  return /not connected|disconnected from|Abnormal Closure|socket has been closed|ECONNREFUSED|ECONNRESET/i.test(text)
}

function rpcCode(err: unknown): number | undefined {
  if (typeof err !== 'object' || err === null) return undefined
  const code = (err as { code?: unknown }).code
  if (typeof code === 'number') return code
  // rpc-core re-wraps errors as `method(args): 1010: Invalid Transaction: ...` without the numeric field.
  const lead = /(?:^|: )(10\d\d): /.exec(errorText(err))
  return lead === null ? undefined : Number(lead[1])
}

function errorText(err: unknown): string {
  if (err instanceof Error) return err.message
  return String(err)
}
