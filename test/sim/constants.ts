// Every number the simulation assumes, with where it comes from. The model reads them through
// `defaultSimConfig` and `DEFAULT_BUDGETS`; the run prints them into bench/results/sim.json.

/** Netuid and head block of the fixtures (any values; freshness is checked against the head). */
export const SIM_NETUID = 7
export const SIM_HEAD = 1_000_000

/** Finney block time (reference/chain.md §1): the mesh clock. */
export const BLOCK_SECONDS = 12

// --- Gossipsub as configured in protocol/src/mesh/constants.ts and gossip.ts (not exported by #protocol).
/** Mesh degree target D (protocol/src/mesh/constants.ts GOSSIP_D). The brief's "default 8" is Dhi here. */
export const MESH_D = 6
/** Heartbeat (GOSSIP_HEARTBEAT_MS). */
export const HEARTBEAT_SECONDS = 0.7
/** Peers gossiped to per heartbeat: max(Dlazy, gossipFactor × non-mesh peers) (@libp2p/gossipsub 17 defaults). */
export const GOSSIP_DLAZY = 6
export const GOSSIP_FACTOR = 0.25
/** Heartbeats whose message ids each IHAVE advertises (GossipsubHistoryGossip). */
export const MCACHE_GOSSIP = 3
/** IDONTWANT is sent to mesh peers for payloads at least this big (GossipsubIdontwantMinDataSize). */
export const IDONTWANT_MIN_BYTES = 512
/** Messages up to this size are flood-published to every topic peer (FLOOD_PUBLISH_MAX_BYTES). */
export const FLOOD_PUBLISH_MAX_BYTES = 64 * 1024
/** Connection-manager cap (the node's default; 200 until the sim found it the first limit). */
export { MAX_CONNECTIONS } from '#protocol'

// --- Node behaviour (node/src/node/*.ts, protocol/src/follow/catch-up.ts).
/** Catch-up runs every CATCH_UP_EVERY_BLOCKS, re-fetching from the last checkpoint minus SYNC_OVERLAP_BLOCKS. */
export const CATCH_UP_EVERY_BLOCKS = 30
export const SYNC_OVERLAP_BLOCKS = 50
/**
 * Share of a catch-up window a node does not hold (assumed): gossip delivered every message in the
 * 8-host comparison (compare.ts), so this stands for restarts and partitions.
 */
export const CATCH_UP_MISS_FRACTION = 0.01
/**
 * RUNNING statuses: one every STATUS_INTERVAL_BLOCKS of a running job (node/src/node/worker.ts); the jobs
 * gossip queue is sized by `jobsQueueLength` from the metagraph (node/src/node/queues.ts).
 */
export { jobsQueueLength, STATUS_INTERVAL_BLOCKS } from '#node'
/** Weight-setting interval (node create.ts default intervalBlocks 360 = one tempo). */
export const WEIGHTS_INTERVAL_BLOCKS = 360
/** Peer records are re-issued at half their 7200-block TTL (create.ts onBlock). */
export const PEER_RECORD_REISSUE_BLOCKS = 3600
/** Default cycle (node/src/cli/competition-spec.ts DEFAULT_CYCLE_LENGTH_BLOCKS). */
export const CYCLE_BLOCKS = 360
/** Replicas per job (DEFAULT_REPLICAS, design §5). */
export const REPLICAS = 3
/** Episodes per task per cycle: the reference system's episodes_per_env (reference/kinitro.md §scoring). */
export const EPISODES_PER_TASK = 50
/**
 * Wall time of one episode: a 200–500-step MuJoCo task at the policy's control rate over HTTP (assumed;
 * the reference system allows up to 300 s, reference/evaluator.md). Only sets the status count.
 */
export const EPISODE_SECONDS = 10
/** Jobs a validator evaluates in parallel (peer record capacity; assumed). */
export const EVAL_SLOTS = 4
/** One-way latency between validators on the internet (assumed: same continent ~20 ms, across ~70 ms). */
export const LATENCY_MS = 40

// --- Framing on the wire around one gossipsub RPC (yamux spec: 12-byte header per data frame; Noise
// spec: 16-byte AEAD tag + 2-byte length per ≤ 65535-byte frame; IPv4+TCP headers 40 bytes per 1460-byte
// segment, Ethernet framing ignored).
export const YAMUX_HEADER_BYTES = 12
export const NOISE_FRAME_BYTES = 18
export const NOISE_MAX_PLAINTEXT = 65_519
export const TCP_IP_HEADER_BYTES = 40
export const TCP_MSS = 1460

/**
 * CPU per RPC copy sent or received in libp2p (Noise, yamux, gossipsub decode and bookkeeping), µs, used
 * when the in-process mesh run is skipped: reference/p2p.md §8.2, star topology unpaced, 0.30 ms per
 * delivery per node with 1 copy of 1 KiB; the hub's 7 sends and each leaf's receive share it, so ~0.17 ms
 * per copy event. Replaced by the run's own measurement when the real mesh runs.
 */
export const FALLBACK_TRANSPORT_US_PER_COPY = 170

/**
 * Noise ChaCha20-Poly1305 per byte, ns, when the cost run is skipped (node:crypto is ~1 GB/s per core;
 * replaced by the run's own measurement).
 */
export const FALLBACK_CIPHER_NS_PER_BYTE = 1

/** Budgets the figures are compared against. */
export const DEFAULT_BUDGETS = {
  /** A 100 Mbit/s link each way (full duplex). */
  linkBitsPerSecond: 100e6,
  /** One core for the mesh: validation, transport, store. */
  cpuCores: 1,
} as const
