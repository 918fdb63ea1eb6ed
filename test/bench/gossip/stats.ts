import { percentile } from '../harness.js'
import type { PeerReport } from './load.js'

/** One case's figures. Latency is publish → delivery at the last of the other nodes (time to all). */
export interface CaseStats {
  rate: number
  /** Messages scheduled (all publishers). */
  messages: number
  p50Ms: number
  p99Ms: number
  /** Copies delivered ÷ copies expected (every message at every other node). */
  delivery: number
  /** Mean over nodes of (node CPU ÷ messages it published or received), µs. */
  cpuUsPerMsg: number
  /** CPU of every process (nodes and hub) ÷ messages scheduled, µs: the system's cost per message. */
  totalCpuUsPerMsg: number
  /** Worst publisher's p99 lag behind schedule, ms. */
  lagP99Ms: number
  duplicates: number
  invalid: number
  publishErrors: number
  firstError?: string
  /** 1-minute load average when the case started: other work on the box shows here. */
  load1: number
}

/** Inputs of {@link summarizeCase}. */
export interface CaseInput {
  rate: number
  /** Messages each node was told to publish. */
  perNode: number
  /** Reports indexed by node (the publisher number in stamps). */
  reports: PeerReport[]
  /** The hub's CPU over the case, µs (hub transport only). */
  hubCpuUs?: number
  /** 1-minute load average at the start of the case. */
  load1?: number
}

/**
 * Fold the nodes' reports into case figures. A message counts towards the latency percentiles only when
 * every other node delivered it (its latency is the slowest delivery); missing copies lower `delivery`.
 */
export function summarizeCase(input: CaseInput): CaseStats {
  const nodes = input.reports.length
  const { perNode } = input
  const slots = nodes * perNode
  const hits = new Uint8Array(slots)
  const slowest = new Float64Array(slots)
  let copies = 0
  let cpuSum = 0
  let perMsgSum = 0
  let lag = 0
  let duplicates = 0
  let invalid = 0
  let publishErrors = 0
  let firstError: string | undefined
  for (const r of input.reports) {
    const { publisher, seq, latencyMs } = r.receipts
    for (let i = 0; i < seq.length; i++) {
      const p = publisher[i] as number
      const s = seq[i] as number
      if (p >= nodes || s >= perNode) continue
      const slot = p * perNode + s
      hits[slot] = (hits[slot] as number) + 1
      slowest[slot] = Math.max(slowest[slot] as number, latencyMs[i] as number)
      copies++
    }
    cpuSum += r.cpuUs
    perMsgSum += r.cpuUs / Math.max(1, r.published + seq.length)
    lag = Math.max(lag, r.lagP99Ms)
    duplicates += r.receipts.duplicates
    invalid += r.invalid
    publishErrors += r.publishErrors
    firstError ??= r.firstError
  }
  const complete: number[] = []
  for (let slot = 0; slot < slots; slot++) if (hits[slot] === nodes - 1) complete.push(slowest[slot] as number)
  complete.sort((a, b) => a - b)
  return {
    rate: input.rate,
    messages: slots,
    p50Ms: percentile(complete, 50),
    p99Ms: percentile(complete, 99),
    delivery: slots === 0 ? 0 : copies / (slots * (nodes - 1)),
    cpuUsPerMsg: nodes === 0 ? Number.NaN : perMsgSum / nodes,
    totalCpuUsPerMsg: (cpuSum + (input.hubCpuUs ?? 0)) / Math.max(1, slots),
    lagP99Ms: lag,
    duplicates,
    invalid,
    publishErrors,
    ...(firstError === undefined ? {} : { firstError }),
    load1: input.load1 ?? Number.NaN,
  }
}

/** The sustained-rate criterion (perf.md §2 uses the same p99 bound for the WebSocket feed). */
export const P99_LIMIT_MS = 100

/** Why a case does not count as sustained, or undefined when it does. */
export function unsustainedReason(s: CaseStats): string | undefined {
  if (s.delivery < 1) return `delivery ${(s.delivery * 100).toFixed(2)}%`
  if (!(s.p99Ms <= P99_LIMIT_MS)) return `p99 ${s.p99Ms.toFixed(1)} ms > ${P99_LIMIT_MS} ms`
  if (s.lagP99Ms > P99_LIMIT_MS) return `publishers ${s.lagP99Ms.toFixed(0)} ms behind schedule`
  return undefined
}
