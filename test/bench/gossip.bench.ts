import {
  type Cluster,
  DEFAULT_CLUSTER_OPTIONS,
  MIN_MESH_PEERS,
  startCluster,
  type Transport,
} from './gossip/cluster.js'
import { NODES } from './gossip/constants.js'
import { type CaseStats, P99_LIMIT_MS } from './gossip/stats.js'
import { type SweepOutcome, sweepRate } from './gossip/sweep.js'
import { type Bench, type BenchRow, fmt, median } from './harness.js'

// Result propagation through the validator mesh vs the reference system's central WebSocket hub, same
// traffic, same run (issue 6 "Done when"). 8 node processes on 127.0.0.1: first real mesh nodes
// (createMeshHost: TCP + Noise + Yamux + gossipsub 17, validation pipeline active, hotkey-bound peer
// records), then the same processes as clients of one hub process. Each node publishes rate/8 signed
// ~1 KiB results per second; a copy counts as delivered when the receiver's validation accepts it
// (freshness, permitted signer, ed25519 signature), and a message's latency is the time until the last of
// the 7 other nodes has it. See gossip/load.ts for the clock.

/** Offered rates of the fixed rows, msg/s over all publishers. */
const RATES = [100, 400]
/** Length of a case at scale 1, ms; quick runs keep a floor so a case still spans many timer ticks. */
const CASE_MS = 5_000
const MIN_CASE_MS = 1_000
/** Discarded first case per transport (JIT, connection warm-up); a quick run skips it. */
const WARMUP_RATE = 100

const QUICK_CLUSTER_OPTIONS = { drainMaxMs: 1_500, settleMaxMs: 3_000 }

type Aggregate = CaseStats & { p99Runs: number[] }

/** Median figures over the repeats; delivery pooled, lag the worst. */
function aggregate(runs: CaseStats[]): Aggregate {
  const first = runs[0] as CaseStats
  const m = (f: (s: CaseStats) => number) => median(runs.map(f))
  const messages = runs.reduce((n, s) => n + s.messages, 0)
  return {
    ...first,
    messages,
    p50Ms: m((s) => s.p50Ms),
    p99Ms: m((s) => s.p99Ms),
    delivery: runs.reduce((n, s) => n + s.delivery * s.messages, 0) / messages,
    cpuUsPerMsg: m((s) => s.cpuUsPerMsg),
    totalCpuUsPerMsg: m((s) => s.totalCpuUsPerMsg),
    lagP99Ms: Math.max(...runs.map((s) => s.lagP99Ms)),
    duplicates: runs.reduce((n, s) => n + s.duplicates, 0),
    invalid: runs.reduce((n, s) => n + s.invalid, 0),
    publishErrors: runs.reduce((n, s) => n + s.publishErrors, 0),
    load1: m((s) => s.load1),
    p99Runs: runs.map((s) => s.p99Ms),
  }
}

interface TransportResult {
  fixed: Aggregate[]
  max: SweepOutcome
}

async function measureTransport(
  cluster: Cluster,
  transport: Transport,
  opts: { repeats: number; caseMs: number; quick: boolean },
): Promise<TransportResult> {
  const log = (msg: string) => console.error(`gossip/${transport}: ${msg}`)
  const run = async (rate: number): Promise<CaseStats> => {
    const s = await cluster.runCase(rate, opts.caseMs)
    if (s.firstError !== undefined) log(`${rate}/s: ${s.publishErrors} publish errors, first: ${s.firstError}`)
    // Both should stay 0: every message is valid, and gossip de-duplicates before the application.
    if (s.invalid + s.duplicates > 0) log(`${rate}/s: ${s.invalid} failed validation, ${s.duplicates} duplicates`)
    return s
  }
  if (!opts.quick) await run(WARMUP_RATE)
  const runs = new Map<number, CaseStats[]>(RATES.map((r) => [r, []]))
  // Rates interleaved within each repeat, so drift on a shared machine spreads over all of them.
  for (let r = 0; r < opts.repeats; r++) {
    for (const rate of RATES) {
      const s = await run(rate)
      runs.get(rate)?.push(s)
      log(`${rate}/s run ${r + 1}: p50 ${s.p50Ms.toFixed(2)} ms, p99 ${s.p99Ms.toFixed(2)} ms, delivery ${s.delivery}`)
    }
  }
  const fixed = RATES.map((rate) => aggregate(runs.get(rate) ?? []))
  const max = await sweepRate({
    known: fixed,
    maxDoublings: opts.quick ? 1 : 6,
    bisections: opts.quick ? 0 : 2,
    maxHalvings: opts.quick ? 1 : 3,
    run,
    log,
  })
  return { fixed, max }
}

const ratio = (a: number, b: number): number | string => (b > 0 && Number.isFinite(a / b) ? fmt(a / b, 2) : '')

function rows(mesh: TransportResult, hub: TransportResult): BenchRow[] {
  const out: BenchRow[] = []
  for (const [i, rate] of RATES.entries()) {
    for (const [transport, res, other] of [
      ['mesh', mesh, hub],
      ['hub', hub, mesh],
    ] as const) {
      const s = res.fixed[i] as Aggregate
      const o = other.fixed[i] as Aggregate
      out.push({
        transport,
        rate,
        p50Ms: fmt(s.p50Ms, 2),
        p99Ms: fmt(s.p99Ms, 2),
        delivery: fmt(s.delivery, 4),
        cpuUsPerMsg: fmt(s.cpuUsPerMsg),
        totalCpuUsPerMsg: fmt(s.totalCpuUsPerMsg),
        p99Runs: s.p99Runs.map((v) => v.toFixed(1)).join('/'),
        load1: fmt(s.load1, 1),
        'p50 mesh/hub': transport === 'mesh' ? ratio(s.p50Ms, o.p50Ms) : '',
        'p99 mesh/hub': transport === 'mesh' ? ratio(s.p99Ms, o.p99Ms) : '',
        'cpu mesh/hub': transport === 'mesh' ? ratio(s.cpuUsPerMsg, o.cpuUsPerMsg) : '',
        'total cpu mesh/hub': transport === 'mesh' ? ratio(s.totalCpuUsPerMsg, o.totalCpuUsPerMsg) : '',
      })
    }
  }
  for (const [transport, res, other] of [
    ['mesh', mesh, hub],
    ['hub', hub, mesh],
  ] as const) {
    const s = res.max.stats
    out.push({
      transport,
      rate: 'max sustained',
      sustainedRate: res.max.rate,
      p50Ms: s === undefined ? '' : fmt(s.p50Ms, 2),
      p99Ms: s === undefined ? '' : fmt(s.p99Ms, 2),
      delivery: s === undefined ? '' : fmt(s.delivery, 4),
      cpuUsPerMsg: s === undefined ? '' : fmt(s.cpuUsPerMsg),
      totalCpuUsPerMsg: s === undefined ? '' : fmt(s.totalCpuUsPerMsg),
      load1: s === undefined ? '' : fmt(s.load1, 1),
      failedAt: res.max.failedAt ?? 'not reached',
      failedBecause: res.max.reason ?? '',
      'max mesh/hub': transport === 'mesh' ? ratio(res.max.rate, other.max.rate) : '',
    })
  }
  return out
}

export const bench: Bench = {
  name: 'gossip',
  description: `result propagation to all of ${NODES} node processes: gossipsub mesh vs central WebSocket hub (p99 limit ${P99_LIMIT_MS} ms, mesh ≥ ${MIN_MESH_PEERS} peers)`,
  about:
    "Result propagation to all other nodes: 8 node processes on 127.0.0.1 as a real gossipsub mesh (TCP + Noise + Yamux, full validation, hotkey-bound peer records) against the same processes as clients of one central WebSocket hub process (the reference system's shape), the same signed ~1 KiB results at the same rates, in one run. Latency is until the last of the 7 receivers accepted a message; the sustained rate is the highest with 100 % delivery and p99 ≤ 100 ms. All 8 nodes share 2 cores, so absolute rates are a box-wide capacity; CPU per message per node is what carries over. See test/bench/gossip/README.md.",
  columns: {
    'p50 mesh/hub': 'mesh p50 ÷ hub p50 at the same rate (lower is better; > 1 means the mesh is slower)',
    'p99 mesh/hub': 'mesh p99 ÷ hub p99 (lower is better)',
    'cpu mesh/hub': 'CPU per message per node, mesh ÷ hub (lower is better)',
    'total cpu mesh/hub': 'whole-system CPU per message (hub process included), mesh ÷ hub',
    'max mesh/hub': 'sustained rate, mesh ÷ hub (higher is better)',
  },
  async run({ repeats, scale }) {
    const quick = scale < 1
    const caseMs = Math.max(MIN_CASE_MS, Math.round(CASE_MS * scale))
    // A quick run is a smoke test (CI, < 60 s): shorter waits for an overloaded step's backlog.
    const waits = quick ? QUICK_CLUSTER_OPTIONS : DEFAULT_CLUSTER_OPTIONS
    const cluster = await startCluster((msg) => console.error(`gossip: ${msg}`), waits)
    try {
      await cluster.startMesh()
      const mesh = await measureTransport(cluster, 'mesh', { repeats, caseMs, quick })
      await cluster.switchToHub()
      const hub = await measureTransport(cluster, 'hub', { repeats, caseMs, quick })
      return rows(mesh, hub)
    } finally {
      await cluster.kill()
    }
  },
}
