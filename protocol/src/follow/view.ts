import type { BlockRef, Chain, Metagraph } from '../chain/chain.js'
import { decodeSs58, ss58FromPublicKey } from '../identity/hotkey.js'
import type { Logger } from '../logger.js'

/** Inputs of {@link createChainView}. */
export interface ChainViewInit {
  chain: Chain
  /** Stake (rao) that makes a neuron without a validator permit eligible to validate. @default none */
  minStake?: bigint
  logger: Logger
}

/**
 * What the node knows of the chain right now, readable synchronously by the gossip validators (they run
 * on every message and must not wait for RPCs): head, metagraph and the subnet owner. `refresh` is called
 * on every new block by the node's block loop.
 */
export interface ChainView {
  head(): BlockRef
  metagraph(): Metagraph | undefined
  /** Validator permit, or stake ≥ minStake. */
  isPermitted(hotkey: Uint8Array | string): boolean
  /** The subnet owner's hotkey signs competition manifests. */
  isOwner(hotkey: Uint8Array): boolean
  stakeOf(hotkey: string): bigint
  uidOf(hotkey: string): number | undefined
  /** Move the head forward without the RPCs of `refresh` (freshness checks read it per message). */
  advance(head: BlockRef): void
  /** Re-read metagraph and owner at `head`; keeps the old view on failure (logged). */
  refresh(head: BlockRef, opts?: { signal?: AbortSignal }): Promise<void>
}

const hexOf = (b: Uint8Array): string => Buffer.from(b).toString('hex')

export function createChainView(init: ChainViewInit): ChainView {
  const log = init.logger.child('node:view')
  let head: BlockRef = { number: 0, hash: `0x${'00'.repeat(32)}` }
  let graph: Metagraph | undefined
  let owner: string | undefined
  // Public key hex → permitted: the validators call this per message, so no SS58 work on the hot path.
  let permitted = new Set<string>()
  let stakes = new Map<string, bigint>()
  let uids = new Map<string, number>()

  function index(g: Metagraph): void {
    const p = new Set<string>()
    const s = new Map<string, bigint>()
    const u = new Map<string, number>()
    for (const n of g.neurons) {
      s.set(n.hotkey, n.stake)
      u.set(n.hotkey, n.uid)
      const eligible = n.validatorPermit || (init.minStake !== undefined && n.stake >= init.minStake)
      if (eligible) p.add(hexOf(decodeSs58(n.hotkey)))
    }
    permitted = p
    stakes = s
    uids = u
  }

  return {
    head: () => head,
    metagraph: () => graph,
    isPermitted(hotkey) {
      const key = typeof hotkey === 'string' ? decodeSs58(hotkey) : hotkey
      return permitted.has(hexOf(key))
    },
    isOwner: (hotkey) => owner !== undefined && ss58FromPublicKey(hotkey) === owner,
    stakeOf: (hotkey) => stakes.get(hotkey) ?? 0n,
    uidOf: (hotkey) => uids.get(hotkey),
    advance(next) {
      if (next.number >= head.number) head = next
    },
    async refresh(next, opts = {}) {
      if (next.number >= head.number) head = next
      try {
        const [g, o] = await Promise.all([
          init.chain.metagraph({ signal: opts.signal }),
          init.chain.subnetOwner({ signal: opts.signal }),
        ])
        graph = g
        owner = o
        index(g)
      } catch (err) {
        if (opts.signal?.aborted) return
        log.warn('metagraph refresh failed; keeping the previous view', { block: next.number }, err)
      }
    },
  }
}
