import { multiaddr } from '@multiformats/multiaddr'
import { Registry } from 'prom-client'
import {
  createCatchUpLoop,
  createChainView,
  createIngest,
  createJobBook,
  createJobPlanner,
  createManifestRegistry,
  createMeshHost,
  createPeerRecord,
  cycleOf,
  encodeBody,
  getMeshMetrics,
  type JobPlan,
  type JobPlanner,
  type KnownJob,
  type MeshHost,
  type PlannedJob,
  registerSyncProtocols,
  type SyncServer,
  silentLogger,
  syncSourceFromLog,
  type TopicName,
  validateGossip,
} from '#protocol'
import {
  type CanaryRunner,
  createCanaryRunner,
  DEFAULT_CANARY_INTERVAL_BLOCKS,
  getCanaryMetrics,
  isCanaryCycle,
} from '../canary/index.js'
import { createHealthServer, type HealthServer } from '../health/index.js'
import { getNodeMetrics } from '../metrics.js'
import { createWeightSetter, kvCommitPersistence, type WeightSetter } from '../weights/index.js'
import { createOwnMessages } from './own.js'
import { createPublisher } from './publisher.js'
import { jobsQueueLength } from './queues.js'
import { createReplicaTracker } from './replicas.js'
import { competitionCandidates, weightInputs } from './scoring.js'
import type { ValidatorNode, ValidatorNodeInit, ValidatorNodeStatus } from './types.js'
import { createWorker, type Worker } from './worker.js'

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex')
const SYNCED_KEY = 'node.syncedBlock'

/**
 * The validator node (design §3–§6), composed from its services: chain view → job planner → SQLite queue
 * → evaluation workers → result + outbox in one transaction → publisher; the mesh host with the
 * validation pipeline and the node's semantics; catch-up sync; the weight setter; health and metrics.
 *
 * @example
 * ```ts
 * const node = createValidatorNode({ chain, hotkey, nodeKey, store, evaluation })
 * await node.start()
 * console.log(node.status())
 * await node.stop()
 * ```
 */
export function createValidatorNode(init: ValidatorNodeInit): ValidatorNode {
  const { chain, hotkey, nodeKey, store } = init
  const netuid = chain.netuid
  const log = (init.logger ?? silentLogger).child('node')
  const light = init.evaluation === undefined
  const capacity = light ? 0 : Math.max(1, init.capacity ?? 1)
  const replicaCount = init.replicas ?? 3
  const silenceBlocks = init.silenceBlocks ?? 20
  const ttl = init.peerRecordTtlBlocks ?? 7200
  const register = init.register ?? new Registry()
  const metrics = getNodeMetrics(register)
  const view = createChainView({ chain, minStake: init.minStake, logger: log })
  const manifests = createManifestRegistry()
  const book = createJobBook()
  const controller = new AbortController()
  let host: MeshHost | undefined
  let planner: JobPlanner | undefined
  let setter: WeightSetter | undefined
  let health: HealthServer | undefined
  let sync: SyncServer | undefined
  let blockLoop: Promise<void> | undefined
  let record: Uint8Array = new Uint8Array()
  let recordBlock = 0
  // Chain liveness for /health: the stream is up and delivered a block recently.
  let streamUp = false
  let lastBlockAt = 0
  const chainStaleMs = init.chainStaleMs ?? 120_000
  const chainConnected = (): boolean => streamUp && Date.now() - lastBlockAt < chainStaleMs
  const workers: Worker[] = []
  const canaryEvaluate = init.canaries === false ? undefined : init.evaluation?.canary
  const canary: CanaryRunner | undefined =
    canaryEvaluate === undefined
      ? undefined
      : createCanaryRunner({ evaluate: canaryEvaluate, metrics: getCanaryMetrics(register), logger: log })
  const canaryCycles = new Map<string, number>()
  let canaryChain: Promise<void> = Promise.resolve()

  const publisher = createPublisher({
    store,
    publish: (type, envelope) => (host as MeshHost).publish(type, envelope),
    logger: log,
  })
  const own = createOwnMessages({
    store,
    netuid,
    nodeSigner: nodeKey.signer,
    hotkey: hotkey.ss58,
    onRecorded: () => publisher.wake(),
  })
  const replicas = createReplicaTracker({ logger: log })
  const synced = (): boolean => catchUp.synced()
  const ingest = createIngest({
    chain,
    log: store.log,
    view,
    book,
    manifests,
    allowlist: () => (host as MeshHost).allowlist,
    replicas: replicaCount,
    silenceBlocks,
    logger: log,
    onResult: (r) => replicas.add(r),
    // Every node books a re-run (results need it); the assignees also evaluate it. The queue's id is unique
    // for ever, so a restart that books it again does not evaluate it twice.
    onRerunJob: (job) => {
      if (!light && job.ranking.slice(0, job.replicas).includes(hotkey.ss58)) enqueue(job, 'rerun')
    },
  })
  const catchUp = createCatchUpLoop({
    netuid,
    host: () => host as MeshHost,
    view,
    ingest,
    checkpoint: {
      get: async () => store.kv.getJson<number>(SYNCED_KEY),
      put: async (block) => store.kv.putJson(SYNCED_KEY, block),
    },
    aloneAllowed: init.aloneAllowed,
    // What the log holds was validated when it arrived: catch-up skips it instead of checking it again.
    known: (id) => store.log.has(id),
    logger: log,
    signal: controller.signal,
  })

  function enqueue(job: KnownJob | PlannedJob, why: string): void {
    const announcement = job.announcement
    const id = hex(announcement.jobId)
    if (!store.queue.enqueue({ id, payload: encodeBody('job-announcement', announcement) })) return
    own.record('job-announcement', announcement, announcement.block)
    log.info('job queued', { job: id.slice(0, 16), competition: announcement.competitionId, why })
    for (const w of workers) w.wake()
  }

  function onPlan(plan: JobPlan): void {
    for (const j of plan.jobs) {
      book.add({
        idHex: hex(j.announcement.jobId),
        announcement: j.announcement,
        ranking: j.ranking,
        replicas: replicaCount,
      })
    }
    if (light) return
    for (const j of plan.mine) enqueue(j, 'assigned')
    if (canary !== undefined) scheduleCanaries(plan)
  }

  /** Once per competition cycle, run the reference policies on the cycle's canary episodes (one at a time). */
  function scheduleCanaries(plan: JobPlan): void {
    for (const m of manifests.all()) {
      let cycle: number | undefined
      try {
        cycle = cycleOf(plan.head.number, m)
      } catch {
        continue
      }
      if (cycle === undefined || canaryCycles.get(m.id) === cycle) continue
      if (!isCanaryCycle(m, cycle, init.canaryIntervalBlocks ?? DEFAULT_CANARY_INTERVAL_BLOCKS)) continue
      // The cycle's start hash seeds the episodes; a cycle without miner jobs has nothing to guard.
      const job = plan.jobs.find((j) => j.announcement.competitionId === m.id && j.announcement.cycle === cycle)
      if (job === undefined) continue
      canaryCycles.set(m.id, cycle)
      const input = { netuid, manifest: m, cycle, cycleStartBlockHash: job.announcement.cycleStartBlockHash }
      canaryChain = canaryChain
        .then(async () => {
          const report = await (canary as CanaryRunner).runCycle(input, { signal: controller.signal })
          log.info('canary cycle', { competition: m.id, cycle, healthy: report.healthy })
        })
        .catch((err) => {
          if (!controller.signal.aborted) log.warn('canary cycle failed', { competition: m.id, cycle }, err)
        })
    }
  }

  function signRecord(block: number): void {
    const body = createPeerRecord({
      netuid,
      hotkey: hotkey.publicKey,
      nodeSigner: nodeKey.signer,
      multiaddrs: (host as MeshHost).multiaddrs().map((a) => multiaddr(a.split('/p2p/')[0] as string).bytes),
      issuedAtBlock: block,
      ttlBlocks: ttl,
      capacity,
      families: [...(init.families ?? [])],
    })
    record = own.record('peer-record', body, block, hotkey.signer)
    recordBlock = block
    ;(host as MeshHost).allowlist.addPeerRecord(record)
  }

  /** Validate a message handed to us locally exactly like gossip, store it and relay it. */
  async function acceptLocal(topic: TopicName, bytes: Uint8Array): Promise<void> {
    const h = host as MeshHost
    const message = validateGossip(topic, bytes, {
      netuid,
      headBlock: view.head().number,
      isPermitted: (k) => view.isPermitted(k),
      isManifestSigner: (k) => view.isOwner(k),
      allowlist: h.allowlist,
    })
    await ingest.semantics(message, topic)
    store.transaction(() => {
      ingest.accept({ topic, message, bytes })
      store.outbox.add(bytes, topic)
    })
    publisher.wake()
  }

  /** The operator's ban list, re-read every block: a change takes effect without a restart. */
  function applyDenied(h: MeshHost, peers: readonly string[]): void {
    const now = [...peers].sort()
    const was = h.allowlist.denied().sort()
    if (now.length === was.length && now.every((p, i) => p === was[i])) return
    const change = h.allowlist.deny(now)
    log.warn('denied peers changed', {
      denied: now.length,
      disconnected: change.removed.length,
      readmitted: change.added.length,
    })
  }

  async function onBlock(head: { number: number; hash: string }): Promise<void> {
    await view.refresh(head, { signal: controller.signal })
    const h = host as MeshHost
    const change = h.refreshAllowlist()
    if (change.removed.length > 0) log.info('peers lost admission', { removed: change.removed.length })
    if (init.mesh?.denyPeers !== undefined) applyDenied(h, init.mesh.denyPeers())
    if (head.number - recordBlock >= ttl / 2) signRecord(head.number)
    catchUp.onBlock(head.number)
    if (!light) for (const j of book.takeOversFor(hotkey.ss58, head.number, silenceBlocks)) enqueue(j, 'take-over')
  }

  async function followBlocks(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      try {
        for await (const b of chain.blocks({ signal })) {
          streamUp = true
          lastBlockAt = Date.now()
          await onBlock(b)
        }
        // The stream ended without an error: the chain closed it; reconnect after the same pause.
        streamUp = false
        if (!signal.aborted) await new Promise((r) => setTimeout(r, 1000))
      } catch (err) {
        streamUp = false
        if (signal.aborted) break
        log.warn('block stream failed; retrying', {}, err)
        await new Promise((r) => setTimeout(r, 1000))
      }
    }
  }

  /** The weight setter's input, also what `GET /v1/competitions/:id/candidates` scores. */
  function scoringInputs(signal: AbortSignal) {
    const ownerActions = () => ingest.ownerActions()
    return weightInputs({ chain, store, view, manifests, synced, ownerActions, signal })
  }

  function status(): ValidatorNodeStatus {
    const w = setter?.status()
    return {
      hotkey: hotkey.ss58,
      peerId: nodeKey.peerId.toString(),
      light,
      head: view.head().number,
      peers: host?.isStarted() ? host.connectedPeers().length : 0,
      peerIds: host?.isStarted() ? host.connectedPeers() : [],
      manifests: manifests.all().length,
      ownerActions: ingest.ownerActions().length,
      jobsKnown: book.size(),
      queue: store.queue.stats(),
      outboxPending: store.outbox.pendingCount(),
      logMessages: store.log.count(),
      synced: catchUp.synced(),
      lastCatchUp: catchUp.last(),
      replicas: { compared: replicas.compared(), divergences: replicas.divergences() },
      canary: canary === undefined ? null : { healthy: canary.healthy(), reports: canary.reports().length },
      weights: w === undefined ? null : { lastSetBlock: w.lastSetBlock, lastWeights: w.lastWeights },
    }
  }

  return {
    peerId: nodeKey.peerId.toString(),
    async start() {
      const head = await chain.head({ signal: controller.signal })
      // Reachable at start; the block stream keeps this current from here on.
      streamUp = true
      lastBlockAt = Date.now()
      await view.refresh(head, { signal: controller.signal })
      const replayed = ingest.replay()
      const storedRecords: Uint8Array[] = []
      for (let cursor: { block: number; id: Uint8Array } | undefined, more = true; more; ) {
        const page = store.log.range({
          topic: 'peers',
          fromBlock: 0,
          toBlock: Number.MAX_SAFE_INTEGER,
          cursor,
          limit: 500,
        })
        for (const e of page.entries) storedRecords.push(e.envelope)
        more = page.next !== undefined
        cursor = page.next
      }
      host = createMeshHost({
        netuid,
        nodeKey,
        headBlock: () => view.head().number,
        isPermitted: (k) => view.isPermitted(k),
        isManifestSigner: (k) => view.isOwner(k),
        onAccepted: (m) => ingest.accept(m),
        semantics: (m, topic) => ingest.semantics(m, topic),
        listen: init.mesh?.listen ?? ['/ip4/127.0.0.1/tcp/0'],
        peerRecords: [...storedRecords, ...(init.mesh?.peerRecords ?? [])],
        bootstrapAddrs: init.mesh?.bootstrap ?? [],
        observers: init.mesh?.observers ?? [],
        ...(init.mesh?.maxConnections === undefined ? {} : { maxConnections: init.mesh.maxConnections }),
        queues: {
          jobs: {
            maxLength: () =>
              jobsQueueLength(view.metagraph()?.neurons.length ?? 0, manifests.all().length, replicaCount),
          },
        },
        logger: log,
        metrics: getMeshMetrics(register),
      })
      await host.start()
      signRecord(head.number)
      for (const m of init.manifests ?? []) {
        await acceptLocal('competitions', m).catch((err) => log.warn('local manifest refused', {}, err))
      }
      sync = await registerSyncProtocols(host.libp2p(), { source: syncSourceFromLog(store.log), netuid, logger: log })
      publisher.start()
      metrics.observeJobs(() => store.queue.stats())
      metrics.observeStore(() => ({ log: store.log.count(), outbox: store.outbox.pendingCount() }))
      planner = createJobPlanner({
        chain,
        manifests: () => manifests.all(),
        self: hotkey.ss58,
        profiles: (h) => ingest.profile(h),
        replicas: replicaCount,
        ...(init.minStake === undefined ? {} : { minStake: init.minStake }),
        onJobs: onPlan,
        logger: log,
      })
      await planner.start()
      blockLoop = followBlocks(controller.signal)
      if (!light) {
        for (let i = 0; i < capacity; i++) {
          const w = createWorker({
            name: `${hotkey.ss58.slice(0, 8)}-w${i}`,
            store,
            evaluation: init.evaluation as NonNullable<ValidatorNodeInit['evaluation']>,
            manifests,
            own,
            netuid,
            nodeSigner: nodeKey.signer,
            hotkey: hotkey.ss58,
            head: () => view.head().number,
            logger: log,
            onResult: (r) => replicas.add({ ...r, validator: hotkey.ss58 }),
          })
          workers.push(w)
          w.start()
        }
      }
      if (init.weights?.enabled !== false) {
        setter = createWeightSetter({
          chain,
          hotkey,
          intervalBlocks: init.weights?.intervalBlocks ?? 360,
          onIncomplete: init.weights?.onIncomplete ?? 'warn',
          inputs: (opts) => scoringInputs(opts.signal),
          publish: async (a) => {
            own.record('weights-announcement', a, a.block)
          },
          persist: kvCommitPersistence(store.kv),
          logger: log,
          metrics,
        })
        await setter.start()
      }
      if (init.health !== false) {
        health = createHealthServer({
          port: init.health?.port ?? 0,
          host: init.health?.host ?? '127.0.0.1',
          metricsRegister: register,
          status: () => ({
            chainConnected: chainConnected(),
            meshPeers: host?.connectedPeers().length ?? 0,
            aloneAllowed: init.aloneAllowed ?? false,
            synced: catchUp.synced(),
            ...(canary === undefined ? {} : { checks: { canary: canary.healthy() } }),
          }),
          details: status,
          relay: { accept: (topic, bytes) => acceptLocal(topic, bytes) },
          competitions: () => ({ head: view.head().number, manifests: manifests.all() }),
          candidates: (id) =>
            competitionCandidates(
              id,
              () => scoringInputs(controller.signal),
              view.head().number,
              ingest.ownerActions(),
            ),
          logger: log,
        })
        await health.start()
      }
      log.info('node started', {
        hotkey: hotkey.ss58,
        peerId: nodeKey.peerId.toString(),
        light,
        capacity,
        replayed,
        addrs: host.multiaddrs(),
        health: health?.url,
      })
      host.libp2p().addEventListener('peer:identify', () => void catchUp.schedule())
      void catchUp.schedule()
    },
    async stop() {
      controller.abort()
      await Promise.all(workers.map((w) => w.stop()))
      await canary?.stop()
      await canaryChain
      await setter?.stop()
      await planner?.stop()
      await blockLoop
      await publisher.stop()
      await sync?.unregister()
      await health?.stop()
      await host?.stop()
      await init.evaluation?.close()
      log.info('node stopped', { hotkey: hotkey.ss58 })
    },
    status,
    peerRecord: () => record,
    multiaddrs: () => host?.multiaddrs() ?? [],
    healthUrl: () => health?.url,
    catchUp: () => catchUp.schedule(),
  }
}
