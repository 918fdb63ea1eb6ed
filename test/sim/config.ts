import * as C from './constants.js'
import { SimError } from './errors.js'

/** Everything the model takes besides measured costs. Plain data (it is printed into sim.json). */
export interface SimConfig {
  /** Permitted validators in the mesh. */
  validators: number
  /** Miners with a commitment (one job per miner per competition per cycle, design §5). */
  miners: number
  /** Tasks per competition; one job evaluates them all, so one result carries tasks × episodesPerTask records. */
  tasks: number
  episodesPerTask: number
  /** Assigned validators per job (R). */
  replicas: number
  /** Active competitions: jobs per miner per cycle. */
  competitions: number
  cycleBlocks: number
  blockSeconds: number
  /** Gossipsub mesh degree D (peers a node forwards to). */
  meshDegree: number
  maxConnections: number
  heartbeatSeconds: number
  dlazy: number
  gossipFactor: number
  mcacheGossip: number
  idontwantMinBytes: number
  floodPublishMaxBytes: number
  catchUpEveryBlocks: number
  syncOverlapBlocks: number
  /** Share of catch-up items the node does not hold yet (gossip missed them): validated and stored. */
  catchUpMissFraction: number
  weightsIntervalBlocks: number
  peerRecordReissueBlocks: number
  /** Wall time of one episode: sets how many progress statuses a job sends (≤ 1 per block). */
  episodeSeconds: number
  /** Jobs a validator evaluates in parallel (its peer record capacity). */
  evalSlots: number
  /** One-way latency between validators, ms (decides whether IDONTWANT beats a forward). */
  latencyMs: number
  /** CPU per RPC copy sent or received in libp2p + gossipsub, µs (excludes our validation). */
  transportUsPerCopy: number
  /** Noise encryption/decryption per byte, ns. */
  cipherNsPerByte: number
  /** Budget: each direction of a node's link. */
  linkBitsPerSecond: number
  /** Budget: cores for the mesh work (validation, transport, store). */
  cpuCores: number
}

/** The defaults: project settings from constants.ts, internet-scale assumptions stated there. */
export function defaultSimConfig(overrides: Partial<SimConfig> = {}): SimConfig {
  const config: SimConfig = {
    validators: 256,
    miners: 256,
    tasks: 3,
    episodesPerTask: C.EPISODES_PER_TASK,
    replicas: C.REPLICAS,
    competitions: 1,
    cycleBlocks: C.CYCLE_BLOCKS,
    blockSeconds: C.BLOCK_SECONDS,
    meshDegree: C.MESH_D,
    maxConnections: C.MAX_CONNECTIONS,
    heartbeatSeconds: C.HEARTBEAT_SECONDS,
    dlazy: C.GOSSIP_DLAZY,
    gossipFactor: C.GOSSIP_FACTOR,
    mcacheGossip: C.MCACHE_GOSSIP,
    idontwantMinBytes: C.IDONTWANT_MIN_BYTES,
    floodPublishMaxBytes: C.FLOOD_PUBLISH_MAX_BYTES,
    catchUpEveryBlocks: C.CATCH_UP_EVERY_BLOCKS,
    syncOverlapBlocks: C.SYNC_OVERLAP_BLOCKS,
    catchUpMissFraction: C.CATCH_UP_MISS_FRACTION,
    weightsIntervalBlocks: C.WEIGHTS_INTERVAL_BLOCKS,
    peerRecordReissueBlocks: C.PEER_RECORD_REISSUE_BLOCKS,
    episodeSeconds: C.EPISODE_SECONDS,
    evalSlots: C.EVAL_SLOTS,
    latencyMs: C.LATENCY_MS,
    transportUsPerCopy: C.FALLBACK_TRANSPORT_US_PER_COPY,
    cipherNsPerByte: C.FALLBACK_CIPHER_NS_PER_BYTE,
    linkBitsPerSecond: C.DEFAULT_BUDGETS.linkBitsPerSecond,
    cpuCores: C.DEFAULT_BUDGETS.cpuCores,
    ...overrides,
  }
  checkConfig(config)
  return config
}

const COUNTS: readonly (keyof SimConfig)[] = [
  'validators',
  'miners',
  'tasks',
  'episodesPerTask',
  'replicas',
  'competitions',
]

/** @throws SimError `SIM_BAD_CONFIG` when a field is not a finite number in range. */
export function checkConfig(c: SimConfig): void {
  for (const [field, value] of Object.entries(c)) {
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      throw new SimError({ code: 'SIM_BAD_CONFIG', field, reason: 'must be a finite number ≥ 0' })
    }
  }
  for (const field of COUNTS) {
    if (!Number.isInteger(c[field]) || c[field] < 1) {
      throw new SimError({ code: 'SIM_BAD_CONFIG', field, reason: 'must be an integer ≥ 1' })
    }
  }
  if (c.validators < 2) throw new SimError({ code: 'SIM_BAD_CONFIG', field: 'validators', reason: 'a mesh needs ≥ 2' })
  if (c.replicas > c.validators) {
    throw new SimError({ code: 'SIM_BAD_CONFIG', field: 'replicas', reason: 'more replicas than validators' })
  }
  for (const field of [
    'cycleBlocks',
    'blockSeconds',
    'meshDegree',
    'heartbeatSeconds',
    'catchUpEveryBlocks',
  ] as const) {
    if (c[field] <= 0) throw new SimError({ code: 'SIM_BAD_CONFIG', field, reason: 'must be > 0' })
  }
  if (!(c.catchUpMissFraction >= 0 && c.catchUpMissFraction <= 1)) {
    throw new SimError({ code: 'SIM_BAD_CONFIG', field: 'catchUpMissFraction', reason: 'must be in [0, 1]' })
  }
}
