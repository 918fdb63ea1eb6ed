import { initCrypto } from '../../identity/signer.js'
import { type Logger, silentLogger } from '../../logger.js'
import type { Chain } from '../chain.js'
import { ChainError } from '../errors.js'
import { type DevChainAdmin, devChainAdmin } from './admin.js'
import { devChainClient } from './client.js'
import { DEFAULT_DEV_CHAIN_HOST, DEFAULT_DEV_NETUIDS } from './constants.js'
import { DevChainCore } from './core.js'
import { buildDevChainApp } from './server.js'
import { openDevChainStore } from './store.js'

/** Options of {@link createDevChain}. */
export interface DevChainInit {
  /** SQLite file; a restart on the same file keeps the chain. @default ':memory:' */
  path?: string
  /** Milliseconds between blocks; 0 = only `admin.advance()` produces blocks. @default 0 */
  blockTimeMs?: number
  /** TCP port; 0 picks a free one. @default 0 */
  port?: number
  /** Listen address (the admin API is unauthenticated: keep it on loopback). @default '127.0.0.1' */
  host?: string
  /** Subnets created at genesis. @default [1] */
  netuids?: readonly number[]
  /** @default silentLogger */
  logger?: Logger
}

/** A running dev chain. */
export interface DevChain {
  /** Base URL, e.g. `http://127.0.0.1:9945`. */
  readonly url: string
  /** A `Chain` client for one subnet (each call makes a new client; close it when done). */
  client(netuid?: number): Chain
  readonly admin: DevChainAdmin
  /** Stop producing blocks, close the server and the database. Idempotent. */
  close(): Promise<void>
}

/**
 * Start an embedded dev chain: Subtensor's rules for what Kinitro uses, persisted in SQLite, served over
 * HTTP. For tests and the devnet (`kinitro chain dev`).
 *
 * @example
 * ```ts
 * const dev = await createDevChain()
 * const chain = dev.client(1)
 * await dev.admin.register(1, alice.ss58)
 * await dev.admin.advance(1)
 * await dev.close()
 * ```
 */
export async function createDevChain(init: DevChainInit = {}): Promise<DevChain> {
  const log = (init.logger ?? silentLogger).child('chain:devchain')
  const blockTimeMs = init.blockTimeMs ?? 0
  if (!Number.isFinite(blockTimeMs) || blockTimeMs < 0)
    throw new ChainError({ code: 'CHAIN_BAD_REQUEST', field: 'blockTimeMs' }, `blockTimeMs ${blockTimeMs} must be ≥ 0`)
  await initCrypto()
  const store = openDevChainStore(init.path ?? ':memory:')
  let core: DevChainCore
  try {
    core = new DevChainCore(store, init.netuids ?? DEFAULT_DEV_NETUIDS, log)
  } catch (err) {
    store.close()
    throw err
  }
  const app = await buildDevChainApp(core, log)
  let address: string
  try {
    address = await app.listen({ port: init.port ?? 0, host: init.host ?? DEFAULT_DEV_CHAIN_HOST })
  } catch (err) {
    await app.close()
    store.close()
    throw new ChainError(
      { code: 'CHAIN_CONNECTION_FAILED', port: init.port },
      `dev chain cannot listen: ${String(err)}`,
      {
        cause: err,
      },
    )
  }
  const timer =
    blockTimeMs > 0
      ? setInterval(() => {
          try {
            core.advance(1)
          } catch (err) {
            log.error('dev chain block production failed', {}, err)
          }
        }, blockTimeMs)
      : undefined
  const url = address.replace('[::1]', '127.0.0.1')
  log.info('dev chain listening', { url, blockTimeMs, path: init.path ?? ':memory:' })
  let closing: Promise<void> | undefined
  return {
    url,
    client: (netuid = 1) => devChainClient({ url, netuid }),
    admin: devChainAdmin(url),
    close() {
      closing ??= (async () => {
        if (timer !== undefined) clearInterval(timer)
        await app.close()
        store.close()
        log.info('dev chain stopped', { url })
      })()
      return closing
    },
  }
}
