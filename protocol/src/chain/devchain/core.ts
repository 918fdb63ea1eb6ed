import { randomBytes } from 'node:crypto'
import { u8aToHex } from '@polkadot/util'
import { blake2AsU8a } from '@polkadot/util-crypto'
import type { z } from 'zod'
import { decodeSs58 } from '../../identity/hotkey.js'
import { verifySignature } from '../../identity/signer.js'
import type { Logger } from '../../logger.js'
import type { BlockRef, TxReceipt } from '../chain.js'
import { ChainError } from '../errors.js'
import { fromHex, parse, toHex } from './codec.js'
import { type AdminBody, type RpcBody, signedCallSchema } from './schemas.js'
import { devCallSigningMessage } from './signing.js'
import { DevChainState, genesisSnapshot } from './state.js'
import type { DevChainStore } from './store.js'
import { applyCall } from './transactions.js'

/** Throw CHAIN_BAD_REQUEST naming the first bad field, or return the parsed value. */
export function validate<S extends z.ZodType>(schema: S, value: unknown): z.infer<S> {
  const r = schema.safeParse(value)
  if (r.success) return r.data
  const issue = r.error.issues[0]
  const where = issue?.path.join('.') || '(body)'
  throw new ChainError(
    { code: 'CHAIN_BAD_REQUEST', field: where },
    `bad request: ${where}: ${issue?.message ?? 'invalid'}`,
  )
}

/**
 * The dev chain itself, transport-free: state machine + SQLite + block listeners. The server wraps it in
 * HTTP; tests may drive it directly. Every state change is saved before its result is returned.
 */
export class DevChainCore {
  readonly state: DevChainState
  private readonly store: DevChainStore
  private readonly log: Logger
  private readonly listeners = new Set<(block: BlockRef) => void>()

  constructor(store: DevChainStore, netuids: readonly number[], log: Logger) {
    this.store = store
    this.log = log
    const loaded = store.load()
    if (loaded === undefined) {
      const snapshot = genesisSnapshot(netuids, toHex(randomBytes(32)))
      store.save(snapshot, [snapshot.head])
      this.state = new DevChainState(snapshot)
      log.info('dev chain genesis', { genesisHash: snapshot.genesisHash, netuids })
    } else {
      this.state = new DevChainState(loaded)
      log.info('dev chain resumed', { head: loaded.head.number, genesisHash: loaded.genesisHash })
    }
  }

  get genesisHash(): string {
    return this.state.snapshot.genesisHash
  }

  /** Call `listener` for every new block; returns the unsubscribe function. */
  onBlock(listener: (block: BlockRef) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  blocksAfter(after: number, limit: number): BlockRef[] {
    return this.store.blocksAfter(after, limit)
  }

  /** Produce `n` blocks, persist them in one transaction, then notify listeners in order. */
  advance(n: number): BlockRef[] {
    const produced: BlockRef[] = []
    for (let i = 0; i < n; i++) produced.push(this.state.produceBlock())
    this.store.save(this.state.snapshot, produced)
    for (const block of produced) {
      for (const listener of this.listeners) listener(block)
    }
    if (produced.length > 0) this.log.debug('blocks produced', { head: produced.at(-1)?.number, count: n })
    return produced
  }

  /**
   * Verify and apply a signed call. Refusals before dispatch (bad body, bad signature, wrong nonce) change
   * nothing; a dispatch refusal consumes the nonce, as on a chain, and rolls the rest back.
   */
  submit(callJson: string, signatureHex: string): TxReceipt {
    let raw: unknown
    try {
      raw = parse(callJson)
    } catch {
      throw new ChainError({ code: 'CHAIN_BAD_REQUEST', field: 'call' }, 'bad request: call is not JSON')
    }
    const signed = validate(signedCallSchema, raw)
    let publicKey: Uint8Array
    try {
      publicKey = decodeSs58(signed.signer)
    } catch {
      throw new ChainError(
        { code: 'CHAIN_BAD_REQUEST', field: 'signer' },
        `bad request: signer ${signed.signer} is not SS58`,
      )
    }
    const signature = fromHex(signatureHex)
    if (!verifySignature('sr25519', publicKey, devCallSigningMessage(this.genesisHash, callJson), signature))
      throw new ChainError({ code: 'CHAIN_TX_INVALID', reason: 'signature' }, `bad signature from ${signed.signer}`)
    const before = structuredClone(this.state.snapshot)
    this.state.useNonce(signed.signer, signed.nonce)
    try {
      applyCall(this.state, signed.netuid, signed.signer, signed.call)
    } catch (err) {
      const nonces = this.state.snapshot.nonces
      Object.assign(this.state.snapshot, before, { nonces })
      this.store.save(this.state.snapshot)
      this.log.debug('dev chain call refused', {
        method: signed.call.method,
        code: err instanceof ChainError ? err.code : 'unknown',
      })
      throw err
    }
    this.store.save(this.state.snapshot)
    const head = this.state.head
    return { blockNumber: head.number, blockHash: head.hash, txHash: u8aToHex(blake2AsU8a(signature, 256)) }
  }

  /** Answer a read; the result is plain data (bigints included) for codec.ts. */
  read(body: RpcBody): unknown {
    const s = this.state
    switch (body.method) {
      case 'head':
        return { ...s.head, genesisHash: this.genesisHash }
      case 'nonce':
        return s.nonce(body.account)
      case 'metagraph':
        return s.metagraph(body.netuid)
      case 'hyperparameters':
        return s.hyperparameters(body.netuid)
      case 'commitments':
        return s.commitments(body.netuid).map((c) => ({ ...c, data: toHex(c.data) }))
      case 'commitment': {
        const c = s.commitments(body.netuid).find((x) => x.hotkey === body.hotkey)
        return c === undefined ? null : { ...c, data: toHex(c.data) }
      }
      case 'weights':
        return [...s.weights(body.netuid)]
      case 'canSetWeights':
        return s.canSetWeights(body.netuid, body.hotkey)
      case 'subnetOwner':
        // JSON has no undefined: null on the wire, mapped back by the client.
        return s.subnetOwner(body.netuid) ?? null
    }
  }

  /** Apply an admin operation and persist it. */
  admin(body: AdminBody): unknown {
    const s = this.state
    let result: unknown
    switch (body.op) {
      case 'advance':
        return this.advance(body.blocks).at(-1)
      case 'fund':
        result = s.fund(body.account, body.rao)
        break
      case 'createSubnet':
        s.createSubnet(body.netuid, body.owner)
        break
      case 'register':
        result = s.register(body.netuid, body.hotkey, body.coldkey)
        break
      case 'addStake':
        result = s.addStake(body.netuid, body.hotkey, body.rao)
        break
      case 'setHyperparameters':
        result = s.setHyperparameters(body.netuid, body.patch)
        break
    }
    this.store.save(s.snapshot)
    this.log.info('dev chain admin', { op: body.op })
    return result ?? null
  }
}
