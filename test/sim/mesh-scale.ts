import { topicOfType, topicString } from '#protocol'
import { checkConfig, type SimConfig } from './config.js'
import { jobsQueueLength, SIM_NETUID, STATUS_INTERVAL_BLOCKS } from './constants.js'
import type { MessageCosts } from './costs.js'
import { SIM_TYPES, type SimType } from './fixtures.js'
import { idontwantRpcBytes, ihaveRpcBytes, messageRpcBytes, onWireBytes } from './wire.js'

// The mesh at scale, one evaluation cycle, from message counts × measured per-message costs. Pure: the
// same config and costs give the same figures. Every rule is written next to the code that applies it and
// repeated in sim.json's assumptions (see ASSUMPTIONS in assumptions.ts).

/** Messages of each type made in one cycle, network-wide (unique envelopes). */
export type TypeCounts = Record<SimType, number>

/** Figures for one average validator over one cycle. */
export interface NodeFigures {
  /** Envelopes it publishes itself. */
  published: number
  /** Distinct envelopes it receives by gossip (everything but its own). */
  receivedUnique: number
  /** Gossip RPC copies carrying a message, received / sent (duplicates and floods included). */
  copiesIn: number
  copiesOut: number
  /** Duplicate copies per distinct message received (small: no IDONTWANT; large: IDONTWANT sent). */
  duplicates: { small: number; large: number }
  /** Control RPCs: IHAVE and IDONTWANT, each way (symmetric on average). */
  ihaveRpcs: number
  ihaveIds: number
  idontwants: number
  /** Envelopes fetched (and re-validated) by periodic catch-up, and served to peers. */
  catchUpItems: number
  bytesIn: ByteSplit
  bytesOut: ByteSplit
  cpuSeconds: CpuSplit
  /** Log appends: new messages (own + gossip) and no-op re-appends from catch-up. */
  storeWrites: number
}

export interface ByteSplit {
  messages: number
  control: number
  catchUp: number
  total: number
}

export interface CpuSplit {
  /** decode + validate + verify of each distinct gossip message. */
  validate: number
  /** libp2p/gossipsub per RPC copy plus Noise per byte. */
  transport: number
  /** SQLite appends (synchronous: they hold the event loop). */
  store: number
  /** Catch-up: re-validating and re-appending fetched items, and reading items served to peers. */
  catchUp: number
  total: number
}

/** Share of each budget used in one cycle (≥ 1: over budget). */
export interface Utilization {
  linkIn: number
  linkOut: number
  cpu: number
  /** Peers each node wants connected (every validator, design §4) ÷ the connection cap. */
  connections: number
  /** Job announcements at cycle start ÷ the jobs validation queue length. */
  jobsBurst: number
  /** Not the mesh: evaluation time a validator owes per cycle ÷ its slots × cycle length. */
  evaluation: number
}

/** The mesh resources compared to find the first limit (evaluation is reported, not ranked). */
export const MESH_RESOURCES = ['linkIn', 'linkOut', 'cpu', 'connections', 'jobsBurst'] as const
export type MeshResource = (typeof MESH_RESOURCES)[number]

export interface CycleFigures {
  config: SimConfig
  cycleSeconds: number
  messages: TypeCounts
  totalMessages: number
  node: NodeFigures
  utilization: Utilization
  /** The mesh resource closest to (or past) its budget. */
  limit: MeshResource
}

/**
 * Statuses one assignee sends for one job: RUNNING at start, a RUNNING every STATUS_INTERVAL_BLOCKS while
 * it runs (progress and heartbeat are one rule), DONE.
 */
export function statusesPerJob(c: SimConfig): number {
  const jobBlocks = (c.tasks * c.episodesPerTask * c.episodeSeconds) / c.blockSeconds
  return 2 + Math.max(0, Math.ceil(jobBlocks / STATUS_INTERVAL_BLOCKS) - 1)
}

/** Messages per cycle, network-wide. Manifests are long-lived (one per competition, ~never per cycle). */
export function messagesPerCycle(c: SimConfig): TypeCounts {
  const jobs = c.miners * c.competitions
  return {
    'peer-record': (c.validators * c.cycleBlocks) / c.peerRecordReissueBlocks,
    'competition-manifest': 0,
    'job-announcement': jobs * c.replicas,
    'job-status': jobs * c.replicas * statusesPerJob(c),
    result: jobs * c.replicas,
    'weights-announcement': (c.validators * c.cycleBlocks) / c.weightsIntervalBlocks,
  }
}

/** P(X < x) for X = U₁ − U₂, U uniform on [0, spread]: the arrival-time difference of two flood copies. */
export function arrivalDiffCdf(x: number, spread: number): number {
  if (spread <= 0) return x > 0 ? 1 : x < 0 ? 0 : 0.5
  if (x <= -spread) return 0
  if (x >= spread) return 1
  if (x <= 0) return (x + spread) ** 2 / (2 * spread ** 2)
  return 1 - (spread - x) ** 2 / (2 * spread ** 2)
}

/**
 * Duplicate copies a node receives per distinct message. The publisher floods every connected peer (its
 * uplink spreads the copies over `spread` s); each node forwards, once it has validated and stored the
 * message (`delay`), to its mesh peers except the source. A forward A→B is skipped when A already got
 * the message from B (B's forward arrived: t_B + delay + L < t_A + delay) or, for payloads ≥ the IDONTWANT
 * size, when B's IDONTWANT arrived (t_B + L < t_A + delay). Received duplicates = forwards sent, by symmetry.
 */
export function duplicatesPerMessage(c: SimConfig, payloadBytes: number, delaySeconds: number, spread: number): number {
  const peers = Math.min(c.validators - 1, c.maxConnections)
  const mesh = Math.min(c.meshDegree, peers)
  const eligible = mesh * (1 - 1 / peers)
  const latency = c.latencyMs / 1000
  const margin = payloadBytes >= c.idontwantMinBytes ? latency - delaySeconds : latency
  return eligible * arrivalDiffCdf(margin, spread)
}

const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0)

/** One kind of message for {@link gossipTraffic}: how many, how big, how long until a node forwards it. */
export interface TrafficItem {
  topic: string
  /** Distinct messages, network-wide, each published by one node (spread evenly over nodes). */
  count: number
  /** Envelope bytes (gossipsub payload). */
  bytes: number
  /** Receipt → forward: validation plus the store write it waits for. */
  delaySeconds: number
}

/** Gossip traffic of one {@link TrafficItem} at an average node; bytes per `frame` (RPC or wire bytes). */
export interface Traffic {
  copiesIn: number
  copiesOut: number
  duplicates: number
  messageBytesIn: number
  messageBytesOut: number
  idontwants: number
  ihaveRpcs: number
  ihaveIds: number
  /** IHAVE plus IDONTWANT bytes, each way. */
  controlBytes: number
}

/**
 * Gossip traffic of `item` over `seconds` at an average node. Flood publish (payload ≤ the flood limit)
 * sends the first copy to every connected peer; duplicates follow {@link duplicatesPerMessage}; IDONTWANT
 * goes to mesh peers but the source for payloads ≥ its minimum; IHAVE advertises every id in
 * `mcacheGossip` heartbeats to max(Dlazy, gossipFactor × non-mesh peers) non-mesh peers. IWANT is taken as
 * 0: with flood publish every peer has the message before the first IHAVE (a heartbeat after validation).
 */
export function gossipTraffic(
  c: SimConfig,
  item: TrafficItem,
  seconds: number,
  frame: (rpcBytes: number) => number = onWireBytes,
): Traffic {
  const peers = Math.min(c.validators - 1, c.maxConnections)
  const mesh = Math.min(c.meshDegree, peers)
  const nonMesh = Math.max(0, peers - mesh)
  const gossipPeers = Math.min(nonMesh, Math.max(c.dlazy, c.gossipFactor * nonMesh))
  const wire = frame(messageRpcBytes(item.topic, item.bytes))
  const own = item.count / c.validators
  const received = item.count - own
  const firstHop = item.bytes <= c.floodPublishMaxBytes ? peers : mesh
  // The publisher's uplink serialises its first-hop copies: the spread of first-copy arrival times.
  const spread = (firstHop * onWireBytes(messageRpcBytes(item.topic, item.bytes)) * 8) / c.linkBitsPerSecond
  const dups = duplicatesPerMessage(c, item.bytes, item.delaySeconds, spread)
  const idontwants = item.bytes >= c.idontwantMinBytes ? received * mesh * (1 - 1 / peers) : 0
  const ihaveIds = item.count * c.mcacheGossip * gossipPeers
  const ihaveRpcs = gossipPeers * Math.min(seconds / c.heartbeatSeconds, item.count * c.mcacheGossip)
  const idsPerRpc = ihaveRpcs > 0 ? Math.max(1, Math.round(ihaveIds / ihaveRpcs)) : 0
  const controlBytes =
    (ihaveRpcs > 0 ? ihaveRpcs * frame(ihaveRpcBytes(item.topic, idsPerRpc)) : 0) +
    idontwants * frame(idontwantRpcBytes())
  return {
    copiesIn: received * (1 + dups),
    copiesOut: own * firstHop + received * dups,
    duplicates: dups,
    messageBytesIn: received * (1 + dups) * wire,
    messageBytesOut: (own * firstHop + received * dups) * wire,
    idontwants,
    ihaveRpcs,
    ihaveIds,
    controlBytes,
  }
}

/** One cycle of the mesh for an average validator. */
export function simulateCycle(c: SimConfig, costs: MessageCosts): CycleFigures {
  checkConfig(c)
  const cycleSeconds = c.cycleBlocks * c.blockSeconds
  const messages = messagesPerCycle(c)
  const totalMessages = sum(SIM_TYPES.map((t) => messages[t]))
  const V = c.validators
  const linkBytesPerSecond = c.linkBitsPerSecond / 8
  const dupSmall: number[] = []
  const dupLarge: number[] = []
  let copiesIn = 0
  let copiesOut = 0
  let msgBytesIn = 0
  let msgBytesOut = 0
  let ihaveIds = 0
  let idontwants = 0
  let controlBytes = 0
  let validate = 0
  const heartbeats = cycleSeconds / c.heartbeatSeconds
  const topicActive: number[] = []
  let store = 0
  let published = 0
  let receivedUnique = 0
  for (const t of SIM_TYPES) {
    const n = messages[t]
    if (n === 0) continue
    const cost = costs.types[t]
    const topic = topicString(SIM_NETUID, topicOfType(t))
    const delaySeconds = (cost.validateUs + cost.storeUs) / 1e6
    const g = gossipTraffic(c, { topic, count: n, bytes: cost.bytes, delaySeconds }, cycleSeconds)
    ;(cost.bytes >= c.idontwantMinBytes ? dupLarge : dupSmall).push(g.duplicates)
    published += n / V
    receivedUnique += n - n / V
    copiesIn += g.copiesIn
    copiesOut += g.copiesOut
    msgBytesIn += g.messageBytesIn
    msgBytesOut += g.messageBytesOut
    // Share of heartbeats that advertise this topic (its ids stay mcacheGossip heartbeats in the window).
    topicActive.push(Math.min(1, (n * c.mcacheGossip) / heartbeats))
    ihaveIds += g.ihaveIds
    idontwants += g.idontwants
    controlBytes += g.controlBytes
    validate += (n - n / V) * cost.validateUs
    store += n * cost.storeUs
  }

  // gossipsub merges a heartbeat's IHAVEs for one peer into one RPC: count the peers that get any topic's
  // gossip per heartbeat (each topic picks gossipPeers of the non-mesh peers at random).
  const peers = Math.min(V - 1, c.maxConnections)
  const nonMesh = Math.max(0, peers - Math.min(c.meshDegree, peers))
  const gossipPeers = Math.min(nonMesh, Math.max(c.dlazy, c.gossipFactor * nonMesh))
  const pick = nonMesh === 0 ? 0 : gossipPeers / nonMesh
  const ihaveRpcs = heartbeats * nonMesh * (1 - topicActive.reduce((p, a) => p * (1 - a * pick), 1))

  // Catch-up: every catchUpEveryBlocks, all topics from (last checkpoint − overlap) to head, from one peer;
  // peers ask us as often. An item the node holds is skipped after the `known` check; only what gossip
  // missed (catchUpMissFraction) is validated and appended.
  const refetch = (c.catchUpEveryBlocks + c.syncOverlapBlocks) / c.catchUpEveryBlocks
  const catchUpItems = totalMessages * refetch
  const catchUpPayload = sum(SIM_TYPES.map((t) => messages[t] * costs.types[t].bytes)) * refetch
  // Pages of ≤ 256 items, plus per round one status request and one (possibly empty) range walk per topic.
  const pages = Math.ceil(catchUpItems / 256) + (c.cycleBlocks / c.catchUpEveryBlocks) * 8
  const catchUpBytes = onWireBytes(catchUpPayload / Math.max(1, pages)) * pages
  const miss = c.catchUpMissFraction
  const catchUpNew = sum(
    SIM_TYPES.map((t) => messages[t] * refetch * miss * (costs.types[t].validateUs + costs.types[t].storeUs)),
  )
  const catchUpCpu =
    catchUpNew + catchUpItems * ((1 - miss) * costs.knownUs + costs.serveUsPerItem) + 2 * pages * c.transportUsPerCopy

  const rpcsTotal = copiesIn + copiesOut + 2 * (ihaveRpcs + idontwants)
  const bytesIn: ByteSplit = {
    messages: msgBytesIn,
    control: controlBytes,
    catchUp: catchUpBytes,
    total: msgBytesIn + controlBytes + catchUpBytes,
  }
  const bytesOut: ByteSplit = {
    messages: msgBytesOut,
    control: controlBytes,
    catchUp: catchUpBytes,
    total: msgBytesOut + controlBytes + catchUpBytes,
  }
  const transport = rpcsTotal * c.transportUsPerCopy + ((bytesIn.total + bytesOut.total) * c.cipherNsPerByte) / 1e3
  const cpu: CpuSplit = {
    validate: validate / 1e6,
    transport: transport / 1e6,
    store: store / 1e6,
    catchUp: catchUpCpu / 1e6,
    total: (validate + transport + store + catchUpCpu) / 1e6,
  }
  const linkBudget = linkBytesPerSecond * cycleSeconds
  const jobs = c.miners * c.competitions
  const utilization: Utilization = {
    linkIn: bytesIn.total / linkBudget,
    linkOut: bytesOut.total / linkBudget,
    cpu: cpu.total / (c.cpuCores * cycleSeconds),
    connections: (V - 1) / c.maxConnections,
    // Every validator and miner is a neuron (one UID each).
    jobsBurst: (jobs * c.replicas) / jobsQueueLength(V + c.miners, c.competitions, c.replicas),
    evaluation:
      (((jobs * c.replicas) / V) * c.tasks * c.episodesPerTask * c.episodeSeconds) / (c.evalSlots * cycleSeconds),
  }
  const limit = MESH_RESOURCES.reduce((a, b) => (utilization[b] > utilization[a] ? b : a))
  const avg = (xs: number[]) => (xs.length === 0 ? 0 : sum(xs) / xs.length)
  return {
    config: c,
    cycleSeconds,
    messages,
    totalMessages,
    node: {
      published,
      receivedUnique,
      copiesIn,
      copiesOut,
      duplicates: { small: avg(dupSmall), large: avg(dupLarge) },
      ihaveRpcs,
      ihaveIds,
      idontwants,
      catchUpItems,
      bytesIn,
      bytesOut,
      cpuSeconds: cpu,
      storeWrites: published + receivedUnique + catchUpItems * miss,
    },
    utilization,
    limit,
  }
}
