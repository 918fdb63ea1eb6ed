import type { ApiPromise } from '@polkadot/api'
import type { Logger } from '../../logger.js'
import type { BlockRef } from '../chain.js'

/** Options of {@link blockStream}. */
export interface BlockStreamInit {
  /** Yield blocks after this number. */
  from: number
  signal?: AbortSignal
  log: Logger
}

/**
 * Best blocks in order, one by one, never skipping: new heads only say how far the chain got, and every
 * number up to there is fetched by `chain_getBlockHash`. After a reconnect (when heads were missed, or the
 * provider's resubscription lags) the `connected` event re-reads the head, so the gap is filled.
 */
export async function* blockStream(api: ApiPromise, init: BlockStreamInit): AsyncGenerator<BlockRef> {
  const { signal, log } = init
  const aborted = (): boolean => signal?.aborted === true
  let last = init.from
  let latest = init.from
  let wake: (() => void) | undefined
  const poke = (): void => {
    wake?.()
    wake = undefined
  }
  const seen = (n: number): void => {
    if (n > latest) latest = n
    poke()
  }
  const refreshHead = (): void => {
    api.rpc.chain.getHeader().then(
      (h) => seen(h.number.toNumber()),
      (err: unknown) => log.debug('head refresh failed', { err: String(err) }),
    )
  }
  const onConnected = (): void => {
    log.info('chain reconnected, catching up blocks', { last })
    refreshHead()
  }
  api.on('connected', onConnected)
  signal?.addEventListener('abort', poke)
  let unsub: (() => void) | undefined
  let finished = false
  // Not awaited: polkadot-js resolves a subscription only with its first value, and the head refresh
  // below already covers the current block.
  api.rpc.chain
    .subscribeNewHeads((h) => seen(h.number.toNumber()))
    .then(
      (u) => {
        if (finished) u()
        else unsub = u
      },
      (err: unknown) => log.warn('new heads subscription failed', { err: String(err) }),
    )
  try {
    refreshHead()
    while (!aborted()) {
      if (last >= latest) {
        await new Promise<void>((resolve) => {
          wake = resolve
        })
        continue
      }
      const number = last + 1
      let hash: string
      try {
        hash = (await api.rpc.chain.getBlockHash(number)).toHex()
      } catch (err) {
        // Down: wait for the reconnect (the `connected` handler pokes us) or an abort, then retry the same number.
        log.debug('block hash fetch failed; waiting for the chain', { number, err: String(err) })
        await new Promise<void>((resolve) => {
          wake = resolve
        })
        continue
      }
      if (aborted()) break
      last = number
      yield { number, hash }
    }
  } finally {
    finished = true
    api.off('connected', onConnected)
    signal?.removeEventListener('abort', poke)
    unsub?.()
  }
}
