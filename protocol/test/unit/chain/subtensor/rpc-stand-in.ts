import { existsSync, readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { expandMetadata, Metadata, TypeRegistry } from '@polkadot/types'
import { compactToU8a, u8aConcat, u8aToHex } from '@polkadot/util'
import { TinyWsServer, type WsConnection } from './ws-server.js'

/** The finney (mainnet, spec 424) metadata blob; shared with the team, never copied into the repo. */
export const FINNEY_METADATA_PATH = resolve(
  import.meta.dirname,
  '../../../../../../shared/fixtures/chain/finney-metadata.scale',
)

/** True when the shared fixture is present (CI); a user's fresh clone lacks it and the tests skip. */
export const HAS_FINNEY_METADATA = existsSync(FINNEY_METADATA_PATH)

interface RpcRequest {
  id: number
  method: string
  params: unknown[]
}

type RpcError = { code: number; message: string; data?: string }

/** What the stand-in does with a submitted extrinsic: include it, or refuse it as a pool would. */
export type SubmitPolicy = (extrinsicHex: string) => 'include' | RpcError

const ZERO32 = `0x${'00'.repeat(32)}`

/**
 * A JSON-RPC node stand-in on 127.0.0.1 that serves the mainnet metadata, so `ApiPromise` decorates the
 * current runtime offline. Blocks are produced by {@link produceBlock}; storage and runtime-API replies are
 * canned by the test; submitted extrinsics are recorded and included in the next block.
 */
export class RpcStandIn {
  readonly registry = new TypeRegistry()
  readonly metadataHex: string
  readonly runtimeVersion: Record<string, unknown>
  readonly storage = new Map<string, string>()
  readonly calls = new Map<string, string>()
  readonly nonces = new Map<string, number>()
  readonly submitted: string[] = []
  submitPolicy: SubmitPolicy = () => 'include'
  /** Produce a block right after each accepted submission, like chopsticks' instant mode. */
  autoInclude = false
  readonly #headers: Array<{ json: Record<string, unknown>; hash: string; extrinsics: string[] }> = []
  #poolTx: string[] = []
  readonly #subs = new Map<string, { conn: WsConnection; kind: string }>()
  readonly #pendingTx: string[] = []
  #nextSub = 1
  readonly server: TinyWsServer

  constructor() {
    const bytes = readFileSync(FINNEY_METADATA_PATH)
    const metadata = new Metadata(this.registry, bytes)
    this.registry.setMetadata(metadata, undefined, undefined, true)
    this.metadataHex = u8aToHex(bytes)
    this.runtimeVersion = expandMetadata(this.registry, metadata).consts.system!.version!.toJSON() as Record<
      string,
      unknown
    >
    this.#pushHeader()
    this.server = new TinyWsServer((conn, text) => this.#handle(conn, text))
  }

  get url(): string {
    return `ws://127.0.0.1:${this.server.port}`
  }

  get head(): number {
    return this.#headers.length - 1
  }

  hashOf(n: number): string {
    return this.#headers[n]!.hash
  }

  /** Append a block (including pending extrinsics) and notify head subscribers. */
  produceBlock(): { number: number; hash: string } {
    const header = this.#pushHeader(this.#poolTx.splice(0))
    for (const [id, sub] of this.#subs) {
      if (sub.kind === 'head') this.#notify(sub.conn, 'chain_newHead', id, header.json)
      if (sub.kind === 'all') this.#notify(sub.conn, 'chain_allHead', id, header.json)
      if (sub.kind === 'finalized') this.#notify(sub.conn, 'chain_finalizedHead', id, header.json)
    }
    for (const id of this.#pendingTx.splice(0)) {
      const sub = this.#subs.get(id)
      if (sub !== undefined) this.#notify(sub.conn, 'author_extrinsicUpdate', id, { inBlock: header.hash })
    }
    return { number: this.head, hash: header.hash }
  }

  /** Produce a block without any client hearing of it (as while a client is disconnected). */
  produceSilentBlock(): void {
    this.#pushHeader()
  }

  #pushHeader(extrinsics: string[] = []): { json: Record<string, unknown>; hash: string; extrinsics: string[] } {
    const n = this.#headers.length
    const json = {
      parentHash: n === 0 ? ZERO32 : this.#headers[n - 1]!.hash,
      number: `0x${n.toString(16)}`,
      stateRoot: ZERO32,
      extrinsicsRoot: ZERO32,
      digest: { logs: [] },
    }
    const hash = this.registry.createType('Header', json).hash.toHex()
    const header = { json, hash, extrinsics }
    this.#headers.push(header)
    return header
  }

  #notify(conn: WsConnection, method: string, subscription: string, result: unknown): void {
    conn.send(JSON.stringify({ jsonrpc: '2.0', method, params: { subscription, result } }))
  }

  #subscribe(conn: WsConnection, kind: string): string {
    const id = `sub${this.#nextSub++}`
    this.#subs.set(id, { conn, kind })
    return id
  }

  #headerAt(at: unknown): Record<string, unknown> {
    if (typeof at !== 'string') return this.#headers[this.head]!.json
    return (this.#headers.find((h) => h.hash === at) ?? this.#headers[this.head]!).json
  }

  #handle(conn: WsConnection, text: string): void {
    const req = JSON.parse(text) as RpcRequest
    const out = this.#answer(conn, req)
    if ('error' in out) {
      conn.send(JSON.stringify({ jsonrpc: '2.0', id: req.id, error: out.error }))
      return
    }
    conn.send(JSON.stringify({ jsonrpc: '2.0', id: req.id, result: out.result }))
    const sub = String(out.result)
    // Like a node, a head subscription starts with the current head.
    if (/^chain_subscribe\w*Heads?$/.test(req.method)) {
      const kind =
        req.method === 'chain_subscribeAllHeads'
          ? 'chain_allHead'
          : req.method === 'chain_subscribeFinalizedHeads'
            ? 'chain_finalizedHead'
            : 'chain_newHead'
      this.#notify(conn, kind, sub, this.#headers[this.head]!.json)
    }
    if (req.method === 'state_subscribeRuntimeVersion')
      this.#notify(conn, 'state_runtimeVersion', sub, this.runtimeVersion)
    if (req.method === 'state_subscribeStorage') {
      const keys = (req.params[0] as string[] | undefined) ?? []
      const changes = keys.map((k) => [k, this.storage.get(k) ?? null])
      this.#notify(conn, 'state_storage', sub, { block: this.hashOf(this.head), changes })
    }
    if (req.method === 'author_submitAndWatchExtrinsic') {
      this.#notify(conn, 'author_extrinsicUpdate', sub, 'ready')
      if (this.autoInclude) setImmediate(() => this.produceBlock())
    }
  }

  #answer(conn: WsConnection, req: RpcRequest): { result: unknown } | { error: RpcError } {
    const p = req.params
    switch (req.method) {
      case 'rpc_methods':
        return { result: { methods: [...RPC_METHODS] } }
      case 'chain_getBlockHash': {
        const n = p[0] === undefined || p[0] === null ? this.head : Number(p[0])
        return { result: n <= this.head ? this.hashOf(n) : null }
      }
      case 'chain_getFinalizedHead':
        return { result: this.hashOf(this.head) }
      case 'chain_getBlock': {
        const block = this.#headers.find((h) => h.hash === p[0]) ?? this.#headers[this.head]!
        return { result: { block: { header: block.json, extrinsics: block.extrinsics }, justifications: null } }
      }
      case 'chain_getHeader':
        return { result: this.#headerAt(p[0]) }
      case 'state_getRuntimeVersion':
        return { result: this.runtimeVersion }
      case 'state_getMetadata':
        return { result: this.metadataHex }
      case 'system_chain':
        return { result: 'Bittensor' }
      case 'system_name':
        return { result: 'kinitro-rpc-stand-in' }
      case 'system_version':
        return { result: '0.0.0' }
      case 'system_properties':
        return { result: { ss58Format: 42, tokenDecimals: 9, tokenSymbol: 'TAO' } }
      case 'system_accountNextIndex':
        return { result: this.nonces.get(String(p[0])) ?? 0 }
      case 'state_getStorage':
        return { result: this.storage.get(String(p[0])) ?? null }
      case 'state_queryStorageAt': {
        const keys = p[0] as string[]
        const changes = keys.map((k) => [k, this.storage.get(k) ?? null])
        return { result: [{ block: this.hashOf(this.head), changes }] }
      }
      case 'state_getKeysPaged': {
        const [prefix, count, startKey] = p as [string, number, string | null]
        const keys = [...this.storage.keys()]
          .filter((k) => k.startsWith(prefix) && (startKey === null || startKey === undefined || k > startKey))
          .sort()
          .slice(0, count)
        return { result: keys }
      }
      case 'state_call':
        return this.#stateCall(String(p[0]))
      case 'chain_subscribeNewHeads':
      case 'chain_subscribeNewHead':
        return { result: this.#subscribe(conn, 'head') }
      case 'chain_subscribeAllHeads':
        return { result: this.#subscribe(conn, 'all') }
      case 'chain_subscribeFinalizedHeads':
        return { result: this.#subscribe(conn, 'finalized') }
      case 'state_subscribeRuntimeVersion':
        return { result: this.#subscribe(conn, 'runtime') }
      case 'state_subscribeStorage':
        return { result: this.#subscribe(conn, 'storage') }
      case 'author_submitAndWatchExtrinsic': {
        const hex = String(p[0])
        const verdict = this.submitPolicy(hex)
        if (verdict !== 'include') return { error: verdict }
        this.submitted.push(hex)
        this.#poolTx.push(hex)
        const id = this.#subscribe(conn, 'tx')
        this.#pendingTx.push(id)
        return { result: id }
      }
      default:
        if (/^(chain|state|author)_unsubscribe/.test(req.method)) {
          this.#subs.delete(String(p[0]))
          return { result: true }
        }
        return { error: { code: -32601, message: `Method not found: ${req.method}` } }
    }
  }

  #stateCall(method: string): { result: unknown } | { error: RpcError } {
    if (method === 'Metadata_metadata_versions') {
      // Vec<u32> [14, 15, 16]: the blob is V16, which polkadot-js 16.x reads.
      return { result: u8aToHex(this.registry.createType('Vec<u32>', [14, 15, 16]).toU8a()) }
    }
    if (method === 'Metadata_metadata_at_version') {
      const blob = readFileSync(FINNEY_METADATA_PATH)
      return { result: u8aToHex(u8aConcat([1], compactToU8a(blob.length), blob)) }
    }
    const canned = this.calls.get(method)
    if (canned !== undefined) return { result: canned }
    return { error: { code: -32000, message: `no canned reply for ${method}` } }
  }
}

const RPC_METHODS = [
  'rpc_methods',
  'chain_getBlockHash',
  'chain_getFinalizedHead',
  'chain_getHeader',
  'chain_getBlock',
  'chain_subscribeNewHeads',
  'chain_subscribeNewHead',
  'chain_unsubscribeNewHeads',
  'chain_subscribeAllHeads',
  'chain_unsubscribeAllHeads',
  'chain_subscribeFinalizedHeads',
  'chain_unsubscribeFinalizedHeads',
  'state_getRuntimeVersion',
  'state_getMetadata',
  'state_getStorage',
  'state_queryStorageAt',
  'state_getKeysPaged',
  'state_call',
  'state_subscribeRuntimeVersion',
  'state_unsubscribeRuntimeVersion',
  'state_subscribeStorage',
  'state_unsubscribeStorage',
  'system_chain',
  'system_name',
  'system_version',
  'system_properties',
  'system_accountNextIndex',
  'author_submitAndWatchExtrinsic',
  'author_unwatchExtrinsic',
] as const
