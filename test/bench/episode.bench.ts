import { randomBytes } from 'node:crypto'
import { createToyEnvironment, TOY_POINT_REACH_ID, toyExpertAction } from '../../evaluator/src/env/toy/index.js'
import { evaluateJob } from '../../evaluator/src/episode/evaluate-job.js'
import { runEpisode } from '../../evaluator/src/episode/run-episode.js'
import { createPolicyClient } from '../../evaluator/src/policy/client.js'
import { servePolicy } from '../../evaluator/src/policy/server.js'
import { DEFAULT_POLICY_LIMITS, type PolicyClient } from '../../evaluator/src/policy/types.js'
import { decodeObservation } from '../../evaluator/src/policy/wire.js'
import { createEpisodePool, TOY_ENV_MODULE } from '../../evaluator/src/pool/index.js'
import { type Bench, type BenchRow, fmt, type Measurement, measure } from './harness.js'

// Toy-env episodes (100 steps, proprio-only) through the episode runner: an in-process policy (baseline:
// runner + env + hash chain only), the same over real HTTP on 127.0.0.1 (policy client + server), and
// whole jobs on the worker pool with 1 and 2 workers (each worker's HTTP lane has its own policy
// server). Worker start-up is excluded: each pool runs one warm-up job first.

const LIMITS = { ...DEFAULT_POLICY_LIMITS, maxSteps: 100 }
const task = (i: number) => ({ envId: TOY_POINT_REACH_ID, taskId: 'bench', seed: i, params: {} })

function inProcess(): PolicyClient {
  return {
    endpoint: { url: 'inproc://bench' },
    health: async () => ({ status: 'ok' }),
    reset: async () => {},
    act: async (obs) => toyExpertAction(obs),
    close() {},
  }
}

async function expertServer() {
  return servePolicy({ act: (wire) => toyExpertAction(decodeObservation(wire)) })
}

function row(name: string, m: Measurement, baseline: number, steps: number): BenchRow {
  return {
    case: name,
    'episodes/s': fmt(m.opsPerSec, 1),
    'steps/s': fmt(m.opsPerSec * steps),
    'vs in-process': fmt(m.opsPerSec / baseline, 3),
    runs: m.runs.map((r) => fmt(r, 1)).join(' / '),
  }
}

export const bench: Bench = {
  name: 'episode',
  description: 'toy-env episodes/s: runner in-process vs over HTTP, and the worker pool with 1 vs 2 workers',
  about:
    'Toy-env episodes (100 steps, proprio-only) per second through the episode runner: with an in-process policy (the baseline: runner, env and hash chain only), the same policy over real HTTP on 127.0.0.1, and whole jobs on the evaluation worker pool with 1 and 2 workers (warm workers; start-up excluded). The gap to the baseline is the policy round trip.',
  columns: {
    'vs in-process':
      "episodes/s ÷ the in-process runner's episodes/s (higher is better; 1 = no cost over the baseline)",
  },
  async run(opts) {
    const n = (full: number) => Math.max(2, Math.round(full * opts.scale))
    const rows: BenchRow[] = []
    const env = createToyEnvironment()

    const base = await measure({
      ops: n(400),
      repeats: opts.repeats,
      setup: () => (i) => runEpisode({ env, policy: inProcess(), task: task(i), episodeIndex: i, limits: LIMITS }),
    })
    rows.push(row('runEpisode, in-process policy', base, base.opsPerSec, 100))

    const server = await expertServer()
    const client = createPolicyClient({ url: server.url }, { limits: LIMITS })
    const http = await measure({
      ops: n(60),
      repeats: opts.repeats,
      setup: () => (i) => runEpisode({ env, policy: client, task: task(i), episodeIndex: i, limits: LIMITS }),
    })
    client.close()
    await server.close()
    rows.push(row('runEpisode, HTTP policy', http, base.opsPerSec, 100))

    for (const size of [1, 2]) {
      const servers = await Promise.all(Array.from({ length: size }, () => expertServer()))
      const lanes = servers.map((s) => createPolicyClient({ url: s.url }, { limits: LIMITS }))
      const pool = createEpisodePool({ size, envModule: TOY_ENV_MODULE })
      const perJob = n(40)
      const job = (i: number, episodesPerTask: number) =>
        evaluateJob({
          jobId: randomBytes(32),
          cycleStartBlockHash: Buffer.alloc(32, i),
          tasks: [{ envId: TOY_POINT_REACH_ID, taskId: 'bench', params: {} }],
          episodesPerTask,
          limits: LIMITS,
          lanes,
          pool,
        })
      await job(255, size)
      const m = await measure({
        ops: perJob,
        opsPerCall: perJob,
        repeats: opts.repeats,
        setup: () => (i) => job(i, perJob),
      })
      rows.push(row(`evaluateJob on pool, ${size} worker(s), HTTP`, m, base.opsPerSec, 100))
      await pool.close()
      for (const l of lanes) l.close()
      await Promise.all(servers.map((s) => s.close()))
    }
    return rows
  },
}
