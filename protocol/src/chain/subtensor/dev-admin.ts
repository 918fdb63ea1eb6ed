import type { ApiPromise, WsProvider } from '@polkadot/api'
import type { SubmittableExtrinsic } from '@polkadot/api/types'
import type { Codec } from '@polkadot/types/types'
import { type Hotkey, hotkeyFromUri } from '../../identity/hotkey.js'
import { type Logger, silentLogger } from '../../logger.js'
import type { BlockRef } from '../chain.js'
import type { DevChainAdmin } from '../devchain/admin.js'
import type { DevHyperparameters } from '../devchain/types.js'
import { ChainError } from '../errors.js'
import { RECONNECT_DELAY_MS } from './constants.js'
import {
  encodeWrites,
  hyperparameterWrite,
  openSubnetValues,
  readExtraHyperparameter,
  type StorageWrite,
  storageItem,
} from './dev-admin-storage.js'
import { readHyperparameters, toBig } from './hyperparameters.js'
import { readMetagraph } from './metagraph.js'
import { NonceQueue } from './nonce-queue.js'
import { profileRuntime, type RuntimeProfile } from './runtime-check.js'
import { submitExtrinsic } from './submit.js'

/** The chopsticks RPCs the admin cannot work without (chopsticks `dev_*` methods). */
export const DEV_RPC_METHODS = ['dev_newBlock', 'dev_setStorage'] as const
/** The coldkey that pays for and owns every registration and stake: a dev account no test signs with. */
export const DEV_ADMIN_PAYER_URI = '//Ferdie'
/** The payer's balance floor (1e6 TAO): far above burns (1e6 rao each here), fees and a devnet's stake. */
export const DEV_ADMIN_PAYER_RAO = 1_000_000_000_000_000n
/** What a registered hotkey gets for its own fees (1 TAO): it signs commitments and weights itself. */
export const DEV_ADMIN_HOTKEY_FEE_RAO = 1_000_000_000n
/** Pool reserves on each side: 1000× a 1000-TAO stake, so slippage stays negligible. */
export const DEV_ADMIN_POOL_DEPTH_RAO = 1_000_000_000_000_000n
/**
 * Per admin request. polkadot-js gives up after 60 s by default, and a 100-block `dev_newBlock` took longer than
 * that on a loaded 2-core box while the node went on building (test/compliance history).
 */
export const DEV_ADMIN_RPC_TIMEOUT_MS = 180_000
/** `SubtensorModule.ActivityCutoff` is a u16. */
const U16_MAX = 65_535
/** First connection plus the runtime metadata download. */
const CONNECT_TIMEOUT_MS = 60_000

/** Options of {@link createSubtensorDevAdmin}. */
export interface SubtensorDevAdminInit {
  /** ws:// endpoint of a chopsticks node serving a Subtensor runtime. */
  url: string
  /** Secret URI of the paying coldkey. @default DEV_ADMIN_PAYER_URI */
  payerUri?: string
  /** @default DEV_ADMIN_RPC_TIMEOUT_MS */
  rpcTimeoutMs?: number
  /** @default silentLogger */
  logger?: Logger
}

/**
 * A {@link DevChainAdmin} for a real Subtensor runtime under chopsticks. Privileged state (balances,
 * hyperparameters, the owner hotkey, open registration) is written with `dev_setStorage`, which needs no sudo
 * key and works on any runtime; registration and stake are real extrinsics (`burned_register`, `add_stake`)
 * paid by one coldkey, the {@link SubtensorDevAdmin.payer}, which owns every hotkey it registers; blocks come
 * from `dev_newBlock`. `dev_setStorage` edits the head block: a write counts from the next block on.
 */
export interface SubtensorDevAdmin extends DevChainAdmin {
  readonly url: string
  /** The coldkey that signs registrations and stake. */
  readonly payer: Hotkey
  readonly profile: RuntimeProfile
  /** Raw JSON-RPC on the admin's connection. */
  send<T>(method: string, params: unknown[]): Promise<T>
  /**
   * Move the head back to block `hash` (chopsticks `dev_setHead`): a test reverts to a prepared block. The
   * payer's counted nonce is forgotten, since the reverted chain never saw the transactions after `hash`.
   */
  setHead(hash: string): Promise<void>
  /** Write storage items (typed values) into the head block. */
  writeStorage(writes: readonly StorageWrite[]): Promise<void>
  /** Disconnect. Idempotent. */
  close(): Promise<void>
}

/** Run `step` against the connection deadline; the first connection and the metadata download share it. */
function withDeadline<T>(url: string, step: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new ChainError(
            { code: 'CHAIN_CONNECTION_FAILED', url, timeoutMs: CONNECT_TIMEOUT_MS },
            `could not connect to ${url} within ${CONNECT_TIMEOUT_MS} ms`,
          ),
        ),
      CONNECT_TIMEOUT_MS,
    )
  })
  return Promise.race([step, deadline]).finally(() => clearTimeout(timer))
}

/** Refuse a node without chopsticks' dev RPCs: a live Subtensor cannot be administered this way. */
async function requireDevRpcs(provider: WsProvider, url: string): Promise<void> {
  // A public node may refuse `rpc_methods` itself (an RPC-level error, the connection is up): not a dev node either.
  const methods = await provider.send<{ methods: string[] }>('rpc_methods', []).then(
    (r) => r.methods,
    () => [] as string[],
  )
  const missing = DEV_RPC_METHODS.filter((m) => !methods.includes(m))
  if (missing.length > 0) {
    throw new ChainError(
      { code: 'CHAIN_UNSUPPORTED', call: 'devAdmin', url, missing },
      `${url} serves no ${missing.join('/')}: it is not a chopsticks dev node. A live Subtensor (finney, testnet) cannot be administered (registration, stake and hyperparameters need the subnet owner's and sudo's keys); run the runtime under chopsticks instead`,
    )
  }
}

/**
 * Connect to a chopsticks node, check it has the dev RPCs, and make sure the payer can pay.
 *
 * @example
 * ```ts
 * const admin = await createSubtensorDevAdmin({ url: 'ws://127.0.0.1:8000' })
 * await admin.createSubnet(1, owner.ss58)
 * await admin.register(1, validator.ss58)
 * await admin.advance(10)
 * await admin.close()
 * ```
 */
export async function createSubtensorDevAdmin(init: SubtensorDevAdminInit): Promise<SubtensorDevAdmin> {
  const log = (init.logger ?? silentLogger).child('protocol:chain:dev-admin')
  // Loaded here, as the adapter does: @polkadot/api is ~1,000 modules that most processes never need.
  const { ApiPromise, WsProvider } = await import('@polkadot/api')
  // Its own provider, not the adapter's connectApi: the admin needs raw `dev_*` calls and a longer per-request
  // timeout (block builds).
  const provider = new WsProvider(
    init.url,
    RECONNECT_DELAY_MS,
    undefined,
    init.rpcTimeoutMs ?? DEV_ADMIN_RPC_TIMEOUT_MS,
  )
  provider.on('error', () => undefined)
  let api: ApiPromise | undefined
  try {
    await withDeadline(init.url, provider.isReady)
    // Before the metadata download: a live node is refused at once.
    await requireDevRpcs(provider, init.url)
    api = await withDeadline(init.url, ApiPromise.create({ provider, noInitWarn: true }))
    const admin = new SubtensorDevAdminImpl(
      api,
      provider,
      init,
      await hotkeyFromUri(init.payerUri ?? DEV_ADMIN_PAYER_URI),
      log,
    )
    await admin.topUp(admin.payer.ss58, DEV_ADMIN_PAYER_RAO)
    log.info('dev admin connected', { url: init.url, specVersion: admin.profile.specVersion, payer: admin.payer.ss58 })
    return admin
  } catch (err) {
    await (api ?? provider).disconnect().catch(() => undefined)
    throw err
  }
}

type TxFn = (...args: unknown[]) => SubmittableExtrinsic<'promise'>
type AccountInfo = Codec & {
  nonce: Codec
  consumers: Codec
  providers: Codec
  sufficients: Codec
  data: Codec & { free: Codec; reserved: Codec; frozen: Codec; flags: Codec }
}

class SubtensorDevAdminImpl implements SubtensorDevAdmin {
  readonly url: string
  readonly payer: Hotkey
  readonly profile: RuntimeProfile
  readonly #api: ApiPromise
  readonly #provider: WsProvider
  readonly #log: Logger
  readonly #nonces: NonceQueue
  #closed = false

  constructor(api: ApiPromise, provider: WsProvider, init: SubtensorDevAdminInit, payer: Hotkey, log: Logger) {
    this.url = init.url
    this.payer = payer
    this.profile = profileRuntime(api)
    this.#api = api
    this.#provider = provider
    this.#log = log
    this.#nonces = new NonceQueue(async (a) => (await api.rpc.system.accountNextIndex(a)).toNumber())
  }

  send<T>(method: string, params: unknown[]): Promise<T> {
    return this.#provider.send<T>(method, params)
  }

  async setHead(hash: string): Promise<void> {
    // Inside the payer's queue, so no transaction signs with the old counter while the head moves.
    await this.#nonces.run(this.payer.ss58, async () => {
      await this.send('dev_setHead', [hash])
      this.#nonces.resync(this.payer.ss58)
    })
  }

  async writeStorage(writes: readonly StorageWrite[]): Promise<void> {
    if (writes.length > 0) await this.send('dev_setStorage', [encodeWrites(this.#api, writes)])
  }

  async #balance(account: string): Promise<AccountInfo> {
    return (await this.#api.query.system!.account!(account)) as AccountInfo
  }

  async fund(account: string, rao: bigint): Promise<bigint> {
    const info = await this.#balance(account)
    const free = toBig(info.data.free) + rao
    // The whole AccountInfo is rewritten: keep nonce and reference counts, and make sure the account exists.
    const providers = Math.max(1, Number(toBig(info.providers)))
    const value = {
      nonce: info.nonce,
      consumers: info.consumers,
      providers,
      sufficients: info.sufficients,
      data: { free, reserved: info.data.reserved, frozen: info.data.frozen, flags: info.data.flags },
    }
    await this.writeStorage([[storageItem(this.#api, 'account', 'system')!, [account], value]])
    return free
  }

  /** Fund `account` up to `rao` when it holds less. */
  async topUp(account: string, rao: bigint): Promise<void> {
    const free = toBig((await this.#balance(account)).data.free)
    if (free < rao) await this.fund(account, rao - free)
  }

  /**
   * Prepare a genesis subnet (open registration, started emission, a deep pool) the first time, and name its
   * owner hotkey. Subnets are not created: `register_network` needs a lock cost, a rate limit and the owner's
   * `start_call` a tempo later, and the fixtures' genesis already has subnet 1.
   */
  async createSubnet(netuid: number, ownerHotkey?: string): Promise<void> {
    const q = this.#api.query.subtensorModule as unknown as Record<string, (...a: unknown[]) => Promise<Codec>>
    if ((await q.networksAdded!(netuid)).toJSON() !== true) {
      throw new ChainError(
        { code: 'CHAIN_SUBNET_NOT_FOUND', netuid, url: this.url },
        `netuid ${netuid} does not exist on ${this.url}; the chopsticks admin prepares subnets of the genesis (netuid 1 on the fixture specs) but does not register new ones`,
      )
    }
    const writes: StorageWrite[] = []
    // The pool has depth only once prepared (staking and emission only add to it), so this runs once per subnet.
    const pool = q.subnetTAO === undefined ? 0n : toBig(await q.subnetTAO(netuid))
    if (pool < DEV_ADMIN_POOL_DEPTH_RAO) {
      for (const [name, value] of openSubnetValues(DEV_ADMIN_POOL_DEPTH_RAO)) {
        const item = storageItem(this.#api, name)
        if (item !== undefined) writes.push([item, [netuid], value])
      }
    }
    if (ownerHotkey !== undefined) {
      const owner = storageItem(this.#api, 'subnetOwnerHotkey')
      if (owner === undefined) {
        throw new ChainError(
          { code: 'CHAIN_UNSUPPORTED', call: 'createSubnet', item: 'SubnetOwnerHotkey' },
          'this runtime has no SubtensorModule.SubnetOwnerHotkey',
        )
      }
      writes.push([owner, [netuid], ownerHotkey])
    }
    await this.writeStorage(writes)
    this.#log.debug('subnet prepared', { netuid, owner: ownerHotkey })
  }

  #tx(call: string, ...args: unknown[]): () => SubmittableExtrinsic<'promise'> {
    return () => (this.#api.tx.subtensorModule as unknown as Record<string, TxFn>)[call]!(...args)
  }

  async #submit(call: string, build: () => SubmittableExtrinsic<'promise'>): Promise<void> {
    const deps = { api: this.#api, nonces: this.#nonces, log: this.#log }
    await submitExtrinsic(deps, this.payer, build, { call })
  }

  /** Register with `burned_register` paid by the payer, which becomes the hotkey's coldkey. */
  async register(netuid: number, hotkey: string, coldkey?: string): Promise<number> {
    if (coldkey !== undefined && coldkey !== this.payer.ss58) {
      throw new ChainError(
        { code: 'CHAIN_UNSUPPORTED', call: 'register', coldkey },
        `the chopsticks admin registers with its payer coldkey ${this.payer.ss58} only: it cannot sign for ${coldkey}`,
      )
    }
    await this.#submit('burnedRegister', this.#tx('burnedRegister', netuid, hotkey))
    await this.topUp(hotkey, DEV_ADMIN_HOTKEY_FEE_RAO)
    const q = this.#api.query.subtensorModule as unknown as Record<string, (...a: unknown[]) => Promise<Codec>>
    return Number((await q.uids!(netuid, hotkey)).toJSON())
  }

  /** Stake from the payer's balance (it owns every hotkey it registered); returns the hotkey's stake weight. */
  async addStake(netuid: number, hotkey: string, rao: bigint): Promise<bigint> {
    await this.#submit('addStake', this.#tx('addStake', hotkey, netuid, rao))
    const mg = await readMetagraph(this.#api, this.profile, netuid)
    return mg.neurons.find((n) => n.hotkey === hotkey)?.stake ?? 0n
  }

  async setHyperparameters(netuid: number, patch: Partial<DevHyperparameters>): Promise<DevHyperparameters> {
    const fields = { ...patch }
    // The dev chain's cutoff is any number (a devnet passes 100,000 to mean "never inactive"); Subtensor's is
    // a u16, whose maximum means the same for a devnet.
    if (fields.activityCutoff !== undefined) fields.activityCutoff = Math.min(fields.activityCutoff, U16_MAX)
    const entries = Object.entries(fields) as Array<[keyof DevHyperparameters, unknown]>
    await this.writeStorage(entries.map(([field, value]) => hyperparameterWrite(this.#api, netuid, field, value)))
    const [base, maxAllowedUids, immunityPeriod, activityCutoff, commitmentMaxSpace] = await Promise.all([
      readHyperparameters(this.#api, this.profile, netuid),
      readExtraHyperparameter(this.#api, netuid, 'maxAllowedUids', 0),
      readExtraHyperparameter(this.#api, netuid, 'immunityPeriod', 0),
      readExtraHyperparameter(this.#api, netuid, 'activityCutoff', 0),
      // Runtimes before the space limit (spec 218) have none: 0 says so.
      readExtraHyperparameter(this.#api, netuid, 'commitmentMaxSpace', 0),
    ])
    return { ...base, maxAllowedUids, immunityPeriod, activityCutoff, commitmentMaxSpace }
  }

  async advance(blocks = 1): Promise<BlockRef> {
    const hash = await this.send<string>('dev_newBlock', [{ count: blocks }])
    const header = await this.send<{ number: string }>('chain_getHeader', [hash])
    return { number: Number(header.number), hash }
  }

  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    await this.#api.disconnect().catch(() => undefined)
  }
}
