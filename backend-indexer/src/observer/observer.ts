import { Registry } from 'prom-client'
import {
  type CatchUpLoop,
  type Chain,
  createCatchUpLoop,
  createChainView,
  createIngest,
  createJobBook,
  createJobPlanner,
  createManifestRegistry,
  createMeshHost,
  getMeshMetrics,
  type IngestLog,
  type IngestLogPage,
  type JobBook,
  type JobPlanner,
  type Logger,
  type ManifestRegistry,
  type MeshHost,
  type NodeKey,
  type OwnerActionRecord,
  type ReplicaResult,
  silentLogger,
  type TopicName,
  ValidationError,
} from '#protocol'
import type { IndexedMessage, IndexerStore } from '../store/types.js'
import { projectMessage } from './project.js'
import type { ObserverStatus, ObserverView } from './types.js'
import { createBatchWriter } from './writer.js'

const SYNCED_KEY = 'observer.syncedBlock'
// Owner actions before jobs: a replayed rerun plans its job before that job's results arrive.
const REPLAY_TOPICS: readonly TopicName[] = ['competitions', 'peers', 'owner', 'jobs', 'status', 'results']

/** Inputs of {@link createObserver}. */
export interface ObserverInit {
  chain: Chain
  /** The observer's libp2p identity; validators admit its peer id through `mesh.observers`. */
  nodeKey: NodeKey
  store: IndexerStore
  mesh?: {
    /** @default ['/ip4/127.0.0.1/tcp/0'] */
    listen?: readonly string[]
    bootstrap?: readonly string[]
    /** Validators' signed peer records: who to admit and dial at start. */
    peerRecords?: readonly Uint8Array[]
  }
  /** Validators per job, as the nodes run (assignment checks). @default 3 */
  replicas?: number
  /** @default 20 */
  silenceBlocks?: number
  minStake?: bigint
  /** Told about every message that was new to the store, in commit order. */
  onIndexed?: (rows: (IndexedMessage & { seq: number })[]) => void
  /** Told when the set of results or manifests changed (scores recompute). */
  onScoringInput?: () => void
  logger?: Logger
  register?: Registry
}

/** The running observer. */
export interface Observer extends ObserverView {
  start(): Promise<void>
  stop(): Promise<void>
  /** Run a catch-up round now. */
  catchUp(): Promise<void>
  /** Every accepted result (for scoring). */
  results(): Iterable<ReplicaResult>
  /** Every accepted subnet-owner action (approvals, rejections, reruns: scoring input). */
  ownerActions(): readonly OwnerActionRecord[]
  manifests(): ManifestRegistry
  book(): JobBook
  head(): number
  /** Wait until every accepted message is in the store. */
  flush(): Promise<void>
  multiaddrs(): string[]
}

/**
 * The indexer's peer on the mesh: the validators' own validation (`validateGossip` in the mesh host's
 * pipeline), then the validators' own semantics (`createIngest` from `#node`: derived jobs, assignment
 * and take-over rules), then batched writes to the indexer store. It runs the job planner without a
 * hotkey so it knows every job a validator would, and catches up over the sync protocols on every
 * validator connection and every 30 blocks. It publishes nothing: the mesh never depends on it.
 */
export function createObserver(init: ObserverInit): Observer {
  const { chain, store } = init
  const log = (init.logger ?? silentLogger).child('indexer:observer')
  const controller = new AbortController()
  const view = createChainView({ chain, minStake: init.minStake, logger: log })
  const manifests = createManifestRegistry()
  const book = createJobBook()
  const results = new Map<string, ReplicaResult>()
  let accepted = 0
  let host: MeshHost | undefined
  let planner: JobPlanner | undefined
  let blockLoop: Promise<void> | undefined
  let preload: Map<TopicName, IngestLogPage['entries']> | undefined
  const register = init.register ?? new Registry()
  const meshMetrics = getMeshMetrics(register)
  let refused: Record<string, number> = {}

  const writer = createBatchWriter({
    store,
    logger: log,
    onCommitted: (rows) => {
      accepted += rows.length
      init.onIndexed?.(rows)
    },
  })

  // The ingest appends synchronously; the store is async and batched. Live messages go to the writer;
  // the start-up replay reads the store's rows preloaded into memory.
  const ingestLog: IngestLog = {
    append(entry, message) {
      if (preload !== undefined) return false
      void writer
        .add(
          projectMessage({
            id: entry.id,
            topic: entry.topic as TopicName,
            block: entry.block,
            signer: entry.signer,
            hotkey: entry.hotkey ?? null,
            envelope: entry.envelope,
            ...(message === undefined ? {} : { opened: { type: message.type, body: message.body } }),
          }),
        )
        .catch(() => {
          // Logged by the writer; catch-up fetches the message again later.
        })
      return true
    },
    range(q) {
      const rows = preload?.get(q.topic as TopicName) ?? []
      return { entries: q.cursor === undefined ? rows : [] }
    },
  }

  const ingest = createIngest({
    chain,
    log: ingestLog,
    view,
    book,
    manifests,
    allowlist: () => (host as MeshHost).allowlist,
    replicas: init.replicas ?? 3,
    silenceBlocks: init.silenceBlocks ?? 20,
    logger: log,
    onResult: (r) => {
      const prev = results.get(r.messageId)
      results.set(r.messageId, r)
      if (prev === undefined) init.onScoringInput?.()
    },
    onStored: (m) => {
      // Manifests and owner actions (approvals, reruns) change the scoring input without adding a result.
      if (m.type === 'competition-manifest' || m.type === 'owner-action') init.onScoringInput?.()
    },
  })

  const catchUp: CatchUpLoop = createCatchUpLoop({
    netuid: chain.netuid,
    host: () => host as MeshHost,
    view,
    ingest,
    checkpoint: {
      get: async () => {
        const v = await store.getKv(SYNCED_KEY)
        return v === undefined ? undefined : Number(v)
      },
      // The checkpoint may only pass what is durably stored: flush the writer's pending batches first.
      put: async (block) => {
        await writer.flush()
        await store.putKv(SYNCED_KEY, String(block))
      },
    },
    logger: log,
    signal: controller.signal,
  })

  async function loadStored(): Promise<Map<TopicName, IngestLogPage['entries']>> {
    const out = new Map<TopicName, IngestLogPage['entries']>()
    for (const topic of REPLAY_TOPICS) {
      const rows: IngestLogPage['entries'] = []
      let after: { block: number; id: string } | undefined
      for (;;) {
        const page = await store.range({ topic, fromBlock: 0, toBlock: Number.MAX_SAFE_INTEGER, after, limit: 1000 })
        for (const r of page.items) {
          rows.push({ hotkey: r.hotkey, envelope: r.envelope })
        }
        if (page.next === undefined) break
        after = page.next
      }
      out.set(topic, rows)
    }
    return out
  }

  // The head moves on every block at once (freshness checks read it per message); the slower work —
  // metagraph, allowlist, commitments — runs one round at a time for the newest block, skipping any that
  // arrived meanwhile, so a slow chain RPC never leaves the head behind the mesh.
  let latest: { number: number; hash: string } | undefined
  let refreshing: Promise<void> | undefined
  function onBlock(head: { number: number; hash: string }): void {
    view.advance(head)
    latest = head
    refreshing ??= refreshLoop().finally(() => {
      refreshing = undefined
    })
  }

  async function refreshLoop(): Promise<void> {
    while (latest !== undefined && !controller.signal.aborted) {
      const head = latest
      latest = undefined
      await view.refresh(head, { signal: controller.signal })
      host?.refreshAllowlist()
      catchUp.onBlock(head.number)
      await recordCommitments()
      await readRefusals().catch(() => undefined)
    }
  }

  let lastCommitments = ''
  async function recordCommitments(): Promise<void> {
    try {
      const entries = await chain.commitments({ signal: controller.signal })
      const key = entries.map((e) => `${e.hotkey}@${e.block}`).join(',')
      if (key === lastCommitments) return
      lastCommitments = key
      const utf8 = new TextDecoder()
      const added = await store.addCommitments(
        entries.map((e) => ({
          minerHotkey: e.hotkey,
          uid: view.uidOf(e.hotkey) ?? null,
          block: e.block,
          text: utf8.decode(e.data),
          seenAt: Date.now(),
        })),
      )
      if (added > 0) init.onScoringInput?.()
    } catch (err) {
      if (!controller.signal.aborted) log.warn('commitments read failed', {}, err)
    }
  }

  async function followBlocks(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      try {
        for await (const b of chain.blocks({ signal })) onBlock(b)
      } catch (err) {
        if (signal.aborted) break
        log.warn('block stream failed; retrying', {}, err)
        await new Promise((r) => setTimeout(r, 1000))
      }
    }
  }

  /** Refusals by code, read from the mesh pipeline's own counter (one source of truth). */
  async function readRefusals(): Promise<void> {
    const metric = await meshMetrics.validationErrorTotal.get()
    const out: Record<string, number> = {}
    for (const v of metric.values) {
      const code = String(v.labels.code ?? 'unknown')
      out[code] = (out[code] ?? 0) + v.value
    }
    refused = out
  }

  return {
    async start() {
      const head = await chain.head({ signal: controller.signal })
      await view.refresh(head, { signal: controller.signal })
      preload = await loadStored()
      const storedRecords = preload.get('peers')?.map((e) => e.envelope) ?? []
      const replayed = ingest.replay()
      preload = undefined
      host = createMeshHost({
        netuid: chain.netuid,
        nodeKey: init.nodeKey,
        headBlock: () => view.head().number,
        isPermitted: (k) => view.isPermitted(k),
        isManifestSigner: (k) => view.isOwner(k),
        semantics: async (m, topic) => {
          // Back-pressure: a full writer ignores gossip (no penalty); catch-up brings it back later.
          if (writer.full()) throw new ValidationError('MESH_BUSY', { field: 'store' })
          await ingest.semantics(m, topic)
        },
        onAccepted: (m) => {
          ingest.accept(m)
        },
        listen: init.mesh?.listen ?? ['/ip4/127.0.0.1/tcp/0'],
        peerRecords: [...storedRecords, ...(init.mesh?.peerRecords ?? [])],
        bootstrapAddrs: init.mesh?.bootstrap ?? [],
        logger: log,
        metrics: meshMetrics,
      })
      await host.start()
      planner = createJobPlanner({
        chain,
        manifests: () => manifests.all(),
        profiles: (h) => ingest.profile(h),
        replicas: init.replicas ?? 3,
        ...(init.minStake === undefined ? {} : { minStake: init.minStake }),
        onJobs: (plan) => {
          for (const j of plan.jobs) {
            book.add({
              idHex: Buffer.from(j.announcement.jobId).toString('hex'),
              announcement: j.announcement,
              ranking: j.ranking,
              replicas: init.replicas ?? 3,
            })
          }
        },
        logger: log,
      })
      await planner.start()
      blockLoop = followBlocks(controller.signal)
      host.libp2p().addEventListener('peer:identify', () => void catchUp.schedule())
      void catchUp.schedule()
      void recordCommitments()
      log.info('observer started', { peerId: init.nodeKey.peerId.toString(), replayed, addrs: host.multiaddrs() })
    },
    async stop() {
      controller.abort()
      await planner?.stop()
      await blockLoop
      await refreshing
      await host?.stop()
      await writer.close()
      log.info('observer stopped', {})
    },
    catchUp: () => catchUp.schedule(),
    status(): ObserverStatus {
      return {
        head: view.head().number,
        peerId: init.nodeKey.peerId.toString(),
        peers: host?.isStarted() ? host.connectedPeers().length : 0,
        synced: catchUp.synced(),
        lastCatchUp: catchUp.last(),
        accepted,
        refused,
      }
    },
    metagraph: () => view.metagraph(),
    results: () => results.values(),
    ownerActions: () => ingest.ownerActions(),
    manifests: () => manifests,
    book: () => book,
    head: () => view.head().number,
    flush: () => writer.flush(),
    multiaddrs: () => host?.multiaddrs() ?? [],
  }
}
