import type { ApiPromise } from '@polkadot/api'
import type { SubmittableExtrinsic } from '@polkadot/api/types'
import type { Vec } from '@polkadot/types'
import type { Codec } from '@polkadot/types/types'
import { u8aToHex } from '@polkadot/util'
import type { Hotkey } from '../../identity/hotkey.js'
import { type Logger, silentLogger } from '../../logger.js'
import type {
  BlockRef,
  Chain,
  ChainCallOptions,
  ChainCapabilities,
  CommitmentEntry,
  Hyperparameters,
  Metagraph,
  TimelockedCommitInput,
  TxReceipt,
  WeightEligibility,
  WeightsCommitInput,
  WeightsInput,
} from '../chain.js'
import { ChainError } from '../errors.js'
import { blocksUntilWeightsAllowed, type SetWeightsState } from '../rules/index.js'
import { blockStream } from './block-stream.js'
import { guarded } from './call-guard.js'
import { commitmentInfo, decodeOptionalRegistration } from './commitment-codec.js'
import { connectApi } from './connect.js'
import { CALL_TIMEOUT_MS, INCLUSION_TIMEOUT_MS } from './constants.js'
import type { ErrorContext } from './dispatch-errors.js'
import { checkTransactionExtensions } from './extensions-check.js'
import { readHyperparameters, toBig } from './hyperparameters.js'
import { readMetagraph } from './metagraph.js'
import { NonceQueue } from './nonce-queue.js'
import { ownerHotkey } from './owner.js'
import { profileRuntime, type RuntimeProfile } from './runtime-check.js'
import { submitExtrinsic } from './submit.js'
import { precheckWeights, type WeightsMode } from './weights-precheck.js'
import { readWeightsState, weightsCommitHash } from './weights-state.js'

/** Options of {@link createSubtensorChain}. */
export interface SubtensorChainInit {
  /** WebSocket endpoint, e.g. `wss://entrypoint-finney.opentensor.ai:443` or `ws://127.0.0.1:9944`. */
  url: string
  netuid: number
  /** @default silentLogger */
  logger?: Logger
  /** @default CONNECT_TIMEOUT_MS (30 s) */
  connectTimeoutMs?: number
  /** @default CALL_TIMEOUT_MS (30 s) */
  callTimeoutMs?: number
  /** @default INCLUSION_TIMEOUT_MS (60 s) */
  inclusionTimeoutMs?: number
  /** Delay between reconnect attempts. @default RECONNECT_DELAY_MS (2.5 s) */
  reconnectDelayMs?: number
}

type Extrinsic = SubmittableExtrinsic<'promise'>
type TxFn = (...args: unknown[]) => Extrinsic
type QueryFn = ((...args: unknown[]) => Promise<Codec>) & {
  entries: (...args: unknown[]) => Promise<Array<[{ args: Codec[] }, Codec]>>
}

class SubtensorChainImpl implements Chain {
  readonly netuid: number
  readonly capabilities: ChainCapabilities
  /** The runtime differences this adapter resolved at startup. */
  readonly profile: RuntimeProfile
  readonly api: ApiPromise
  readonly #log: Logger
  readonly #nonces: NonceQueue
  readonly #callTimeoutMs: number
  readonly #inclusionTimeoutMs: number
  #closed = false

  constructor(api: ApiPromise, init: SubtensorChainInit, profile: RuntimeProfile, log: Logger) {
    this.api = api
    this.netuid = init.netuid
    this.profile = profile
    this.capabilities = profile.capabilities
    this.#log = log
    this.#callTimeoutMs = init.callTimeoutMs ?? CALL_TIMEOUT_MS
    this.#inclusionTimeoutMs = init.inclusionTimeoutMs ?? INCLUSION_TIMEOUT_MS
    this.#nonces = new NonceQueue(async (address) => (await api.rpc.system.accountNextIndex(address)).toNumber())
  }

  #read<T>(call: string, fn: () => Promise<T>, opts?: ChainCallOptions): Promise<T> {
    return guarded(this.api, call, fn, opts?.signal, this.#callTimeoutMs)
  }

  #tx(pallet: 'subtensorModule' | 'commitments', call: string): TxFn {
    return (this.api.tx[pallet] as unknown as Record<string, TxFn>)[call]!
  }

  #query(pallet: 'subtensorModule' | 'commitments', item: string): QueryFn {
    return (this.api.query[pallet] as unknown as Record<string, QueryFn>)[item]!
  }

  #submit(signer: Hotkey, build: () => Extrinsic, ctx: ErrorContext, opts?: ChainCallOptions): Promise<TxReceipt> {
    const deps = { api: this.api, nonces: this.#nonces, log: this.#log, inclusionTimeoutMs: this.#inclusionTimeoutMs }
    if (!this.api.isConnected) {
      return Promise.reject(
        new ChainError({ code: 'CHAIN_DISCONNECTED', call: ctx.call }, `${ctx.call}: not connected`),
      )
    }
    return submitExtrinsic(deps, signer, build, ctx, opts?.signal)
  }

  head(opts?: ChainCallOptions): Promise<BlockRef> {
    return this.#read(
      'head',
      async () => {
        const h = await this.api.rpc.chain.getHeader()
        return { number: h.number.toNumber(), hash: h.hash.toHex() }
      },
      opts,
    )
  }

  async *blocks(opts?: ChainCallOptions & { from?: number }): AsyncIterable<BlockRef> {
    const from = opts?.from ?? (await this.head(opts)).number
    yield* blockStream(this.api, { from, signal: opts?.signal, log: this.#log })
  }

  metagraph(opts?: ChainCallOptions): Promise<Metagraph> {
    return this.#read('metagraph', () => readMetagraph(this.api, this.profile, this.netuid), opts)
  }

  hyperparameters(opts?: ChainCallOptions): Promise<Hyperparameters> {
    return this.#read('hyperparameters', () => readHyperparameters(this.api, this.profile, this.netuid), opts)
  }

  commitments(opts?: ChainCallOptions): Promise<CommitmentEntry[]> {
    return this.#read(
      'commitments',
      async () => {
        // First hasher is Identity(netuid), so this is one prefix scan for the whole subnet.
        const entries = await this.#query('commitments', 'commitmentOf').entries(this.netuid)
        const out: CommitmentEntry[] = []
        for (const [key, value] of entries) {
          const entry = decodeOptionalRegistration(key.args[1]!.toString(), value)
          if (entry !== undefined) out.push(entry)
        }
        return out.sort((a, b) => (a.hotkey < b.hotkey ? -1 : a.hotkey > b.hotkey ? 1 : 0))
      },
      opts,
    )
  }

  commitment(hotkey: string, opts?: ChainCallOptions): Promise<CommitmentEntry | undefined> {
    return this.#read(
      'commitment',
      async () =>
        decodeOptionalRegistration(hotkey, await this.#query('commitments', 'commitmentOf')(this.netuid, hotkey)),
      opts,
    )
  }

  setCommitment(signer: Hotkey, data: Uint8Array, opts?: ChainCallOptions): Promise<TxReceipt> {
    let info: ReturnType<typeof commitmentInfo>
    try {
      info = commitmentInfo(data, this.capabilities.bigRawCommitments)
    } catch (err) {
      return Promise.reject(err)
    }
    const ctx = { call: 'setCommitment', rateLimitCode: 'CHAIN_COMMITMENT_RATE_LIMITED' } as const
    return this.#submit(signer, () => this.#tx('commitments', 'setCommitment')(this.netuid, info), ctx, opts)
  }

  #weightsState(hotkey: string, opts?: ChainCallOptions): Promise<SetWeightsState> {
    return this.#read('weightsState', () => readWeightsState(this.api, this.profile, this.netuid, hotkey), opts)
  }

  async #precheck(signer: Hotkey, input: WeightsInput, mode: WeightsMode, opts?: ChainCallOptions): Promise<void> {
    precheckWeights(input, mode, await this.#weightsState(signer.ss58, opts))
  }

  async setWeights(signer: Hotkey, input: WeightsInput, opts?: ChainCallOptions): Promise<TxReceipt> {
    await this.#precheck(signer, input, 'set', opts)
    const ctx = { call: 'setWeights', rateLimitCode: 'CHAIN_WEIGHTS_RATE_LIMITED' } as const
    const { uids, weights, versionKey = 0n } = input
    return this.#submit(
      signer,
      () => this.#tx('subtensorModule', 'setWeights')(this.netuid, uids, weights, versionKey),
      ctx,
      opts,
    )
  }

  commitHash(hotkey: Hotkey, input: WeightsCommitInput): string {
    return weightsCommitHash(this.api, hotkey.publicKey, this.netuid, input)
  }

  async commitWeights(signer: Hotkey, input: WeightsCommitInput, opts?: ChainCallOptions): Promise<TxReceipt> {
    this.#require(this.capabilities.hashCommitReveal, 'commitWeights')
    await this.#precheck(signer, input, 'commit', opts)
    const hash = this.commitHash(signer, input)
    const ctx = { call: 'commitWeights', rateLimitCode: 'CHAIN_WEIGHTS_RATE_LIMITED' } as const
    return this.#submit(signer, () => this.#tx('subtensorModule', 'commitWeights')(this.netuid, hash), ctx, opts)
  }

  async revealWeights(signer: Hotkey, input: WeightsCommitInput, opts?: ChainCallOptions): Promise<TxReceipt> {
    this.#require(this.capabilities.hashCommitReveal, 'revealWeights')
    await this.#precheck(signer, input, 'reveal', opts)
    const { uids, weights, salt, versionKey = 0n } = input
    const ctx = { call: 'revealWeights', rateLimitCode: 'CHAIN_WEIGHTS_RATE_LIMITED' } as const
    return this.#submit(
      signer,
      () => this.#tx('subtensorModule', 'revealWeights')(this.netuid, uids, weights, salt, versionKey),
      ctx,
      opts,
    )
  }

  async commitTimelockedWeights(
    signer: Hotkey,
    input: TimelockedCommitInput,
    opts?: ChainCallOptions,
  ): Promise<TxReceipt> {
    this.#require(this.capabilities.timelockedWeights, 'commitTimelockedWeights')
    const versionItem = (this.api.query.subtensorModule as unknown as Record<string, QueryFn | undefined>)
      .commitRevealWeightsVersion
    if (versionItem !== undefined) {
      const expected = Number(toBig(await this.#read('commitRevealWeightsVersion', () => versionItem(), opts)))
      if (expected !== input.commitRevealVersion) {
        throw new ChainError(
          { code: 'CHAIN_UNSUPPORTED', call: 'commitTimelockedWeights', expected, got: input.commitRevealVersion },
          `the chain expects commit-reveal version ${expected}, not ${input.commitRevealVersion}`,
        )
      }
    }
    const probe = { uids: [], weights: [] }
    await this.#precheck(signer, probe, 'commit', opts)
    const ctx = { call: 'commitTimelockedWeights', rateLimitCode: 'CHAIN_WEIGHTS_RATE_LIMITED' } as const
    const { commit, revealRound, commitRevealVersion } = input
    return this.#submit(
      signer,
      () =>
        this.#tx('subtensorModule', 'commitTimelockedWeights')(
          this.netuid,
          u8aToHex(commit),
          revealRound,
          commitRevealVersion,
        ),
      ctx,
      opts,
    )
  }

  weights(opts?: ChainCallOptions): Promise<Map<number, Array<[uid: number, weight: number]>>> {
    return this.#read(
      'weights',
      async () => {
        // Mechanism 0's storage index is the plain netuid (NetUidStorageIndex = mecid × 4096 + netuid).
        const entries = await this.#query('subtensorModule', 'weights').entries(this.netuid)
        const rows = new Map<number, Array<[number, number]>>()
        for (const [key, value] of entries) {
          const row = [...(value as Vec<Vec<Codec>>)].map((pair): [number, number] => [
            Number(toBig(pair[0]!)),
            Number(toBig(pair[1]!)),
          ])
          rows.set(Number(toBig(key.args[1]!)), row)
        }
        return new Map([...rows.entries()].sort((a, b) => a[0] - b[0]))
      },
      opts,
    )
  }

  async canSetWeights(hotkey: string, opts?: ChainCallOptions): Promise<WeightEligibility> {
    const s = await this.#weightsState(hotkey, opts)
    const registered = s.uid !== undefined
    return {
      registered,
      ...(registered ? { uid: s.uid } : {}),
      // Subnet owners skip the stake and permit gates (weights.rs).
      validatorPermit: s.validatorPermit || (registered && s.isOwner),
      stake: s.stake,
      stakeSufficient: registered && (s.isOwner || s.stake >= s.stakeThreshold),
      blocksUntilAllowed: registered ? blocksUntilWeightsAllowed(s.lastUpdate, s.block, s.weightsRateLimit) : 0,
      commitRevealEnabled: s.commitRevealEnabled,
    }
  }

  subnetOwner(opts?: ChainCallOptions): Promise<string | undefined> {
    return this.#read('subnetOwner', () => ownerHotkey(this.api, this.netuid), opts)
  }

  #require(present: boolean, call: string): void {
    if (!present) {
      throw new ChainError({ code: 'CHAIN_UNSUPPORTED', call }, `this runtime has no ${call}`)
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    await this.api.disconnect().catch(() => undefined)
  }
}

/** The Subtensor adapter with its runtime profile and the underlying `ApiPromise` (tests and admin tools). */
export type SubtensorChain = Chain & {
  readonly profile: RuntimeProfile
  readonly api: ApiPromise
  /** The CR v2 commit hash `commitWeights` sends for `input` (0x hex). */
  commitHash(hotkey: Hotkey, input: WeightsCommitInput): string
}

/**
 * Connect to a Subtensor node and check its runtime has what the adapter needs.
 *
 * @example
 * ```ts
 * const chain = await createSubtensorChain({ url: 'ws://127.0.0.1:9944', netuid: 1 })
 * for await (const block of chain.blocks({ signal })) console.log(block.number)
 * ```
 */
export async function createSubtensorChain(init: SubtensorChainInit): Promise<SubtensorChain> {
  const log = (init.logger ?? silentLogger).child('protocol:chain:subtensor')
  const api = await connectApi(init, log)
  try {
    await checkTransactionExtensions(api)
    const profile = profileRuntime(api)
    log.info('connected to subtensor', { url: init.url, specVersion: profile.specVersion, ...profile.capabilities })
    return new SubtensorChainImpl(api, init, profile, log)
  } catch (err) {
    await api.disconnect().catch(() => undefined)
    throw err
  }
}
