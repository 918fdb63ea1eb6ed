import { MAX_ENVELOPE_BYTES } from '../constants.js'
import type { TopicName } from '../messages/topics.js'

/** Listen address when the caller gives none: loopback, a free port (tests, devnet). */
export const DEFAULT_LISTEN_ADDRS: readonly string[] = ['/ip4/127.0.0.1/tcp/0']

/**
 * Mesh degree for tens of nodes (p2p.md §10: D/Dlo/Dhi ≈ 6/4/8 for ≤ 20 nodes). Smaller D than the
 * default 6/4/12 cuts duplicate copies, which set the CPU bill in small meshes (p2p.md §8.2).
 */
export const GOSSIP_D = 6
export const GOSSIP_DLO = 4
export const GOSSIP_DHI = 8
/** Dout must be < Dlo and ≤ D/2 (gossipsub spec). */
export const GOSSIP_DOUT = 2

/** Lodestar's heartbeat (p2p.md §2.8): faster mesh repair than the 1 s default. */
export const GOSSIP_HEARTBEAT_MS = 700

/** Raised from 3 s because a busy event loop answers IWANT late (Lodestar, p2p.md §2.8). */
export const GOSSIP_IWANT_FOLLOWUP_MS = 12_000

/**
 * Seen-cache TTL: a message re-broadcast within this window is deduplicated by gossipsub (outbox
 * republish after a restart is usually within minutes; catch-up sync covers the rest).
 */
export const GOSSIP_SEEN_TTL_MS = 10 * 60_000

/** Messages up to this size are flood-published (p2p.md §9: flooding large payloads delays them). */
export const FLOOD_PUBLISH_MAX_BYTES = 64 * 1024

/** Largest legal gossip payload: gossipsub skips decoding anything bigger. */
export const MAX_GOSSIP_DATA_BYTES = MAX_ENVELOPE_BYTES

/** RPC decode limit for a small mesh (p2p.md §3: default 5000 is for large networks). */
export const GOSSIP_MAX_RPC_MESSAGES = 256

/** Lodestar's per-peer outbound buffer (p2p.md §2.9). */
export const GOSSIP_MAX_OUTBOUND_BUFFER_BYTES = 16 * 1024 * 1024

/**
 * appSpecificScore of a peer that is not in the allowlist. With weight 1 it is far below the graylist
 * threshold, so gossipsub drops every RPC from it even if the gater ever slips (p2p.md §3, §5).
 */
export const STRANGER_SCORE = -1_000_000

/** Score thresholds scaled to {@link STRANGER_SCORE} (p2p.md §10). */
export const SCORE_THRESHOLDS = {
  gossipThreshold: -4000,
  publishThreshold: -8000,
  graylistThreshold: -16000,
  acceptPXThreshold: 100,
  opportunisticGraftThreshold: 5,
} as const

/**
 * Connection limits: every devnet node runs on 127.0.0.1, and the default inbound threshold of 5
 * connections/s per host refused dials in p2p.md §8.2. 8 local nodes dialling each other at once must
 * all get through.
 */
export const INBOUND_CONNECTION_THRESHOLD = 100
export const MAX_INCOMING_PENDING_CONNECTIONS = 64
/**
 * Connection cap. The gater admits only permitted validators and configured observers, so the cap is not
 * what keeps strangers out; it must hold every admitted peer, since validators connect to all others.
 * A subnet has at most 256 UIDs by default; 512 leaves room for observers and a validator's second node.
 * At 200 (the first value) the internet-scale sim found it the first limit, at 201 validators.
 */
export const MAX_CONNECTIONS = 512

/** Connection-manager tag that keeps validator peers connected and redialled (p2p.md §4). */
export const VALIDATOR_TAG = 'keep-alive-kinitro-validator'
export const VALIDATOR_TAG_VALUE = 100
/**
 * How often a host dials admitted validators it holds no connection to. A dial at admission fails when
 * the validator is not listening yet (processes start in any order), and an observer is never dialled
 * back (it has no record), so without a retry it would stay alone.
 */
export const REDIAL_INTERVAL_MS = 5_000

/**
 * Messages per second a peer may deliver (first copies, after gossipsub's duplicate filter), with a burst.
 * Honest peers deliver far less: the internet-scale sim puts the whole mesh at ~25 messages/s per node
 * averaged over a cycle, and a cycle-start burst per peer is its own few announcements. A flooder is held
 * to 200/s of validation, under a tenth of a core at the measured ~345 µs per message.
 */
export const PEER_RATE = { burst: 2000, perSecond: 200 } as const

/** Order in which a full queue serves work. */
export type QueueOrder = 'fifo' | 'lifo'

/** Backpressure of one topic's validation queue. */
export interface TopicQueueOptions {
  /**
   * Items waiting; past it the oldest waiting item is dropped (reported Ignore, counted). A function is
   * read on every push, so a queue can follow what it must hold (the node sizes `jobs` from the
   * metagraph: one cycle's announcements arrive as a burst).
   */
  maxLength: number | (() => number)
  /** fifo: order matters; lifo: the freshest item is worth most. */
  order: QueueOrder
  /** Items validated at once (signature checks and `onAccepted` store writes in flight). */
  concurrency: number
}

/**
 * Per-topic validation queues (style.md §6; Lodestar gossipQueues). Keyed by every topic, so a new topic
 * cannot be forgotten.
 */
export const DEFAULT_TOPIC_QUEUES: { readonly [T in TopicName]: Readonly<TopicQueueOptions> } = {
  // Rare and consequential: keep every one, in order.
  peers: { maxLength: 256, order: 'fifo', concurrency: 2 },
  competitions: { maxLength: 64, order: 'fifo', concurrency: 1 },
  // Jobs are derived by every node; order helps the store. A cycle's burst is miners × competitions ×
  // replicas, so a validator node raises this floor from its metagraph (node/src/node/create.ts).
  jobs: { maxLength: 4096, order: 'fifo', concurrency: 4 },
  // Heartbeat-like: a newer status supersedes an older one, so serve freshest first.
  status: { maxLength: 2048, order: 'lifo', concurrency: 4 },
  // Results are what scoring needs; a dropped one is recovered by catch-up, but avoid it.
  results: { maxLength: 4096, order: 'fifo', concurrency: 4 },
  // One per validator per weight interval.
  weights: { maxLength: 256, order: 'fifo', concurrency: 2 },
  // The subnet owner's decisions: a handful a day, each verified with sr25519; keep every one, in order.
  owner: { maxLength: 64, order: 'fifo', concurrency: 1 },
}
