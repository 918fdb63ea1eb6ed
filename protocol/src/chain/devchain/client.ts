import type { Hotkey } from '../../identity/hotkey.js'
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
import { commitHash, maxCommitmentBytes } from '../rules/index.js'
import { fromHex, parse, stringify, toHex } from './codec.js'
import { RECONNECT_BASE_MS, RECONNECT_MAX_MS } from './constants.js'
import { postJson } from './http.js'
import { devCallSigningMessage } from './signing.js'
import type { DevCall } from './transactions.js'

/** Options of {@link devChainClient}. */
export interface DevChainClientInit {
  /** Base URL of the dev chain server, e.g. `http://127.0.0.1:9945`. */
  url: string
  /** The subnet this client acts on. @default 1 */
  netuid?: number
}

type WireCommitment = Omit<CommitmentEntry, 'data'> & { data: string }

const DEV_CAPABILITIES: ChainCapabilities = { timelockedWeights: true, hashCommitReveal: true, bigRawCommitments: true }

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(done, ms)
    function done() {
      clearTimeout(t)
      signal?.removeEventListener('abort', done)
      resolve()
    }
    signal?.addEventListener('abort', done, { once: true })
  })
}

async function* lines(body: ReadableStream<Uint8Array>): AsyncGenerator<string> {
  const decoder = new TextDecoder()
  let buffered = ''
  for await (const chunk of body) {
    buffered += decoder.decode(chunk, { stream: true })
    let nl = buffered.indexOf('\n')
    while (nl >= 0) {
      const line = buffered.slice(0, nl)
      buffered = buffered.slice(nl + 1)
      if (line !== '') yield line
      nl = buffered.indexOf('\n')
    }
  }
}

class DevChainClientImpl implements Chain {
  readonly netuid: number
  readonly capabilities = DEV_CAPABILITIES
  private readonly url: string
  private genesis: string | undefined
  // Calls from one signer go one at a time: each needs the nonce the previous one left.
  private readonly queues = new Map<string, Promise<unknown>>()
  private readonly closed = new AbortController()

  constructor(init: DevChainClientInit) {
    this.url = init.url.replace(/\/+$/, '')
    this.netuid = init.netuid ?? 1
  }

  private rpc<T>(body: Record<string, unknown>, opts?: ChainCallOptions): Promise<T> {
    return postJson<T>(this.url, '/rpc', body, opts?.signal)
  }

  async head(opts?: ChainCallOptions): Promise<BlockRef> {
    const h = await this.rpc<BlockRef & { genesisHash: string }>({ method: 'head' }, opts)
    this.genesis = h.genesisHash
    return { number: h.number, hash: h.hash }
  }

  async *blocks(opts: ChainCallOptions & { from?: number } = {}): AsyncIterable<BlockRef> {
    const signal = opts.signal === undefined ? this.closed.signal : AbortSignal.any([opts.signal, this.closed.signal])
    let last = opts.from ?? (await this.head({ signal })).number
    let failures = 0
    while (!signal.aborted) {
      try {
        const res = await fetch(`${this.url}/blocks?from=${last}`, { signal })
        if (!res.ok || res.body === null) throw new Error(`block feed answered ${res.status}`)
        failures = 0
        for await (const line of lines(res.body)) {
          const block = parse<BlockRef>(line)
          // The feed replays from `last`; anything at or below it was already yielded.
          if (block.number <= last) continue
          last = block.number
          yield { number: block.number, hash: block.hash }
        }
      } catch (err) {
        if (signal.aborted) return
        if (err instanceof ChainError) throw err
      }
      // The server closed the stream or is down: resume from the last block we yielded.
      await sleep(Math.min(RECONNECT_MAX_MS, RECONNECT_BASE_MS * 2 ** failures++), signal)
    }
  }

  metagraph(opts?: ChainCallOptions): Promise<Metagraph> {
    return this.rpc({ method: 'metagraph', netuid: this.netuid }, opts)
  }

  hyperparameters(opts?: ChainCallOptions): Promise<Hyperparameters> {
    return this.rpc({ method: 'hyperparameters', netuid: this.netuid }, opts)
  }

  async commitments(opts?: ChainCallOptions): Promise<CommitmentEntry[]> {
    const list = await this.rpc<WireCommitment[]>({ method: 'commitments', netuid: this.netuid }, opts)
    return list.map((c) => ({ ...c, data: fromHex(c.data) }))
  }

  async commitment(hotkey: string, opts?: ChainCallOptions): Promise<CommitmentEntry | undefined> {
    const c = await this.rpc<WireCommitment | null>({ method: 'commitment', netuid: this.netuid, hotkey }, opts)
    return c === null ? undefined : { ...c, data: fromHex(c.data) }
  }

  async weights(opts?: ChainCallOptions): Promise<Map<number, Array<[number, number]>>> {
    return new Map(
      await this.rpc<Array<[number, Array<[number, number]>]>>({ method: 'weights', netuid: this.netuid }, opts),
    )
  }

  canSetWeights(hotkey: string, opts?: ChainCallOptions): Promise<WeightEligibility> {
    return this.rpc({ method: 'canSetWeights', netuid: this.netuid, hotkey }, opts)
  }

  async subnetOwner(opts?: ChainCallOptions): Promise<string | undefined> {
    return (await this.rpc<string | null>({ method: 'subnetOwner', netuid: this.netuid }, opts)) ?? undefined
  }

  setCommitment(signer: Hotkey, data: Uint8Array, opts?: ChainCallOptions): Promise<TxReceipt> {
    const max = maxCommitmentBytes(this.capabilities.bigRawCommitments)
    if (data.length > max)
      return Promise.reject(
        new ChainError(
          { code: 'CHAIN_COMMITMENT_TOO_LARGE', length: data.length, max },
          `commitment of ${data.length} bytes is over the ${max}-byte limit`,
        ),
      )
    return this.send(signer, { method: 'setCommitment', data: toHex(data) }, opts)
  }

  setWeights(signer: Hotkey, input: WeightsInput, opts?: ChainCallOptions): Promise<TxReceipt> {
    const call = {
      method: 'setWeights',
      uids: input.uids,
      weights: input.weights,
      versionKey: input.versionKey ?? 0n,
    } as const
    return this.send(signer, call, opts)
  }

  commitWeights(signer: Hotkey, input: WeightsCommitInput, opts?: ChainCallOptions): Promise<TxReceipt> {
    const hash = commitHash({
      hotkey: signer.publicKey,
      netuidIndex: this.netuid,
      uids: input.uids,
      values: input.weights,
      salt: input.salt,
      versionKey: input.versionKey ?? 0n,
    })
    return this.send(signer, { method: 'commitWeights', hash: toHex(hash) }, opts)
  }

  revealWeights(signer: Hotkey, input: WeightsCommitInput, opts?: ChainCallOptions): Promise<TxReceipt> {
    const call = {
      method: 'revealWeights',
      uids: input.uids,
      weights: input.weights,
      salt: input.salt,
      versionKey: input.versionKey ?? 0n,
    } as const
    return this.send(signer, call, opts)
  }

  commitTimelockedWeights(signer: Hotkey, input: TimelockedCommitInput, opts?: ChainCallOptions): Promise<TxReceipt> {
    const call = {
      method: 'commitTimelockedWeights',
      commit: toHex(input.commit),
      revealRound: input.revealRound,
      commitRevealVersion: input.commitRevealVersion,
    } as const
    return this.send(signer, call, opts)
  }

  private send(signer: Hotkey, call: DevCall, opts?: ChainCallOptions): Promise<TxReceipt> {
    const prior = this.queues.get(signer.ss58) ?? Promise.resolve()
    const next = prior.catch(() => undefined).then(() => this.sendNow(signer, call, opts))
    this.queues.set(signer.ss58, next)
    return next
  }

  private async sendNow(signer: Hotkey, call: DevCall, opts?: ChainCallOptions): Promise<TxReceipt> {
    if (this.genesis === undefined) await this.head(opts)
    const nonce = await this.rpc<number>({ method: 'nonce', account: signer.ss58 }, opts)
    const callJson = stringify({ netuid: this.netuid, signer: signer.ss58, nonce, call })
    const signature = signer.signer.sign(devCallSigningMessage(this.genesis!, callJson))
    return postJson<TxReceipt>(this.url, '/tx', { call: callJson, signature: toHex(signature) }, opts?.signal)
  }

  async close(): Promise<void> {
    this.closed.abort()
  }
}

/** A `Chain` over a dev chain server (HTTP for calls, an NDJSON stream for blocks). */
export function devChainClient(init: DevChainClientInit): Chain {
  return new DevChainClientImpl(init)
}
