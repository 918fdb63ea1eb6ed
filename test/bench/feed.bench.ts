import { cpuUsage } from 'node:process'
import { setTimeout as sleep } from 'node:timers/promises'
import { pace } from './feed/pace.js'
import { type BenchServer, startServer, type Variant } from './feed/servers.js'
import { type RpcChild, spawnRpcChild } from './gossip/rpc.js'
import { type Bench, type BenchRow, fmt, median } from './harness.js'

// Realtime feed fan-out (issue 7): the real FeedHub inside fastify vs a naive broadcast (plain `ws.send`
// per message, no cork) in the same run, perf.md §2's method. Server in this process, N raw-TCP WebSocket
// clients in one child (feed/swarm.ts), all subscribed to `results`. Each step publishes ~1 KiB events at
// a fixed rate; an event's latency is receipt minus its *scheduled* send time (CLOCK_MONOTONIC), so a
// lagging publisher counts. A step is sustained when every copy arrived with p99 ≤ 100 ms; rates climb
// until one saturates (a copy missing, p99 past 1 s, or the publisher off schedule), which ends the ladder.
// Sustained and saturated are separate so a noisy box (other work on the 2 cores) does not end the ladder
// at the first latency spike.

const CLIENTS = 1_000
/** Events/s per step; × clients = deliveries/s offered. 20/s × 1000 = 20k msgs/s is the design rate. */
const RATES = [20, 50, 100, 200, 400, 600, 800, 1_000, 1_200, 1_500]
const QUICK_RATES = [20, 200, 1_000]
const STEP_MS = 4_000
const MIN_STEP_MS = 1_000
const P99_LIMIT_MS = 100
/** perf.md §2: at saturation latency runs to seconds. */
const SATURATED_P99_MS = 1_000
const MIN_ON_SCHEDULE = 0.9
/** perf.md summary table: coalesced ≥ 500k deliveries/s with p99 ≤ 100 ms; p99 ≤ 100 ms at 20k msgs/s. */
const TARGET_DELIVERIES = 500_000
/** Frame ≈ 1 KiB like perf.md §2: envelope ~80 B + data. */
const PAD = 'x'.repeat(940)
const DRAIN_QUIET_MS = 1_000
const SWARM_SCRIPT = 'test/bench/feed/swarm.ts'

interface SwarmEnd {
  frames: number
  open: number
  samples: number
  p50Ms: number
  p99Ms: number
  maxMs: number
  lastUs: number
  cpuUs: number
}

interface Step {
  variant: Variant
  rate: number
  clients: number
  delivery: number
  deliveriesPerSec: number
  p50Ms: number
  p99Ms: number
  maxMs: number
  /** Planned publishing time ÷ actual: < 1 when the event loop could not keep the schedule. */
  onSchedule: number
  serverCpuUsPerDelivery: number
  swarmCpuShare: number
  drops: number
  sustained: boolean
  saturated: boolean
}

async function runStep(
  variant: Variant,
  server: BenchServer,
  swarm: RpcChild,
  clients: number,
  rate: number,
  stepMs: number,
  drainMaxMs: number,
): Promise<Step> {
  await swarm.call('begin')
  const drops0 = await server.drops()
  const cpu0 = cpuUsage()
  const sent = await pace(rate, stepMs, (i, t) => server.publish({ t, i, pad: PAD }))
  const expected = sent.events * clients
  const deadline = Date.now() + drainMaxMs
  let last = -1
  let quietSince = Date.now()
  for (;;) {
    const p = await swarm.call<{ frames: number; open: number }>('progress', undefined, 60_000)
    if (p.frames >= expected || Date.now() > deadline) break
    if (p.frames !== last) {
      last = p.frames
      quietSince = Date.now()
    } else if (Date.now() - quietSince > DRAIN_QUIET_MS) break
    await sleep(50)
  }
  const cpu = cpuUsage(cpu0)
  const end = await swarm.call<SwarmEnd>('end', undefined, 60_000)
  const wallUs = end.lastUs > sent.startUs ? end.lastUs - sent.startUs : stepMs * 1000
  const delivery = end.frames / expected
  const onSchedule = (stepMs * 1000) / Math.max(1, sent.endUs - sent.startUs)
  return {
    variant,
    rate,
    clients,
    delivery,
    deliveriesPerSec: end.frames / (wallUs / 1e6),
    p50Ms: end.p50Ms,
    p99Ms: end.p99Ms,
    maxMs: end.maxMs,
    onSchedule,
    serverCpuUsPerDelivery: (cpu.user + cpu.system) / Math.max(1, end.frames),
    swarmCpuShare: end.cpuUs / wallUs,
    drops: (await server.drops()) - drops0,
    sustained: delivery >= 1 && end.p99Ms <= P99_LIMIT_MS,
    saturated: delivery < 1 || !(end.p99Ms <= SATURATED_P99_MS) || onSchedule < MIN_ON_SCHEDULE,
  }
}

/** One ladder: fresh server, connect the swarm, climb rates until a step saturates. */
async function ladder(
  variant: Variant,
  swarm: RpcChild,
  opts: { clients: number; rates: number[]; stepMs: number; drainMaxMs: number; warmup: boolean },
  log: (msg: string) => void,
): Promise<Step[]> {
  const server = await startServer(variant)
  const steps: Step[] = []
  try {
    await swarm.call('connect', { url: server.url, clients: opts.clients, channel: 'results' }, 120_000)
    // JIT and socket buffers warm up on a short, easy step that is not reported.
    if (opts.warmup) await runStep(variant, server, swarm, opts.clients, 50, 1_000, opts.drainMaxMs)
    for (const rate of opts.rates) {
      const s = await runStep(variant, server, swarm, opts.clients, rate, opts.stepMs, opts.drainMaxMs)
      log(
        `${variant} ${rate} ev/s: ${fmt(s.deliveriesPerSec)} deliveries/s, delivery ${fmt(s.delivery, 4)}, p99 ${fmt(s.p99Ms, 1)} ms`,
      )
      steps.push(s)
      if (s.saturated) break
    }
  } finally {
    await swarm.call('close')
    await server.close()
  }
  return steps
}

function stepRow(runs: Step[]): BenchRow {
  const first = runs[0] as Step
  const m = (f: (s: Step) => number, digits = 1) => fmt(median(runs.map(f)), digits)
  return {
    variant: first.variant,
    'events/s': first.rate,
    'offered msgs/s': first.rate * first.clients,
    'delivered/s': m((s) => s.deliveriesPerSec, 0),
    delivery: m((s) => s.delivery, 4),
    p50Ms: m((s) => s.p50Ms),
    p99Ms: m((s) => s.p99Ms),
    maxMs: m((s) => s.maxMs),
    onSchedule: m((s) => s.onSchedule, 3),
    'server µs/delivery': m((s) => s.serverCpuUsPerDelivery, 2),
    // CPU-normalised capacity: what one server core would deliver at this batching, independent of how
    // much of the shared box the bench process got.
    'deliveries/server-core-s': m((s) => 1e6 / s.serverCpuUsPerDelivery, 0),
    'swarm cores': m((s) => s.swarmCpuShare, 2),
    drops: runs.reduce((n, s) => n + s.drops, 0),
    sustained: runs.every((s) => s.sustained) ? 'yes' : `no (${runs.filter((s) => s.sustained).length}/${runs.length})`,
    repeats: runs.length,
  }
}

interface Summary {
  maxSustained: number
  p99AtMax: number
  peak: number
  p99At20: number
}

function summarize(steps: Step[][]): Summary {
  // Per repeat: highest sustained offered rate and the peak delivered rate; median over repeats.
  const per = steps.map((ladderSteps) => {
    const ok = ladderSteps.filter((s) => s.sustained)
    const top = ok[ok.length - 1]
    return {
      maxSustained: top === undefined ? 0 : top.rate * top.clients,
      p99AtMax: top?.p99Ms ?? Number.NaN,
      peak: Math.max(...ladderSteps.map((s) => s.deliveriesPerSec)),
      p99At20: ladderSteps.find((s) => s.rate === 20)?.p99Ms ?? Number.NaN,
    }
  })
  const m = (f: (x: (typeof per)[number]) => number) => median(per.map(f))
  return {
    maxSustained: m((x) => x.maxSustained),
    p99AtMax: m((x) => x.p99AtMax),
    peak: m((x) => x.peak),
    p99At20: m((x) => x.p99At20),
  }
}

export const bench: Bench = {
  name: 'feed',
  description: `/v1/feed fan-out of ~1 KiB events to ${CLIENTS} loopback WebSocket clients: FeedHub (prebuilt frames, cork per tick, bounded buffers) vs naive ws.send per message; sustained = all delivered and p99 ≤ ${P99_LIMIT_MS} ms`,
  about:
    "The indexer's realtime feed: ~1 KiB events fanned out to 1000 loopback WebSocket clients (raw-TCP swarm in a child process), the real FeedHub inside fastify (prebuilt frames, cork per tick, bounded buffers) against a naive ws.send per message in the same run (perf.md §2's method). Latency is receipt minus the scheduled send time; a rate is sustained when every copy arrives with p99 ≤ 100 ms. Targets from the feed issue and perf.md §2: ≥ 500k msgs/s sustained with coalesced writes, p99 ≤ 100 ms at a moderate rate (20 events/s).",
  columns: {
    'hub/naive': "the ratio row: FeedHub's figure ÷ the naive broadcast's (higher is better)",
    'server µs/delivery': 'server CPU per delivered copy',
  },
  whyNot: {
    '≥500k sustained':
      "p99 passes 100 ms well below the hub's delivery limit: the swarm and other jobs share the 2 cores with the server; perf.md §2's 600k was on an idle box, so the server needs cores of its own.",
  },
  async run({ repeats, scale }) {
    const quick = scale < 1
    const opts = {
      clients: quick ? Math.max(100, Math.round(CLIENTS * scale)) : CLIENTS,
      rates: quick ? QUICK_RATES : RATES,
      stepMs: Math.max(MIN_STEP_MS, Math.round(STEP_MS * scale)),
      drainMaxMs: quick ? 3_000 : 15_000,
      warmup: !quick,
    }
    const log = (msg: string) => console.error(`feed: ${msg}`)
    const swarm = spawnRpcChild('feed-swarm', SWARM_SCRIPT)
    const runs: Record<Variant, Step[][]> = { naive: [], hub: [] }
    try {
      await swarm.ready(120_000)
      // Variants alternate within each repeat so drifting box load hits both alike.
      for (let r = 0; r < repeats; r++) {
        for (const variant of ['naive', 'hub'] as const) runs[variant].push(await ladder(variant, swarm, opts, log))
      }
    } finally {
      await swarm.kill()
    }
    const rows: BenchRow[] = []
    for (const variant of ['naive', 'hub'] as const) {
      for (const rate of opts.rates) {
        const atRate = runs[variant].flatMap((l) => l.filter((s) => s.rate === rate))
        if (atRate.length > 0) rows.push(stepRow(atRate))
      }
    }
    const naive = summarize(runs.naive)
    const hub = summarize(runs.hub)
    for (const [variant, s] of [
      ['naive', naive],
      ['hub', hub],
    ] as const) {
      rows.push({
        variant,
        'events/s': 'summary',
        'max sustained msgs/s': s.maxSustained,
        'p99 there ms': fmt(s.p99AtMax, 1),
        'peak delivered/s': fmt(s.peak),
        'p99 at 20 ev/s ms': fmt(s.p99At20, 1),
      })
    }
    const ratio = (a: number, b: number) => (b > 0 ? fmt(a / b, 2) : 'n/a')
    rows.push({
      variant: 'hub/naive',
      'events/s': 'ratio',
      'max sustained msgs/s': ratio(hub.maxSustained, naive.maxSustained),
      'peak delivered/s': ratio(hub.peak, naive.peak),
    })
    rows.push({
      variant: 'hub',
      'events/s': 'targets',
      [`≥${TARGET_DELIVERIES / 1000}k sustained`]: quick
        ? 'n/a (quick)'
        : hub.maxSustained >= TARGET_DELIVERIES
          ? 'pass'
          : 'FAIL',
      [`p99 ≤${P99_LIMIT_MS} ms at 20 ev/s`]: hub.p99At20 <= P99_LIMIT_MS ? 'pass' : 'FAIL',
      clients: opts.clients,
      stepMs: opts.stepMs,
    })
    return rows
  },
}
