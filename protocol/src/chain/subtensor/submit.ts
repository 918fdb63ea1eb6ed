import type { ApiPromise, SubmittableResult } from '@polkadot/api'
import type { SubmittableExtrinsic } from '@polkadot/api/types'
import type { Hotkey } from '../../identity/hotkey.js'
import type { Logger } from '../../logger.js'
import type { TxReceipt } from '../chain.js'
import { ChainError } from '../errors.js'
import { INCLUSION_TIMEOUT_MS, MORTAL_ERA_PERIOD, NONCE_RETRIES } from './constants.js'
import { chainErrorFromDispatch, chainErrorFromRpc, classifyRefusal, type ErrorContext } from './dispatch-errors.js'
import type { NonceQueue } from './nonce-queue.js'
import { polkadotSigner } from './signer.js'

/** What {@link submitExtrinsic} needs from the adapter. */
export interface SubmitDeps {
  api: ApiPromise
  nonces: NonceQueue
  log: Logger
  /** @default INCLUSION_TIMEOUT_MS */
  inclusionTimeoutMs?: number
}

type Extrinsic = SubmittableExtrinsic<'promise'>

/**
 * Sign `build()` with `signer` and wait until a block includes it. Transactions of one signer go out one at
 * a time with locally counted nonces; a stale/future nonce resyncs and re-signs (up to NONCE_RETRIES).
 * Dispatch failures come back as {@link ChainError}s named by pallet and error.
 */
export function submitExtrinsic(
  deps: SubmitDeps,
  signer: Hotkey,
  build: () => Extrinsic,
  ctx: ErrorContext,
  signal?: AbortSignal,
): Promise<TxReceipt> {
  const address = signer.ss58
  return deps.nonces.run(address, async () => {
    for (let attempt = 0; ; attempt++) {
      signal?.throwIfAborted()
      const nonce = await deps.nonces.peek(address).catch((err: unknown) => {
        throw chainErrorFromRpc(err, ctx)
      })
      let included = false
      try {
        const tx = build()
        await tx.signAsync(address, { signer: polkadotSigner(signer), nonce, era: MORTAL_ERA_PERIOD })
        const receipt = await sendAndWait(
          deps,
          tx,
          ctx,
          signal,
          () => deps.nonces.accepted(address, nonce),
          () => {
            included = true
          },
        )
        deps.log.debug('extrinsic included', { call: ctx.call, blockNumber: receipt.blockNumber })
        return receipt
      } catch (err) {
        const refusal = classifyRefusal(err)
        if ((refusal === 'stale' || refusal === 'future') && attempt < NONCE_RETRIES) {
          deps.log.debug('nonce resync', { call: ctx.call, nonce, refusal })
          deps.nonces.resync(address)
          continue
        }
        // Only an included extrinsic (even a failed one) surely used its nonce; after a refusal, drop,
        // timeout or lost connection the pool's view may differ from our counter.
        if (!included) deps.nonces.resync(address)
        throw chainErrorFromRpc(err, ctx)
      }
    }
  })
}

function sendAndWait(
  deps: SubmitDeps,
  tx: Extrinsic,
  ctx: ErrorContext,
  signal: AbortSignal | undefined,
  onPooled: () => void,
  onIncluded: () => void,
): Promise<TxReceipt> {
  const { api } = deps
  const txHash = tx.hash.toHex()
  return new Promise<TxReceipt>((resolve, reject) => {
    let pooled = false
    let unsub: (() => void) | undefined
    let done = false
    const finish = (err: unknown, receipt?: TxReceipt): void => {
      if (done) return
      done = true
      clearTimeout(timer)
      api.off('disconnected', onDisconnect)
      signal?.removeEventListener('abort', onAbort)
      unsub?.()
      if (receipt !== undefined) resolve(receipt)
      else reject(err)
    }
    const onDisconnect = (): void =>
      finish(new ChainError({ code: 'CHAIN_DISCONNECTED', call: ctx.call, txHash }, `${ctx.call}: connection lost`))
    const onAbort = (): void => finish(signal?.reason)
    const timeoutMs = deps.inclusionTimeoutMs ?? INCLUSION_TIMEOUT_MS
    const timer = setTimeout(
      () =>
        finish(
          new ChainError(
            { code: 'CHAIN_TIMEOUT', call: ctx.call, txHash, timeoutMs },
            `${ctx.call}: not included within ${timeoutMs} ms`,
          ),
        ),
      timeoutMs,
    )
    api.on('disconnected', onDisconnect)
    signal?.addEventListener('abort', onAbort, { once: true })
    const onStatus = (result: SubmittableResult): void => {
      if (!pooled) {
        pooled = true
        onPooled()
      }
      const { status } = result
      if (status.isInvalid || status.isDropped || status.isUsurped) {
        finish(
          new ChainError(
            { code: 'CHAIN_TX_INVALID', call: ctx.call, txHash, reason: status.type },
            `${ctx.call}: ${status.type}`,
          ),
        )
        return
      }
      if (!status.isInBlock && !status.isFinalized) return
      const blockHash = (status.isInBlock ? status.asInBlock : status.asFinalized).toHex()
      onIncluded()
      if (result.dispatchError !== undefined) {
        finish(chainErrorFromDispatch(api, result.dispatchError, ctx))
        return
      }
      api.rpc.chain.getHeader(blockHash).then(
        (header) => finish(undefined, { blockNumber: header.number.toNumber(), blockHash, txHash }),
        (err: unknown) => finish(chainErrorFromRpc(err, ctx)),
      )
    }
    tx.send(onStatus).then(
      (u) => {
        if (done) u()
        else unsub = u
      },
      (err: unknown) => finish(err),
    )
  })
}
