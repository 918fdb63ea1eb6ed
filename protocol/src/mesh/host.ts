import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { type GossipsubMessage, type GossipsubOpts, gossipsub, TopicValidatorResult } from '@libp2p/gossipsub'
import { identify } from '@libp2p/identify'
import type { Libp2p, PeerId } from '@libp2p/interface'
import { peerIdFromString } from '@libp2p/peer-id'
import { ping } from '@libp2p/ping'
import { tcp } from '@libp2p/tcp'
import { type Multiaddr, multiaddr } from '@multiformats/multiaddr'
import { createLibp2p } from 'libp2p'
import type { NodeKey } from '../identity/node-key.js'
import { type Logger, silentLogger } from '../logger.js'
import { parseTopic, TOPIC_NAMES, type TopicName, topicOfType, topicString } from '../messages/topics.js'
import type { MessageType } from '../messages/types.js'
import { type AllowlistChange, createPeerAllowlist, type PeerAllowlist } from './allowlist.js'
import {
  DEFAULT_LISTEN_ADDRS,
  INBOUND_CONNECTION_THRESHOLD,
  MAX_CONNECTIONS,
  MAX_INCOMING_PENDING_CONNECTIONS,
  REDIAL_INTERVAL_MS,
  type TopicQueueOptions,
  VALIDATOR_TAG,
  VALIDATOR_TAG_VALUE,
} from './constants.js'
import { MeshError } from './errors.js'
import { allowlistGater } from './gater.js'
import { asGossipSubRuntime, floodPublishFor, type GossipSubRuntime, gossipOptions } from './gossip.js'
import type { MeshMetrics } from './metrics.js'
import {
  type AcceptedGossip,
  createValidationPipeline,
  type SemanticsHook,
  type ValidationPipeline,
} from './pipeline.js'
import { type GossipResult, validateGossip } from './validate.js'

/** Inputs of {@link createMeshHost}. */
export interface MeshHostInit {
  /** Our subnet: topics are `/kinitro/<netuid>/<name>/1`. */
  netuid: number
  /** The persisted ed25519 node key (libp2p identity and message signer). */
  nodeKey: NodeKey
  /** Current head block (freshness, record expiry). Read on every message. */
  headBlock: () => number
  /** Whether the current metagraph permits a hotkey (validator permit or minimum stake). */
  isPermitted: (hotkey: Uint8Array) => boolean
  /** Whether a hotkey may sign competition manifests (the subnet owner); none → manifests ignored. */
  isManifestSigner?: (hotkey: Uint8Array) => boolean
  /** Store an accepted message; it is forwarded only after this resolves. Throwing → Ignore. */
  onAccepted: (msg: AcceptedGossip) => void | Promise<void>
  /** Node-specific checks after the protocol checks; throw a `ValidationError`. */
  semantics?: SemanticsHook
  /**
   * Listen addresses.
   * @default ['/ip4/127.0.0.1/tcp/0']
   */
  listen?: readonly string[]
  /**
   * Bootstrap: peer record envelopes of other validators (sealed with `signPeerRecord`). Valid ones are
   * admitted at start and, when they carry multiaddrs, dialled.
   * @default []
   */
  peerRecords?: readonly Uint8Array[]
  /**
   * Bootstrap: addresses to dial at start (`…/p2p/<peerId>`); the peer must also be admitted.
   * @default []
   */
  bootstrapAddrs?: readonly string[]
  /**
   * Peer ids admitted without a record (the indexer).
   * @default []
   */
  observers?: readonly string[]
  /**
   * Topics to subscribe to.
   * @default every topic
   */
  topics?: readonly TopicName[]
  /** Per-topic queue overrides. */
  queues?: Partial<Record<TopicName, Partial<TopicQueueOptions>>>
  /** Per-peer delivery rate past which messages are dropped unvalidated; `false` turns it off. @default PEER_RATE */
  peerRate?: { burst: number; perSecond: number } | false
  /**
   * Multiaddr prefixes that bypass connection limits (`connectionManager.allow`).
   * @default []
   */
  connectionAllow?: readonly string[]
  /**
   * Connections held at most; must exceed the admitted peers (a subnet's validators and observers).
   * @default MAX_CONNECTIONS
   */
  maxConnections?: number
  /** Gossipsub option overrides (tests, benchmarks). */
  gossip?: Partial<GossipsubOpts>
  logger?: Logger
  metrics?: MeshMetrics
}

/** A running mesh node. */
export interface MeshHost {
  readonly peerId: PeerId
  readonly allowlist: PeerAllowlist
  start(): Promise<void>
  stop(): Promise<void>
  isStarted(): boolean
  /** Addresses we listen on, with `/p2p/<peerId>`. */
  multiaddrs(): string[]
  /** Dial a peer (it must be admitted). */
  dial(addr: string | Multiaddr, options?: { signal?: AbortSignal }): Promise<void>
  /**
   * Publish envelope bytes on the type's topic. We do not hand our own messages to `onAccepted`: store
   * them (outbox) before publishing.
   * @returns peer ids sent to.
   */
  publish(type: MessageType, envelope: Uint8Array): Promise<string[]>
  /** Re-check every binding against the current head and metagraph; hangs up peers that lost admission. */
  refreshAllowlist(): AllowlistChange
  /** Peers we know subscribe to a topic (readiness: publish needs ≥ 1). */
  topicPeers(topic: TopicName): string[]
  /** Peers we are connected to. */
  connectedPeers(): string[]
  /** The libp2p node, for request/response protocols (sync). Only after start(). */
  libp2p(): Libp2p
}

function invalid(field: string, reason: string): MeshError {
  return new MeshError({ code: 'MESH_HOST_CONFIG_INVALID', field, reason }, `${field}: ${reason}`)
}

/**
 * Create a mesh host: libp2p (TCP, Noise, Yamux, identify, ping, gossipsub) with the allowlist gater, the
 * validation pipeline and keep-alive tags for validators. Nothing listens until `start()`.
 *
 * Bootstrapping: a node starts knowing the peer records it is given (`peerRecords`, e.g. read from chain
 * commitments or passed by the devnet) and addresses to dial (`bootstrapAddrs`); records learned later
 * on the `peers` topic are admitted (and dialled) as they are accepted.
 *
 * @example
 * ```ts
 * const host = createMeshHost({ netuid: 7, nodeKey, headBlock: () => head, isPermitted, onAccepted: store })
 * await host.start()
 * await host.publish('job-status', sealEnvelope('job-status', status, 7, nodeKey.signer))
 * ```
 * @throws MeshError `MESH_HOST_CONFIG_INVALID`.
 */
export function createMeshHost(init: MeshHostInit): MeshHost {
  if (!Number.isInteger(init.netuid) || init.netuid < 0 || init.netuid > 0xffff) {
    throw invalid('netuid', 'must be an integer 0–65535')
  }
  const listen = [...(init.listen ?? DEFAULT_LISTEN_ADDRS)]
  for (const a of [...listen, ...(init.bootstrapAddrs ?? [])]) {
    try {
      multiaddr(a)
    } catch {
      throw invalid('listen', 'unparseable multiaddr')
    }
  }
  const log = (init.logger ?? silentLogger).child('protocol:mesh')
  const metrics = init.metrics
  const netuid = init.netuid
  const topics = [...(init.topics ?? TOPIC_NAMES)]
  const allowedTopics = TOPIC_NAMES.map((t) => topicString(netuid, t))
  const allowlist = createPeerAllowlist({
    netuid,
    headBlock: init.headBlock,
    isPermitted: init.isPermitted,
    observers: init.observers,
  })
  const peerId = init.nodeKey.peerId
  const selfId = peerId.toString()

  let node: Libp2p<{ pubsub: ReturnType<ReturnType<typeof gossipsub>> }> | undefined
  let gossip: GossipSubRuntime | undefined
  let pipeline: ValidationPipeline | undefined
  let started = false
  let starting: Promise<void> | undefined
  let unsubscribeAllowlist: (() => void) | undefined
  let redialTimer: NodeJS.Timeout | undefined

  const updatePeerMetrics = (): void => {
    if (metrics === undefined || node === undefined) return
    const counts = { validator: 0, observer: 0, other: 0 }
    for (const p of node.getPeers()) counts[allowlist.kindOf(p.toString()) ?? 'other']++
    for (const [kind, n] of Object.entries(counts)) metrics.peers.set({ kind }, n)
    metrics.allowlistSize.set({ kind: 'validator' }, allowlist.validators().length)
    metrics.allowlistSize.set({ kind: 'observer' }, allowlist.observers().length)
  }

  const recordAddrs = (peer: string): Multiaddr[] => {
    const bound = allowlist.validators().find((b) => b.peerId === peer)
    const out: Multiaddr[] = []
    for (const raw of bound?.record.body.multiaddrs ?? []) {
      try {
        out.push(multiaddr(raw))
      } catch {
        // A record's multiaddrs are checked for length only; a bad one is skipped, not fatal.
      }
    }
    return out
  }

  const onAllowlistChange = (change: AllowlistChange): void => {
    const n = node
    if (n === undefined) return
    for (const p of change.removed) {
      const id = peerIdFromString(p)
      log.info('peer lost admission, hanging up', { peer: p })
      void n.peerStore.merge(id, { tags: { [VALIDATOR_TAG]: undefined } }).catch(() => {})
      void n.hangUp(id).catch((err: unknown) => log.debug('hang up failed', { peer: p, err: String(err) }))
    }
    for (const p of change.added) {
      if (p === selfId || allowlist.kindOf(p) !== 'validator') continue
      const id = peerIdFromString(p)
      const addrs = recordAddrs(p)
      // Keep-alive tag: the connection manager keeps validators connected and redials them.
      void n.peerStore
        .merge(id, { tags: { [VALIDATOR_TAG]: { value: VALIDATOR_TAG_VALUE } }, multiaddrs: addrs })
        .then(async () => {
          if (addrs.length > 0 && started && n.getConnections(id).length === 0) await n.dial(id)
        })
        .catch((err: unknown) => log.debug('validator dial failed', { peer: p, err: String(err) }))
    }
    updatePeerMetrics()
  }

  const report = (msgId: string, from: string, result: GossipResult): void => {
    const acceptance =
      result === 'accept'
        ? TopicValidatorResult.Accept
        : result === 'reject'
          ? TopicValidatorResult.Reject
          : TopicValidatorResult.Ignore
    gossip?.reportMessageValidationResult(msgId, from, acceptance)
  }

  const onGossip = (evt: CustomEvent<GossipsubMessage>): void => {
    const { msgId, msg, propagationSource } = evt.detail
    const parsed = parseTopic(msg.topic)
    const from = propagationSource.toString()
    if (parsed === undefined || parsed.netuid !== netuid) {
      // allowedTopics keeps other topics out; this is a second fence.
      report(msgId, from, 'ignore')
      return
    }
    pipeline?.push({ topic: parsed.name, data: msg.data, msgId, from })
  }

  const start = async (): Promise<void> => {
    const n = await createLibp2p({
      start: false,
      privateKey: init.nodeKey.toLibp2pPrivateKey(),
      addresses: { listen },
      transports: [tcp()],
      connectionEncrypters: [noise()],
      streamMuxers: [yamux()],
      connectionGater: allowlistGater(allowlist),
      connectionManager: {
        maxConnections: init.maxConnections ?? MAX_CONNECTIONS,
        inboundConnectionThreshold: INBOUND_CONNECTION_THRESHOLD,
        maxIncomingPendingConnections: MAX_INCOMING_PENDING_CONNECTIONS,
        allow: [...(init.connectionAllow ?? [])],
      },
      // Measured: the monitor aborts connections whose pings a busy event loop answers late, losing 55%
      // of deliveries (p2p.md §8.2). Lodestar turns it off too.
      connectionMonitor: { enabled: false },
      services: {
        identify: identify(),
        ping: ping(),
        pubsub: gossipsub(gossipOptions({ allowedTopics, isAdmitted: allowlist.has, overrides: init.gossip })),
      },
    })
    node = n
    gossip = asGossipSubRuntime(n.services.pubsub)
    pipeline = createValidationPipeline({
      validate: (topic, data) =>
        validateGossip(topic, data, {
          netuid,
          headBlock: init.headBlock(),
          isPermitted: init.isPermitted,
          isManifestSigner: init.isManifestSigner,
          allowlist,
        }),
      semantics: init.semantics,
      onAccepted: async (msg) => {
        await init.onAccepted(msg)
        // A stored peer record also admits its peer (bootstrap by gossip).
        if (msg.message.type === 'peer-record') allowlist.addPeerRecord(msg.message)
      },
      report,
      queues: init.queues,
      ...(init.peerRate === undefined ? {} : { peerRate: init.peerRate }),
      logger: log,
      metrics,
    })
    unsubscribeAllowlist = allowlist.onChange(onAllowlistChange)
    for (const bytes of init.peerRecords ?? []) {
      try {
        allowlist.addPeerRecord(bytes)
      } catch (err) {
        log.warn('bootstrap peer record refused', { code: (err as { code?: string }).code })
      }
    }
    gossip.addEventListener('gossipsub:message', onGossip)
    n.addEventListener('connection:open', updatePeerMetrics)
    n.addEventListener('connection:close', updatePeerMetrics)
    pipeline.start()
    await n.start()
    for (const t of topics) gossip.subscribe(topicString(netuid, t))
    started = true
    onAllowlistChange({ added: allowlist.validators().map((b) => b.peerId), removed: [] })
    for (const a of init.bootstrapAddrs ?? []) {
      void n.dial(multiaddr(a)).catch((err: unknown) => log.warn('bootstrap dial failed', { err: String(err) }))
    }
    redialTimer = setInterval(() => {
      for (const b of allowlist.validators()) {
        if (b.peerId === selfId || n.getConnections(peerIdFromString(b.peerId)).length > 0) continue
        const addrs = recordAddrs(b.peerId)
        if (addrs.length === 0) continue
        void n
          .dial(addrs)
          .catch((err: unknown) => log.debug('validator redial failed', { peer: b.peerId, err: String(err) }))
      }
    }, REDIAL_INTERVAL_MS)
    redialTimer.unref()
    log.info('mesh started', { peerId: selfId, netuid })
  }

  const requireStarted = (operation: string): Libp2p => {
    if (!started || node === undefined) throw new MeshError({ code: 'MESH_HOST_NOT_STARTED', operation })
    return node
  }

  return {
    peerId,
    allowlist,
    async start() {
      if (started) return
      starting ??= start().finally(() => {
        starting = undefined
      })
      await starting
    },
    async stop() {
      clearInterval(redialTimer)
      if (starting !== undefined) await starting.catch(() => {})
      const n = node
      if (n === undefined) return
      started = false
      node = undefined
      unsubscribeAllowlist?.()
      pipeline?.stop()
      gossip?.removeEventListener('gossipsub:message', onGossip)
      n.removeEventListener('connection:open', updatePeerMetrics)
      n.removeEventListener('connection:close', updatePeerMetrics)
      await n.stop()
      gossip = undefined
      pipeline = undefined
      log.info('mesh stopped', { peerId: selfId })
    },
    isStarted: () => started,
    multiaddrs: () => (node === undefined ? [] : node.getMultiaddrs().map((m) => m.toString())),
    async dial(addr, options = {}) {
      const n = requireStarted('dial')
      const ma = typeof addr === 'string' ? multiaddr(addr) : addr
      try {
        await n.dial(ma, { signal: options.signal })
      } catch (err) {
        throw new MeshError(
          { code: 'MESH_DIAL_FAILED', addr: ma.toString(), reason: (err as Error).name ?? 'Error' },
          `dial ${ma.toString()} failed`,
          { cause: err },
        )
      }
    },
    async publish(type, envelope) {
      requireStarted('publish')
      const g = gossip as GossipSubRuntime
      const topic = topicString(netuid, topicOfType(type))
      try {
        const res = await g.publish(topic, envelope, { floodPublish: floodPublishFor(envelope) })
        return res.recipients.map((p) => p.toString())
      } catch (err) {
        const reason = String((err as Error).message ?? err)
        if (reason.includes('NoPeersSubscribedToTopic')) {
          throw new MeshError({ code: 'MESH_PUBLISH_NO_PEERS', topic }, `no peers on ${topic}`, { cause: err })
        }
        throw new MeshError({ code: 'MESH_PUBLISH_FAILED', topic, reason }, `publish on ${topic} failed`, {
          cause: err,
        })
      }
    },
    refreshAllowlist: () => allowlist.refresh(),
    topicPeers: (t) => (gossip === undefined ? [] : gossip.getSubscribers(topicString(netuid, t)).map(String)),
    connectedPeers: () => (node === undefined ? [] : node.getPeers().map(String)),
    libp2p: () => requireStarted('libp2p'),
  }
}
