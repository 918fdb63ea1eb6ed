import { Counter, Gauge, Histogram, type Registry } from 'prom-client'
import { FAILURE_CODES } from '#protocol'

/** How a weights update ended; a closed set, so it can be a label. */
export const WEIGHTS_OUTCOMES = ['set', 'committed', 'revealed', 'skipped', 'failed'] as const
export type WeightsOutcome = (typeof WEIGHTS_OUTCOMES)[number]

/** Queue states the jobs gauge reports (node/src/store `JobStateName`). */
export const JOB_STATES = ['pending', 'claimed', 'done', 'dead'] as const
export type JobState = (typeof JOB_STATES)[number]

/** Whose fault an episode failure is: the prefix of its failure code (`none` = the episode succeeded). */
export const FAILURE_PARTIES = ['none', 'policy', 'env', 'validator', 'network'] as const
export type FailureParty = (typeof FAILURE_PARTIES)[number]

/** Tables of the node store whose sizes are exported. */
export const STORE_TABLES = ['log', 'queue', 'outbox'] as const
export type StoreTable = (typeof STORE_TABLES)[number]

/** Evaluation outcomes for the duration histogram. */
export const EVALUATION_OUTCOMES = ['ok', 'failed'] as const
export type EvaluationOutcome = (typeof EVALUATION_OUTCOMES)[number]

// Evaluations run a handful of episodes of up to a few minutes each: 1 s … 30 min.
const EVALUATION_BUCKETS = [1, 5, 15, 30, 60, 120, 300, 600, 1200, 1800]

/** The party of a failure code (`policy_timeout` → `policy`); `undefined`/null → `none`. */
export function failureParty(code: string | null | undefined): FailureParty {
  if (code === null || code === undefined || code === '') return 'none'
  const prefix = code.split('_')[0]
  return (FAILURE_PARTIES as readonly string[]).includes(prefix ?? '') ? (prefix as FailureParty) : 'validator'
}

// Keep the label set provably closed: every failure code maps onto a declared party.
for (const c of FAILURE_CODES) if (failureParty(c) === 'none') throw new Error(`failure code ${c} has no party`)

/**
 * The node's Prometheus metrics (style.md §9): names `kinitro_node_<thing>_<unit>`, labels from closed
 * sets only. Gauges whose value lives elsewhere (queue states, store sizes) read it at scrape time through
 * a hook the owner installs, so the numbers are never stale and nothing has to push them.
 *
 * @example
 * ```ts
 * const register = new Registry()
 * const metrics = getNodeMetrics(register)
 * metrics.observeJobs(() => ({ pending: 3, claimed: 1, done: 10, dead: 0 }))
 * metrics.weightsSet.inc({ outcome: 'set' })
 * ```
 */
export function getNodeMetrics(register: Registry) {
  let jobsHook: (() => Partial<Record<JobState, number>>) | undefined
  let storeHook: (() => Partial<Record<StoreTable, number>>) | undefined
  const jobs = new Gauge<'state'>({
    name: 'kinitro_node_jobs',
    help: 'Jobs in the local queue by state',
    labelNames: ['state'],
    registers: [register],
    collect() {
      const counts = jobsHook?.()
      if (counts === undefined) return
      for (const s of JOB_STATES) this.set({ state: s }, counts[s] ?? 0)
    },
  })
  const storeRows = new Gauge<'table'>({
    name: 'kinitro_node_store_rows',
    help: 'Rows in the node store by table (log messages, queued jobs, unsent outbox entries)',
    labelNames: ['table'],
    registers: [register],
    collect() {
      const sizes = storeHook?.()
      if (sizes === undefined) return
      for (const t of STORE_TABLES) this.set({ table: t }, sizes[t] ?? 0)
    },
  })
  return {
    weightsSet: new Counter<'outcome'>({
      name: 'kinitro_node_weights_set_total',
      help: 'Weight updates by outcome (set, committed, revealed, skipped, failed)',
      labelNames: ['outcome'],
      registers: [register],
    }),
    weightsErrors: new Counter<'code'>({
      name: 'kinitro_node_weights_errors_total',
      help: 'Weight setter errors by NODE_WEIGHTS_* code',
      labelNames: ['code'],
      registers: [register],
    }),
    weightsRateLimitedWaits: new Counter({
      name: 'kinitro_node_weights_rate_limited_total',
      help: 'Weight updates deferred because the chain rate limit had not passed',
      registers: [register],
    }),
    weightsLastBlock: new Gauge({
      name: 'kinitro_node_weights_last_block',
      help: 'Block at which this node last set (or revealed) weights',
      registers: [register],
    }),
    jobs,
    storeRows,
    evaluationDuration: new Histogram<'outcome'>({
      name: 'kinitro_node_evaluation_duration_seconds',
      help: 'Wall time of one job evaluation',
      labelNames: ['outcome'],
      buckets: EVALUATION_BUCKETS,
      registers: [register],
    }),
    episodes: new Counter<'party'>({
      name: 'kinitro_node_episodes_total',
      help: 'Episodes evaluated, by failure party (none = succeeded)',
      labelNames: ['party'],
      registers: [register],
    }),
    /** Install the function the jobs gauge reads at scrape time (the queue owner calls this once). */
    observeJobs(hook: () => Partial<Record<JobState, number>>): void {
      jobsHook = hook
    },
    /** Install the function the store-size gauge reads at scrape time. */
    observeStore(hook: () => Partial<Record<StoreTable, number>>): void {
      storeHook = hook
    },
  }
}

/** The node's metrics object. */
export type NodeMetrics = ReturnType<typeof getNodeMetrics>
