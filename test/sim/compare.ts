import { topicString } from '#protocol'
import { NETUID } from '../bench/gossip/constants.js'
import { defaultSimConfig, type SimConfig } from './config.js'
import type { MessageCosts } from './costs.js'
import { gossipTraffic, type Traffic } from './mesh-scale.js'
import type { MeasuredTraffic } from './real-mesh.js'

// Model vs the in-process mesh: the same publishes fed to gossipTraffic with the mesh's own degree and
// loopback latency, figures per node, bytes as gossipsub RPCs with their length prefix (what the run counts).

/**
 * One compared figure. `model` uses the in-process effective latency, `modelRawLatency` the raw loopback
 * latency; errors are (model − measured) ÷ measured × 100.
 */
export interface ComparisonRow {
  figure: string
  measured: number
  model: number
  errorPct: number
  modelRawLatency: number
  errorRawLatencyPct: number
}

/** Loopback one-way latency, ms (perf.md: loopback TCP; sub-0.1 ms on this VM). */
const LOOPBACK_LATENCY_MS = 0.05
/** Loopback throughput of one socket (perf.md "Physical limits": 1.79 GB/s). */
const LOOPBACK_BITS_PER_SECOND = 1.79e9 * 8

const prefixed = (n: number): number => n + (n < 128 ? 1 : n < 16384 ? 2 : 3)

export function realMeshConfig(m: MeasuredTraffic, latencyMs = LOOPBACK_LATENCY_MS): SimConfig {
  return defaultSimConfig({
    validators: m.nodes,
    replicas: 1,
    meshDegree: m.meshPeers,
    latencyMs,
    linkBitsPerSecond: LOOPBACK_BITS_PER_SECOND,
  })
}

/**
 * One-way latency of a copy between nodes of the in-process mesh: every node shares one event loop, so a
 * copy waits behind the same validation work that delays a forward; take it equal to the forward delay.
 */
export function inProcessLatencyMs(costs: MessageCosts): number {
  return costs.types.result.validateUs / 1000
}

/** The model's per-node traffic for what the in-process mesh published. */
export function modelOfRun(
  m: MeasuredTraffic,
  costs: MessageCosts,
  latencyMs = inProcessLatencyMs(costs),
): { results: Traffic; statuses: Traffic } {
  const c = realMeshConfig(m, latencyMs)
  const count = m.perNode * m.nodes
  // The run's onAccepted stores nothing: the forward waits for validation only.
  const results = gossipTraffic(
    c,
    {
      topic: topicString(NETUID, 'results'),
      count,
      bytes: m.resultBytes,
      delaySeconds: costs.types.result.validateUs / 1e6,
    },
    m.seconds,
    prefixed,
  )
  const statuses = gossipTraffic(
    c,
    {
      topic: topicString(NETUID, 'status'),
      count,
      bytes: m.statusBytes,
      delaySeconds: costs.types['job-status'].validateUs / 1e6,
    },
    m.seconds,
    prefixed,
  )
  return { results, statuses }
}

const errorPct = (measured: number, model: number): number =>
  measured === 0
    ? model === 0
      ? 0
      : Number.POSITIVE_INFINITY
    : Number((((model - measured) / measured) * 100).toFixed(1))

/** Per-node figures, measured and predicted (effective and raw loopback latency), side by side. */
export function compareWithRun(m: MeasuredTraffic, costs: MessageCosts): ComparisonRow[] {
  const p = modelOfRun(m, costs)
  const raw = modelOfRun(m, costs, LOOPBACK_LATENCY_MS)
  const figures: [string, number, (t: { results: Traffic; statuses: Traffic }) => number][] = [
    ['result copies in', m.results.copiesIn, (t) => t.results.copiesIn],
    ['result copies out', m.results.copiesOut, (t) => t.results.copiesOut],
    ['result bytes in', m.results.bytesIn, (t) => t.results.messageBytesIn],
    ['result bytes out', m.results.bytesOut, (t) => t.results.messageBytesOut],
    ['status copies in', m.statuses.copiesIn, (t) => t.statuses.copiesIn],
    ['status copies out', m.statuses.copiesOut, (t) => t.statuses.copiesOut],
    ['status bytes in', m.statuses.bytesIn, (t) => t.statuses.messageBytesIn],
    ['status bytes out', m.statuses.bytesOut, (t) => t.statuses.messageBytesOut],
    ['IDONTWANT ids in', m.idontwantIdsIn, (t) => t.results.idontwants + t.statuses.idontwants],
    ['IHAVE ids in', m.ihaveIdsIn, (t) => t.results.ihaveIds + t.statuses.ihaveIds],
  ]
  return figures.map(([figure, measured, of]) => ({
    figure,
    measured: Number(measured.toFixed(1)),
    model: Number(of(p).toFixed(1)),
    errorPct: errorPct(measured, of(p)),
    modelRawLatency: Number(of(raw).toFixed(1)),
    errorRawLatencyPct: errorPct(measured, of(raw)),
  }))
}

/**
 * libp2p + gossipsub CPU per RPC from the run: the process's CPU minus what validation of every distinct
 * message costs (measured separately), over every RPC sent or received. µs.
 */
export function transportUsPerRpc(m: MeasuredTraffic, costs: MessageCosts): number {
  const received = m.nodes * (m.nodes - 1) * m.perNode
  const validation = received * (costs.types.result.validateUs + costs.types['job-status'].validateUs)
  return Math.max(0, (m.cpuUs - validation) / Math.max(1, m.rpcs))
}

/**
 * The gossip bench's CPU figure (bench/results/gossip.json, mesh rows: node CPU ÷ messages it published or
 * received, µs) as the model predicts it: 8 nodes, ~1 KiB results only, validation + per-RPC transport.
 */
export function modelGossipBenchCpuUsPerMsg(costs: MessageCosts, transportUs: number, resultBytes = 1183): number {
  const c = defaultSimConfig({
    validators: 8,
    replicas: 1,
    latencyMs: LOOPBACK_LATENCY_MS,
    linkBitsPerSecond: LOOPBACK_BITS_PER_SECOND,
  })
  const count = 8 * 1000
  const t = gossipTraffic(c, { topic: 't', count, bytes: resultBytes, delaySeconds: 0.0005 }, 60, prefixed)
  const perNodeMessages = count / 8 + (count * 7) / 8
  const rpcs = t.copiesIn + t.copiesOut + 2 * (t.idontwants + t.ihaveRpcs)
  const validation = ((count * 7) / 8) * costs.types.result.validateUs
  return (validation + rpcs * transportUs) / perNodeMessages
}

/**
 * The per-RPC transport cost at which the model reproduces a gossip bench CPU figure (the model is linear
 * in it): a calibration from 8 separate processes, for a conservative variant of the sweep.
 */
export function transportFromGossipBench(costs: MessageCosts, cpuUsPerMsg: number): number {
  const at0 = modelGossipBenchCpuUsPerMsg(costs, 0)
  const at1 = modelGossipBenchCpuUsPerMsg(costs, 1)
  return Math.max(0, (cpuUsPerMsg - at0) / (at1 - at0))
}

/** The mesh rows' CPU per message per node in a gossip bench result file, by offered rate. */
export function gossipBenchCpu(doc: unknown): { rate: string; cpuUsPerMsg: number }[] {
  const rows = (doc as { rows?: Record<string, unknown>[] }).rows ?? []
  return rows
    .filter((r) => r.transport === 'mesh' && typeof r.cpuUsPerMsg === 'number')
    .map((r) => ({ rate: String(r.rate), cpuUsPerMsg: r.cpuUsPerMsg as number }))
}
