import { Agent, request } from 'node:http'
import { hrtime } from 'node:process'
import { percentile } from '../harness.js'

// The load generator of the indexer API bench, run in its own process so it never competes with the server
// for the event loop: `connections` keep-alive sockets, each sending its next GET as soon as the previous
// answer's body has been read (closed loop). Prints one JSON line per run (`LoadRun`), then `done`.
//
// Clock: `process.hrtime.bigint()` (CLOCK_MONOTONIC), per request from write to the last body byte.

/** One case of a plan: a path and how many requests to time (after `warmup` untimed ones). */
export interface LoadCase {
  name: string
  path: string
  requests: number
  warmup: number
}

/** What the parent passes as the single argv argument (JSON). */
export interface LoadPlan {
  origin: string
  connections: number
  /** Runs, in order; a case may appear several times (repeats, interleaved). */
  runs: LoadCase[]
}

/** One timed run. */
export interface LoadRun {
  name: string
  requests: number
  errors: number
  firstError?: string
  elapsedMs: number
  reqPerSec: number
  p50Ms: number
  p99Ms: number
  /** Body bytes of the last answer (all answers of a case have the same body). */
  bodyBytes: number
}

function get(agent: Agent, origin: string, path: string): Promise<{ status: number; bytes: number }> {
  return new Promise((resolve, reject) => {
    const req = request(`${origin}${path}`, { agent, method: 'GET' }, (res) => {
      let bytes = 0
      res.on('data', (chunk: Buffer) => {
        bytes += chunk.length
      })
      res.on('end', () => resolve({ status: res.statusCode ?? 0, bytes }))
      res.on('error', reject)
    })
    req.on('error', reject)
    req.end()
  })
}

async function runCase(agent: Agent, plan: LoadPlan, c: LoadCase): Promise<LoadRun> {
  const lat: number[] = []
  let errors = 0
  let firstError: string | undefined
  let bodyBytes = 0
  let issued = 0
  const total = c.warmup + c.requests
  let t0 = 0n
  const worker = async (): Promise<void> => {
    while (issued < total) {
      const i = issued++
      if (i === c.warmup) t0 = hrtime.bigint()
      const s = hrtime.bigint()
      try {
        const r = await get(agent, plan.origin, c.path)
        if (r.status !== 200) throw new Error(`HTTP ${r.status}`)
        bodyBytes = r.bytes
      } catch (err) {
        errors++
        firstError ??= err instanceof Error ? err.message : String(err)
      }
      if (i >= c.warmup) lat.push(Number(hrtime.bigint() - s) / 1e6)
    }
  }
  await Promise.all(Array.from({ length: plan.connections }, worker))
  const elapsedMs = Number(hrtime.bigint() - t0) / 1e6
  lat.sort((a, b) => a - b)
  return {
    name: c.name,
    requests: lat.length,
    errors,
    ...(firstError === undefined ? {} : { firstError }),
    elapsedMs,
    reqPerSec: (lat.length / elapsedMs) * 1000,
    p50Ms: percentile(lat, 50),
    p99Ms: percentile(lat, 99),
    bodyBytes,
  }
}

const plan = JSON.parse(process.argv[2] ?? '{}') as LoadPlan
const agent = new Agent({ keepAlive: true, maxSockets: plan.connections })
for (const c of plan.runs) console.log(JSON.stringify(await runCase(agent, plan, c)))
agent.destroy()
console.log('done')
