import { Counter, Histogram, type Registry } from 'prom-client'

/** How a replay request ended; a closed set, so it can be a label. */
export const REPLAY_OUTCOMES = ['cached', 'built', 'missing', 'corrupt', 'timeout', 'failed'] as const
export type ReplayOutcome = (typeof REPLAY_OUTCOMES)[number]

// Fetch + digests + re-simulation of one episode: milliseconds for the toy env, up to seconds for a long
// MuJoCo episode read from S3; the top bucket is the default timeout.
const BUILD_BUCKETS = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30]

/**
 * The replay source's Prometheus metrics (style.md §9): `kinitro_indexer_replay_*`, labels from closed sets.
 *
 * @example
 * ```ts
 * const replays = createReplaySource({ store, readers, environments, metrics: getReplayMetrics(register) })
 * ```
 */
export function getReplayMetrics(register: Registry) {
  const requests = new Counter<'outcome'>({
    name: 'kinitro_indexer_replay_requests_total',
    help: 'Replay requests by outcome (cached, built, missing, corrupt, timeout, failed)',
    labelNames: ['outcome'],
    registers: [register],
  })
  const build = new Histogram({
    name: 'kinitro_indexer_replay_build_seconds',
    help: 'Time to read, check and re-simulate one episode for a replay',
    buckets: BUILD_BUCKETS,
    registers: [register],
  })
  // Zero every label value up front so dashboards show flat lines rather than gaps.
  for (const o of REPLAY_OUTCOMES) requests.inc({ outcome: o }, 0)
  return { requests, build }
}

/** The metrics {@link getReplayMetrics} registers. */
export type ReplayMetrics = ReturnType<typeof getReplayMetrics>
