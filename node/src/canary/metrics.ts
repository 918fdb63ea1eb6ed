import { Counter, Gauge, Histogram, type Registry } from 'prom-client'
import { CANARY_REASON_CODES } from './judge.js'

/** How a canary cycle ended; a closed set. */
export const CANARY_RESULTS = ['healthy', 'unhealthy', 'aborted'] as const
export type CanaryResult = (typeof CANARY_RESULTS)[number]

// A canary job runs a handful of episodes of a few seconds each: 1 s … 10 min.
const DURATION_BUCKETS = [1, 5, 15, 30, 60, 120, 300, 600]

/**
 * The canary's Prometheus metrics (style.md §9). Labels are closed sets: `result`, `reason`
 * (`CANARY_REASON_CODES`) and `policy`, which takes only the configured reference policy names.
 *
 * @example
 * ```ts
 * const metrics = getCanaryMetrics(register)
 * const runner = createCanaryRunner({ evaluate, metrics })
 * ```
 */
export function getCanaryMetrics(register: Registry) {
  const metrics = {
    runs: new Counter<'result'>({
      name: 'kinitro_node_canary_runs_total',
      help: 'Canary cycles run, by verdict',
      labelNames: ['result'],
      registers: [register],
    }),
    reasons: new Counter<'reason'>({
      name: 'kinitro_node_canary_reasons_total',
      help: 'Findings that made a canary cycle unhealthy, by reason',
      labelNames: ['reason'],
      registers: [register],
    }),
    healthy: new Gauge({
      name: 'kinitro_node_canary_healthy',
      help: '1 when the latest canary report of every competition is healthy (1 before the first)',
      registers: [register],
    }),
    successRate: new Gauge<'policy'>({
      name: 'kinitro_node_canary_success_rate',
      help: 'Success rate of each reference policy in its latest canary run',
      labelNames: ['policy'],
      registers: [register],
    }),
    duration: new Histogram<'policy'>({
      name: 'kinitro_node_canary_duration_seconds',
      help: 'Wall time of one reference policy canary evaluation',
      labelNames: ['policy'],
      buckets: DURATION_BUCKETS,
      registers: [register],
    }),
  }
  // Export every series at zero from the start, so dashboards and alerts see them before the first run.
  for (const result of CANARY_RESULTS) metrics.runs.inc({ result }, 0)
  for (const reason of CANARY_REASON_CODES) metrics.reasons.inc({ reason }, 0)
  metrics.healthy.set(1)
  return metrics
}

/** The canary metrics object. */
export type CanaryMetrics = ReturnType<typeof getCanaryMetrics>
