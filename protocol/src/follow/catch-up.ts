import { createHash } from 'node:crypto'
import { peerIdFromString } from '@libp2p/peer-id'
import { decodeEnvelope, type OpenedMessage } from '../envelope/envelope.js'
import type { Logger } from '../logger.js'
import type { MeshHost } from '../mesh/host.js'
import { createSyncClient, type SyncVerdict } from '../mesh/sync/client.js'
import { validateGossipAsync, verdictOf } from '../mesh/validate.js'
import { type TopicName, topicOfType } from '../messages/topics.js'
import { messageTypeFromCode } from '../messages/types.js'
import type { Ingest } from './ingest.js'
import type { ChainView } from './view.js'

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex')
/**
 * Topics in dependency order: records bind signers, manifests define jobs, owner actions add re-run jobs,
 * jobs precede their results.
 */
const SYNC_TOPICS: readonly TopicName[] = ['peers', 'competitions', 'owner', 'jobs', 'status', 'results', 'weights']
/** Blocks re-fetched before the last synced block: messages made then may have arrived late. */
export const SYNC_OVERLAP_BLOCKS = 50
/** Blocks between periodic catch-ups (also run on every new validator connection). */
export const CATCH_UP_EVERY_BLOCKS = 30

/** Inputs of {@link createCatchUpLoop}. */
export interface CatchUpLoopInit {
  netuid: number
  host: () => MeshHost
  view: ChainView
  ingest: Pick<Ingest, 'semantics' | 'accept'>
  /** The last block a complete catch-up reached (persisted by the caller). */
  checkpoint: { get(): Promise<number | undefined>; put(block: number): Promise<void> }
  /** With no validator connected, count as synced (a lone devnet node). @default false */
  aloneAllowed?: boolean
  /** Message ids already stored: skipped without validation (see `CatchUpInit.known`). */
  known?: (id: Uint8Array) => boolean
  logger: Logger
  signal: AbortSignal
}

/** What the last round did. */
export interface CatchUpReport {
  at: number
  accepted: number
  rejected: number
  complete: boolean
}

/** Catch-up from connected validators over the sync protocols, every item validated as gossip is. */
export interface CatchUpLoop {
  /** Run a round now; callers arriving while one runs share it. */
  schedule(): Promise<void>
  /** Run a round when none completed yet or {@link CATCH_UP_EVERY_BLOCKS} passed since the last one. */
  onBlock(head: number): void
  /** True once a round completed (or alone, when allowed). */
  synced(): boolean
  last(): CatchUpReport | null
}

/**
 * Gossip is best effort; this repairs what a peer missed: status → range per topic → by id, from the last
 * complete round minus an overlap, each item through `validateGossip` (stale allowed) and the caller's
 * semantics before it is stored. Shared by validator nodes and the indexer's observer.
 */
export function createCatchUpLoop(init: CatchUpLoopInit): CatchUpLoop {
  const { netuid, view, ingest, signal } = init
  const log = init.logger.child('node:catch-up')
  let synced = false
  let running: Promise<void> | undefined
  let lastBlock = -Infinity
  let last: CatchUpReport | null = null
  // A round takes each topic from the first peer that answers, so the order decides whose view we pull,
  // and one checkpoint serves every peer. That misses what a peer made while it was cut off from us (a
  // partition): each side's rounds complete with its own side and move the checkpoint past the cut. So:
  // a validator that disconnects opens a gap at that block; once it is back, it goes first, from its gap,
  // until a round it served completes. Otherwise the peer served longest ago goes first (rotation).
  const gapSince = new Map<string, number>()
  const servedAt = new Map<string, number>()
  let connected = new Set<string>()

  function watchConnections(head: number): void {
    let now: Set<string>
    let h: MeshHost
    try {
      h = init.host()
      const validators = new Set(h.allowlist.validators().map((v) => v.peerId))
      now = new Set(h.connectedPeers().filter((p) => validators.has(p)))
    } catch {
      return // not started yet
    }
    for (const p of connected) if (!now.has(p) && !gapSince.has(p)) gapSince.set(p, head)
    connected = now
    // Only bound validators are tracked (banned ones too: a ban is how tests partition), so the maps stay as
    // small as the metagraph.
    for (const m of [gapSince, servedAt])
      for (const p of m.keys()) if (h.allowlist.kindOf(p) !== 'validator') m.delete(p)
  }

  const order = (a: string, b: string): number =>
    (gapSince.get(a) ?? Number.POSITIVE_INFINITY) - (gapSince.get(b) ?? Number.POSITIVE_INFINITY) ||
    (servedAt.get(a) ?? -1) - (servedAt.get(b) ?? -1)

  async function round(): Promise<void> {
    const h = init.host()
    const validators = new Set(h.allowlist.validators().map((v) => v.peerId))
    const ids = h
      .connectedPeers()
      .filter((p) => validators.has(p))
      .sort(order)
    const peers = ids.map((p) => peerIdFromString(p))
    const to = view.head().number
    if (peers.length === 0) {
      // Nobody to ask yet: alone we are as synced as the mesh we can see; a connecting peer triggers a new round.
      synced = init.aloneAllowed === true
      return
    }
    const checkpoint = (await init.checkpoint.get()) ?? 0
    const since = Math.min(checkpoint, gapSince.get(ids[0] as string) ?? checkpoint)
    const from = Math.max(0, since - SYNC_OVERLAP_BLOCKS)
    const pending = new Map<string, { topic: TopicName; message: OpenedMessage }>()
    const summary = await createSyncClient(h.libp2p(), { netuid, logger: log }).catchUp({
      peers,
      topics: SYNC_TOPICS,
      fromBlock: from,
      toBlock: to,
      signal,
      ...(init.known === undefined ? {} : { known: init.known }),
      validate: async (bytes): Promise<SyncVerdict> => {
        try {
          const type = messageTypeFromCode(decodeEnvelope(bytes).type)
          if (type === undefined) return 'reject'
          const topic = topicOfType(type)
          // Catch-up validates in bulk: ed25519 signatures verify on the libuv threadpool, off this thread.
          const message = await validateGossipAsync(topic, bytes, {
            netuid,
            headBlock: view.head().number,
            isPermitted: (k) => view.isPermitted(k),
            isManifestSigner: (k) => view.isOwner(k),
            allowlist: h.allowlist,
            acceptStale: true,
          })
          if (message.type === 'peer-record') h.allowlist.addPeerRecord(message)
          await ingest.semantics(message, topic)
          pending.set(hex(message.id), { topic, message })
          return 'accept'
        } catch (err) {
          const v = verdictOf(err)
          log.debug('sync item refused', { result: v.result, code: v.code, bytes: bytes.length })
          return v.result
        }
      },
      store: async (bytes) => {
        const id = createHash('sha256').update(bytes).digest('hex')
        const p = pending.get(id)
        if (p === undefined) return
        pending.delete(id)
        ingest.accept({ topic: p.topic, message: p.message, bytes })
      },
    })
    last = { at: Date.now(), accepted: summary.accepted, rejected: summary.rejected, complete: summary.complete }
    if (summary.complete) {
      await init.checkpoint.put(to)
      const first = ids[0] as string
      // It served every topic when it failed none (the next peer takes a topic only after a failure).
      if ((summary.byPeer[first]?.failures ?? 0) === 0) {
        servedAt.set(first, to)
        gapSince.delete(first)
      }
    }
    synced = summary.complete
    log.info('catch-up done', {
      from,
      to,
      first: ids[0],
      accepted: summary.accepted,
      rejected: summary.rejected,
      complete: summary.complete,
    })
  }

  function schedule(): Promise<void> {
    if (running !== undefined || signal.aborted) return running ?? Promise.resolve()
    lastBlock = view.head().number
    running = round()
      .catch((err) => {
        if (!signal.aborted) log.warn('catch-up failed', {}, err)
      })
      .finally(() => {
        running = undefined
      })
    return running
  }

  return {
    schedule,
    onBlock(head) {
      watchConnections(head)
      // A peer back from a gap is caught up with at once, not at the next periodic round.
      const back = [...gapSince.keys()].some((p) => connected.has(p))
      if (!synced || back || head - lastBlock >= CATCH_UP_EVERY_BLOCKS) void schedule()
    },
    synced: () => synced,
    last: () => last,
  }
}
