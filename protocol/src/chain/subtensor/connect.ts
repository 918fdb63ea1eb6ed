import type { ApiPromise } from '@polkadot/api'
import type { Logger } from '../../logger.js'
import { ChainError } from '../errors.js'
import { CONNECT_TIMEOUT_MS, RECONNECT_DELAY_MS } from './constants.js'

/** What {@link connectApi} reads from the adapter's options. */
export interface ConnectInit {
  url: string
  connectTimeoutMs?: number
  reconnectDelayMs?: number
}

/**
 * Open a reconnecting WebSocket provider and a decorated `ApiPromise`. The provider keeps retrying after
 * drops (and resubscribes); only the first connection has a deadline, after which it fails with
 * `CHAIN_CONNECTION_FAILED` and stops retrying.
 */
export async function connectApi(init: ConnectInit, log: Logger): Promise<ApiPromise> {
  const timeoutMs = init.connectTimeoutMs ?? CONNECT_TIMEOUT_MS
  // Loaded on first connect: @polkadot/api is ~1,000 modules (1–3 s here), and every process that imports
  // #protocol (CLI, episode workers, test children) would pay for it even when it never talks to Subtensor.
  const { ApiPromise, WsProvider } = await import('@polkadot/api')
  const provider = new WsProvider(init.url, init.reconnectDelayMs ?? RECONNECT_DELAY_MS, undefined, timeoutMs)
  // The provider emits 'error' on every failed attempt; without a listener polkadot-js logs each one.
  provider.on('error', () => undefined)
  let timer: NodeJS.Timeout | undefined
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new ChainError(
            { code: 'CHAIN_CONNECTION_FAILED', url: init.url, timeoutMs },
            `could not connect to ${init.url} within ${timeoutMs} ms`,
          ),
        ),
      timeoutMs,
    )
  })
  let api: ApiPromise | undefined
  try {
    await Promise.race([provider.isReady, deadline])
    // Subtensor's custom transaction extensions carry no data; polkadot-js' warning about them is noise.
    api = new ApiPromise({ provider, noInitWarn: true })
    await Promise.race([api.isReadyOrError, deadline])
    api.on('disconnected', () => log.warn('chain disconnected', { url: init.url }))
    api.on('connected', () => log.info('chain connected', { url: init.url }))
    api.on('error', (err: unknown) => log.debug('chain provider error', { err: String(err) }))
    return api
  } catch (err) {
    await (api ?? provider).disconnect().catch(() => undefined)
    if (err instanceof ChainError) throw err
    throw new ChainError(
      { code: 'CHAIN_CONNECTION_FAILED', url: init.url, reason: err instanceof Error ? err.message : String(err) },
      `could not start the chain client for ${init.url}`,
      { cause: err },
    )
  } finally {
    clearTimeout(timer)
  }
}
