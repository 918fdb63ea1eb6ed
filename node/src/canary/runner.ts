import type { EpisodeOutcome } from '#evaluator'
import { type Logger, silentLogger } from '#protocol'
import { badInput, CanaryError } from './errors.js'
import { type CanaryJob, type CanaryJobsInput, canaryJobs } from './jobs.js'
import { type CanaryRun, type CanaryVerdict, type JudgeOptions, judgeCanary, type PeerCanaryReport } from './judge.js'
import type { CanaryMetrics } from './metrics.js'
import { CANARY_DEFAULTS, type ReferencePolicy } from './policies.js'

/**
 * Runs one canary job through the evaluator: start the job's policy (`job.policyDir`), evaluate its tasks
 * with its seeds, stop the policy. `createLocalCanaryEvaluator` is the node's; tests inject their own.
 * Throwing marks the policy `evaluation-failed`; the signal aborts it.
 */
export type CanaryEvaluate = (
  job: CanaryJob,
  options: { signal: AbortSignal },
) => Promise<{ episodes: EpisodeOutcome[] }>

/** Options of {@link createCanaryRunner}. */
export interface CanaryRunnerInit {
  evaluate: CanaryEvaluate
  /** @default silentLogger */
  logger?: Logger
  metrics?: CanaryMetrics
  /** @default defaultReferencePolicies() */
  policies?: readonly ReferencePolicy[]
  /** @default CANARY_DEFAULTS.maxEpisodesPerTask (4) */
  maxEpisodesPerTask?: number
  judge?: JudgeOptions
  /** Reports kept (oldest dropped). @default CANARY_DEFAULTS.history (64) */
  history?: number
  /** @default Date.now */
  now?: () => number
}

/** One cycle of one competition, as {@link CanaryRunner.runCycle} takes it. */
export interface CanaryCycleInput extends Omit<CanaryJobsInput, 'policies' | 'maxEpisodesPerTask'> {
  /** Peers' fingerprints for this cycle's canary jobs known so far; more can come via `addPeerReports`. */
  peers?: readonly PeerCanaryReport[]
}

/** Which cycle a report is about. */
export interface CanaryCycleKey {
  netuid: number
  competitionId: string
  cycle: number
}

/** A judged cycle: the verdict plus where and when. */
export interface CanaryReport extends CanaryVerdict, CanaryCycleKey {
  /** Hex hash of the cycle start block the seeds derive from. */
  cycleStartBlockHash: string
  startedAt: number
  finishedAt: number
  /** Peers whose fingerprints were compared (any policy). */
  peersSeen: number
}

/** The canary service: one cycle at a time, bounded history, abortable. */
export interface CanaryRunner {
  /**
   * Runs (or returns the kept report of) a competition's canaries for a cycle: every reference policy, one
   * after the other, then {@link judgeCanary}. Calls for the same cycle share one run (so the first
   * caller's signal aborts it for all); calls for other cycles queue behind it.
   * @throws CanaryError `NODE_CANARY_ABORTED` (signal or `stop()`), `NODE_CANARY_BAD_INPUT`
   */
  runCycle(input: CanaryCycleInput, options?: { signal?: AbortSignal }): Promise<CanaryReport>
  /** Adds peers' fingerprints for a kept cycle and re-judges it; `undefined` when the cycle is not kept. */
  addPeerReports(key: CanaryCycleKey, peers: readonly PeerCanaryReport[]): CanaryReport | undefined
  /** Kept reports, oldest first. */
  reports(): CanaryReport[]
  /** The most recent report of a competition. */
  latest(competitionId: string, netuid?: number): CanaryReport | undefined
  /** True when the most recent report of every competition is healthy (and before any report). */
  healthy(): boolean
  /** Aborts the running cycle and refuses new ones; idempotent. */
  stop(): Promise<void>
}

interface Kept {
  key: string
  runs: CanaryRun[]
  peers: Map<string, PeerCanaryReport>
  report: CanaryReport
}

// Peers' fingerprints kept per cycle: a few hundred validators × reference policies.
const MAX_PEER_REPORTS = 1024

const keyOf = (k: CanaryCycleKey) => `${k.netuid}|${k.competitionId}|${k.cycle}`

/** Creates the canary runner. */
export function createCanaryRunner(init: CanaryRunnerInit): CanaryRunner {
  const log = (init.logger ?? silentLogger).child('node:canary')
  const history = init.history ?? CANARY_DEFAULTS.history
  if (!Number.isSafeInteger(history) || history < 1) throw badInput('history', 'must be an integer ≥ 1')
  const now = init.now ?? Date.now
  const controller = new AbortController()
  const kept: Kept[] = []
  const inflight = new Map<string, Promise<CanaryReport>>()
  let queue: Promise<unknown> = Promise.resolve()

  const find = (key: string) => kept.find((k) => k.key === key)

  function addPeers(entry: Kept, peers: readonly PeerCanaryReport[]): void {
    for (const p of peers) {
      const id = `${p.peer}|${p.policy}`
      entry.peers.delete(id)
      entry.peers.set(id, p)
      // Oldest first out: Map iteration follows insertion order.
      if (entry.peers.size > MAX_PEER_REPORTS) entry.peers.delete(entry.peers.keys().next().value as string)
    }
  }

  function judge(entry: Kept, base: Omit<CanaryReport, keyof CanaryVerdict | 'peersSeen'>): CanaryReport {
    const peers = [...entry.peers.values()]
    const verdict = judgeCanary({ runs: entry.runs, peers, ...(init.judge ? { options: init.judge } : {}) })
    return { ...base, ...verdict, peersSeen: new Set(peers.map((p) => p.peer)).size }
  }

  function healthy(): boolean {
    const latest = new Map<string, CanaryReport>()
    for (const { report } of kept) latest.set(`${report.netuid}|${report.competitionId}`, report)
    return [...latest.values()].every((r) => r.healthy)
  }

  function publish(report: CanaryReport, previous?: CanaryReport): void {
    const m = init.metrics
    if (m !== undefined) {
      if (previous === undefined) m.runs.inc({ result: report.healthy ? 'healthy' : 'unhealthy' })
      const before = new Set(previous?.reasons.map((r) => `${r.code}|${r.policy}|${r.envId ?? ''}`))
      for (const r of report.reasons)
        if (!before.has(`${r.code}|${r.policy}|${r.envId ?? ''}`)) m.reasons.inc({ reason: r.code })
      for (const v of Object.values(report.perPolicy)) m.successRate.set({ policy: v.policy }, v.successRate)
      m.healthy.set(healthy() ? 1 : 0)
    }
    const ctx = { competitionId: report.competitionId, cycle: report.cycle, peers: report.peersSeen }
    if (report.healthy) log.info('canary healthy', ctx)
    else
      log.warn('canary unhealthy', {
        ...ctx,
        reasons: report.reasons.map((r) => `${r.code}:${r.policy}${r.envId ? `:${r.envId}` : ''}`),
      })
  }

  async function evaluateOne(job: CanaryJob, signal: AbortSignal): Promise<CanaryRun> {
    const started = now()
    try {
      const out = await init.evaluate(job, { signal })
      if (!Array.isArray(out?.episodes)) return { job, error: 'evaluate returned no episode list' }
      return { job, episodes: out.episodes }
    } catch (err) {
      if (signal.aborted) throw err
      log.warn('canary evaluation failed', { policy: job.policy, competitionId: job.competitionId }, err)
      const code = (err as { code?: unknown })?.code
      const message = String((err as Error)?.message ?? err).slice(0, 500)
      return { job, error: typeof code === 'string' ? `${code}: ${message}` : message }
    } finally {
      init.metrics?.duration.observe({ policy: job.policy }, (now() - started) / 1000)
    }
  }

  async function run(input: CanaryCycleInput, key: string, signal: AbortSignal): Promise<CanaryReport> {
    const aborted = (cause?: unknown) =>
      new CanaryError(
        { code: 'NODE_CANARY_ABORTED', competitionId: input.manifest.id, cycle: input.cycle },
        `canary ${input.manifest.id} cycle ${input.cycle} aborted`,
        cause === undefined ? undefined : { cause },
      )
    if (signal.aborted) throw aborted()
    const jobs = canaryJobs({
      ...input,
      ...(init.policies === undefined ? {} : { policies: init.policies }),
      ...(init.maxEpisodesPerTask === undefined ? {} : { maxEpisodesPerTask: init.maxEpisodesPerTask }),
    })
    const startedAt = now()
    const runs: CanaryRun[] = []
    try {
      for (const job of jobs) {
        if (signal.aborted) throw aborted()
        log.debug('canary job', { policy: job.policy, competitionId: job.competitionId, cycle: job.cycle })
        runs.push(await evaluateOne(job, signal))
      }
      if (signal.aborted) throw aborted()
    } catch (err) {
      init.metrics?.runs.inc({ result: 'aborted' })
      if (err instanceof CanaryError) throw err
      throw aborted(err)
    }
    const entry: Kept = { key, runs, peers: new Map(), report: undefined as unknown as CanaryReport }
    addPeers(entry, input.peers ?? [])
    entry.report = judge(entry, {
      netuid: input.netuid,
      competitionId: input.manifest.id,
      cycle: input.cycle,
      cycleStartBlockHash: Buffer.from(input.cycleStartBlockHash).toString('hex'),
      startedAt,
      finishedAt: now(),
    })
    kept.push(entry)
    if (kept.length > history) kept.splice(0, kept.length - history)
    publish(entry.report)
    return entry.report
  }

  function addPeerReports(key: CanaryCycleKey, peers: readonly PeerCanaryReport[]): CanaryReport | undefined {
    const entry = find(keyOf(key))
    if (entry === undefined) return undefined
    const previous = entry.report
    addPeers(entry, peers)
    const { reasons: _r, perPolicy: _p, healthy: _h, peersSeen: _s, ...base } = previous
    entry.report = judge(entry, base)
    publish(entry.report, previous)
    return entry.report
  }

  return {
    runCycle(input, options = {}) {
      const key = keyOf({ netuid: input.netuid, competitionId: input.manifest.id, cycle: input.cycle })
      const done = find(key)
      if (done !== undefined) {
        if (input.peers !== undefined && input.peers.length > 0)
          return Promise.resolve(addPeerReports(done.report, input.peers) as CanaryReport)
        return Promise.resolve(done.report)
      }
      const running = inflight.get(key)
      if (running !== undefined) return running
      const signal = options.signal ? AbortSignal.any([controller.signal, options.signal]) : controller.signal
      // One cycle at a time: canaries share the evaluator's CPU with miner jobs, never with each other.
      const p = queue.then(() => run(input, key, signal)).finally(() => inflight.delete(key))
      queue = p.catch(() => {})
      inflight.set(key, p)
      return p
    },
    addPeerReports,
    reports: () => kept.map((k) => k.report),
    latest(competitionId, netuid) {
      for (let i = kept.length - 1; i >= 0; i--) {
        const r = kept[i]?.report
        if (r && r.competitionId === competitionId && (netuid === undefined || r.netuid === netuid)) return r
      }
      return undefined
    },
    healthy,
    async stop() {
      controller.abort()
      await queue
    },
  }
}
