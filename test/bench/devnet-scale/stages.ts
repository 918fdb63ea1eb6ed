import { median, percentile } from '../harness.js'
import { type BlockSample, blockTime, firstUpdateAfter } from './stats.js'

/** What the stage breakdown reads from one validator's pino log (JSON lines, ISO `time`). */
export interface NodeLogTimes {
  /** Job id prefix (16 hex, as the node logs it) → wall time the job was queued, ms. */
  queued: Map<string, number>
  /** Job id prefix → wall time the job's result was stored, ms. */
  evaluated: Map<string, number>
  /** `artifact fetched` durations, ms (a cache miss each; hits are not logged at info). */
  fetchMs: number[]
  /** Wall time of `node started` (mesh up, chain followed), ms. */
  startedAt?: number
}

/** Pull the stage timestamps out of one node log; lines that are not JSON (stack traces) are skipped. */
export function parseNodeLog(text: string): NodeLogTimes {
  const out: NodeLogTimes = { queued: new Map(), evaluated: new Map(), fetchMs: [] }
  for (const line of text.split('\n')) {
    if (!line.startsWith('{')) continue
    let rec: { msg?: string; time?: string; job?: string; ms?: number }
    try {
      rec = JSON.parse(line) as typeof rec
    } catch {
      continue
    }
    const at = rec.time === undefined ? Number.NaN : Date.parse(rec.time)
    if (rec.msg === 'job queued' && rec.job !== undefined && !out.queued.has(rec.job)) out.queued.set(rec.job, at)
    if (rec.msg === 'job evaluated' && rec.job !== undefined) out.evaluated.set(rec.job, at)
    if (rec.msg === 'artifact fetched' && typeof rec.ms === 'number') out.fetchMs.push(rec.ms)
    if (rec.msg === 'node started' && out.startedAt === undefined) out.startedAt = at
  }
  return out
}

/** One stored result of the run, with what the indexer and bench know about it. */
export interface StageResult {
  jobId: string
  validatorLog: number
  minerHotkey: string
  block: number
  startedAtBlock: number
  seenAt: number
  /** Sum of the result's episodes' `durationMs` (indexer `/v1/episodes`), when known. */
  episodesMs?: number
}

/** One row of the breakdown: a stage's median and p90 over the jobs that passed it, in seconds. */
export interface StageRow {
  stage: string
  n: number
  medianSec: number
  p90Sec: number
}

function row(stage: string, values: number[]): StageRow {
  const s = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b)
  return {
    stage,
    n: s.length,
    medianSec: s.length === 0 ? Number.NaN : median(s) / 1000,
    p90Sec: percentile(s, 90) / 1000,
  }
}

/**
 * The path of each job's first result, stage by stage: commitment → job queued on its validator (the plan
 * at the first cycle start after the commit) → evaluation started (the result's `startedAtBlock`) → stored
 * and signed (`job evaluated`) → seen at the indexer (poll-limited: up to a second late) → the first chain
 * weights update after it. Inside the evaluation, episodes are timed by the evaluator itself; fetch is a
 * cache miss's duration; the rest of the evaluation is policy start and stop plus scheduling.
 */
export function stageBreakdown(init: {
  logs: readonly NodeLogTimes[]
  results: readonly StageResult[]
  commitAt: ReadonlyMap<string, number>
  updates: readonly number[]
  clock: readonly BlockSample[]
  blockMs: number
}): StageRow[] {
  const at = (b: number) => blockTime(init.clock, b, init.blockMs)
  const boot: number[] = []
  const planned: number[] = []
  const waited: number[] = []
  const evaluating: number[] = []
  const episodes: number[] = []
  const rest: number[] = []
  const gossip: number[] = []
  const weights: number[] = []
  for (const r of init.results) {
    const log = init.logs[r.validatorLog]
    const key = r.jobId.slice(0, 16)
    const queued = log?.queued.get(key)
    const done = log?.evaluated.get(key)
    const commit = init.commitAt.get(r.minerHotkey)
    const started = at(r.startedAtBlock)
    if (log?.startedAt !== undefined && commit !== undefined) boot.push(log.startedAt - commit)
    if (queued !== undefined && log?.startedAt !== undefined) planned.push(queued - log.startedAt)
    if (queued !== undefined) waited.push(Math.max(0, started - queued))
    if (done !== undefined) {
      evaluating.push(done - started)
      if (r.episodesMs !== undefined) {
        episodes.push(r.episodesMs)
        rest.push(done - started - r.episodesMs)
      }
      gossip.push(r.seenAt - done)
      const w = firstUpdateAfter(init.updates, r.block)
      if (w !== undefined) weights.push(at(w) - done)
    }
  }
  const fetchMs = init.logs.flatMap((l) => l.fetchMs)
  return [
    row("commit → its validator's node started (devnet bootstrap, process start)", boot),
    row('node started → job queued (catch-up, cycle plan)', planned),
    row('job queued → evaluation started (queue wait)', waited),
    row('evaluation started → result stored (whole evaluation)', evaluating),
    row('  of which: artifact fetch (cache misses only)', fetchMs),
    row('  of which: episodes (evaluator-timed)', episodes),
    row('  of which: policy start/stop + scheduling (rest)', rest),
    row('result stored → seen at indexer (gossip + ingest; 1 s polls)', gossip),
    row('result stored → next weights update on chain', weights),
  ]
}
