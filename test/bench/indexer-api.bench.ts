import { buildApp } from '../../backend-indexer/src/app.js'
import type { ScoresView } from '../../backend-indexer/src/scores/types.js'
import { createSqliteStore } from '../../backend-indexer/src/store/index.js'
import { buildDataset } from '../../backend-indexer/test/unit/api/dataset.js'
import { spawnTs } from '../utils/spawn.js'
import { makeTempDir } from '../utils/temp-dir.js'
import { type Bench, type BenchRow, fmt, median } from './harness.js'
import type { LoadCase, LoadPlan, LoadRun } from './indexer-api/load.js'

// The indexer's REST API under load: a listening app over a SQLite file holding 50 miners × 3 validators ×
// 20 cycles of results (3000 results, 30 000 episodes), its score snapshot from the real computeWeights, and
// a closed-loop keep-alive load generator in a second process (`indexer-api/load.ts`). Rows: `/health`
// (baseline: routing, hooks and serialization with almost no work), `/v1/leaderboard` (the dashboard's
// main read: serialize the whole snapshot) and `/v1/results?limit=100` (a store page). Cases are
// interleaved per repeat so drift hits all three alike; the table gives medians over repeats.

const CONNECTIONS = 16
const REQUESTS = 4000
const WARMUP = 200
const CASES = [
  { name: '/health (baseline)', path: '/health' },
  { name: '/v1/leaderboard', path: '/v1/leaderboard' },
  { name: '/v1/results?limit=100', path: '/v1/results?limit=100' },
] as const

export const bench: Bench = {
  name: 'indexer-api',
  description: `indexer REST API over SQLite, ${CONNECTIONS} keep-alive connections from a second process`,
  about:
    "The indexer's REST API under closed-loop load: 16 keep-alive connections from a second process against a listening app over a SQLite file with 50 miners × 3 validators × 20 cycles of results. Baseline in the same run: /health (routing, hooks and serialization with almost no work); /v1/leaderboard (the dashboard's main read) and a /v1/results page are measured against it, interleaved per repeat.",
  columns: {
    'req/s vs /health': 'req/s ÷ /health req/s (higher is better)',
    'p50 vs /health': 'p50 ÷ /health p50 (lower is better)',
  },
  async run(opts) {
    const miners = Math.max(5, Math.round(50 * opts.scale))
    const cycles = Math.max(2, Math.round(20 * opts.scale))
    const requests = Math.max(200, Math.round(REQUESTS * opts.scale))
    const warmup = Math.max(50, Math.round(WARMUP * opts.scale))
    const d = buildDataset({ miners, validators: 3, cycles, competitions: 1, episodesPerEnv: 5, envelopeBytes: 1500 })
    const tmp = makeTempDir('kinitro-api-bench-')
    const store = await createSqliteStore({ path: tmp.file('indexer.sqlite') })
    const scores: ScoresView = { current: () => d.snapshot, onUpdate: () => () => {} }
    const app = await buildApp({ store, scores, dashboard: false, rateLimit: false })
    try {
      await store.ingest(d.messages)
      await store.addCommitments(d.commitments)
      const origin = await app.listen({ host: '127.0.0.1', port: 0 })
      const runs: LoadCase[] = []
      for (let r = 0; r < opts.repeats; r++) for (const c of CASES) runs.push({ ...c, requests, warmup })
      const plan: LoadPlan = { origin, connections: CONNECTIONS, runs }
      console.error(`indexer-api: ${d.results.length} results, ${d.episodes.length} episodes; ${runs.length} runs`)
      const child = spawnTs('test/bench/indexer-api/load.ts', [JSON.stringify(plan)])
      // A guard against a hung child, not a measurement.
      await child.waitForLine((l) => l === 'done', 600_000)
      const results = child.lines.filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as LoadRun)
      return table(results, { results: d.results.length, miners, cycles })
    } finally {
      await app.close()
      await store.close()
      tmp.cleanup()
    }
  },
}

function table(runs: LoadRun[], size: { results: number; miners: number; cycles: number }): BenchRow[] {
  const per = (name: string) => runs.filter((r) => r.name === name)
  const base = per(CASES[0].name)
  const baseRps = median(base.map((r) => r.reqPerSec))
  const baseP50 = median(base.map((r) => r.p50Ms))
  return CASES.map((c) => {
    const rs = per(c.name)
    const errors = rs.reduce((a, r) => a + r.errors, 0)
    if (errors > 0)
      throw new Error(`${c.name}: ${errors} failed requests, first: ${rs.find((r) => r.firstError)?.firstError}`)
    const rps = median(rs.map((r) => r.reqPerSec))
    const p50 = median(rs.map((r) => r.p50Ms))
    return {
      case: c.name,
      'req/s': fmt(rps),
      'p50 ms': fmt(p50, 2),
      'p99 ms': fmt(median(rs.map((r) => r.p99Ms)), 2),
      'body KiB': fmt((rs[0]?.bodyBytes ?? 0) / 1024, 1),
      'req/s vs /health': fmt(rps / baseRps, 3),
      'p50 vs /health': fmt(p50 / baseP50, 2),
      runs: rs.map((r) => fmt(r.reqPerSec)).join(' '),
      data: `${size.miners} miners × 3 validators × ${size.cycles} cycles = ${size.results} results`,
    }
  })
}
