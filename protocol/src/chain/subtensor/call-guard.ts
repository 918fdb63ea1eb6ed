import type { ApiPromise } from '@polkadot/api'
import { ChainError } from '../errors.js'
import { CALL_TIMEOUT_MS } from './constants.js'
import { chainErrorFromRpc } from './dispatch-errors.js'

/**
 * Run a read against the node with a deadline, the caller's AbortSignal and typed errors: during an outage
 * it fails fast with `CHAIN_DISCONNECTED` instead of waiting on a socket that is not there.
 */
export async function guarded<T>(
  api: ApiPromise,
  call: string,
  fn: () => Promise<T>,
  signal?: AbortSignal,
  timeoutMs = CALL_TIMEOUT_MS,
): Promise<T> {
  signal?.throwIfAborted()
  if (!api.isConnected) {
    throw new ChainError({ code: 'CHAIN_DISCONNECTED', call }, `${call}: not connected to the chain`)
  }
  let timer: NodeJS.Timeout | undefined
  let onAbort: (() => void) | undefined
  const stop = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new ChainError({ code: 'CHAIN_TIMEOUT', call, timeoutMs }, `${call}: no answer in ${timeoutMs} ms`)),
      timeoutMs,
    )
    onAbort = () => reject(signal?.reason)
    signal?.addEventListener('abort', onAbort, { once: true })
  })
  try {
    return await Promise.race([fn(), stop])
  } catch (err) {
    if (signal?.aborted && err === signal.reason) throw err
    throw chainErrorFromRpc(err, { call })
  } finally {
    clearTimeout(timer)
    if (onAbort !== undefined) signal?.removeEventListener('abort', onAbort)
  }
}
