import type { EpisodeOutcome } from '#evaluator'
import { countsAgainstMiner, wilson } from '#protocol'

/** One row of the results table: a task, or `all`. */
export interface TaskSummary {
  envId: string
  episodes: number
  successes: number
  successRate: number
  /** Wilson 95% interval of the success rate, the statistic validators compare policies with. */
  interval: { low: number; high: number }
  /** Mean total reward per episode (informational: the metric is success). */
  meanReturn: number
  /** Median `/act` round trip over every step of the task, in milliseconds (0 when no step ran). */
  actP50Ms: number
  actP99Ms: number
  /** Episodes that ended in a failure, by failure code. */
  failures: Record<string, number>
  /** Of those, episodes the policy is accountable for (`policy_*`): validators score them as failures. */
  policyFailures: number
}

/** Nearest-rank percentile of an ascending array (0 when empty). */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0
  const rank = Math.ceil((p / 100) * sorted.length)
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))] as number
}

/** Figures of `outcomes`; `latencies` are the per-step `/act` times of the same episodes. */
export function summarize(
  envId: string,
  outcomes: readonly EpisodeOutcome[],
  latencies: readonly number[],
): TaskSummary {
  const successes = outcomes.filter((o) => o.success).length
  const failures: Record<string, number> = {}
  let policyFailures = 0
  for (const o of outcomes) {
    if (o.error === undefined) continue
    failures[o.error] = (failures[o.error] ?? 0) + 1
    if (countsAgainstMiner(o.error)) policyFailures++
  }
  const sorted = [...latencies].sort((a, b) => a - b)
  const n = outcomes.length
  return {
    envId,
    episodes: n,
    successes,
    successRate: n === 0 ? 0 : successes / n,
    interval: wilson(successes, n),
    meanReturn: n === 0 ? 0 : outcomes.reduce((s, o) => s + o.totalReward, 0) / n,
    actP50Ms: percentile(sorted, 50),
    actP99Ms: percentile(sorted, 99),
    failures,
    policyFailures,
  }
}

const pct = (x: number) => `${Math.round(x * 100)}%`

function failureText(failures: Record<string, number>): string {
  const parts = Object.entries(failures)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([code, n]) => `${code} ×${n}`)
  return parts.length === 0 ? '—' : parts.join(', ')
}

/** The results table: one row per task, then `all` when there is more than one task. */
export function formatTable(rows: readonly TaskSummary[], overall: TaskSummary): string[] {
  const header = ['task', 'success', '95% interval', 'episodes', 'mean return', 'act p50', 'failures']
  const cells = [...rows, ...(rows.length > 1 ? [overall] : [])].map((r) => [
    r.envId,
    pct(r.successRate),
    `${pct(r.interval.low)}–${pct(r.interval.high)}`,
    String(r.episodes),
    r.meanReturn.toFixed(1),
    `${r.actP50Ms.toFixed(1)} ms`,
    failureText(r.failures),
  ])
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => (c[i] ?? '').length)))
  // Numbers right-aligned, text left-aligned; the last column is not padded (no trailing spaces).
  const right = new Set([1, 3, 4, 5])
  const line = (c: readonly string[]) =>
    c
      .map((v, i) => (i === c.length - 1 ? v : right.has(i) ? v.padStart(widths[i] ?? 0) : v.padEnd(widths[i] ?? 0)))
      .join('  ')
  return [line(header), line(widths.map((w) => '─'.repeat(w))), ...cells.map(line)]
}
