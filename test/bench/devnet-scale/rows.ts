import { type BenchRow, fmt, type PlotSpec } from '../harness.js'
import type { CaseRun } from './run-case.js'
import { parseNodeLog, type StageRow, stageBreakdown } from './stages.js'
import { minerLatencies, usageByKind } from './stats.js'

const sec = (ms: number) => fmt(ms / 1000, 1)

/** How a case ended, in words the table can show. */
export function statusOf(run: CaseRun): string {
  if (run.outcome === 'complete') return 'complete'
  const got = run.traces.filter((t) => t.firstResultBlock !== undefined).length
  const mins = Math.round(run.spec.timeoutSec / 60)
  const how =
    run.outcome === 'timeout' ? `did not finish in ${mins} min` : `devnet exited (code ${run.exitCode}) before the end`
  const nodes = run.bannerAt === undefined ? 'nodes never started' : `${got}/${run.spec.miners} miners with a result`
  return `${how}: ${nodes}, ${run.results} results, jobs done ${run.jobsDone.join('/') || '-'}`
}

/** One table row per case: latencies (median, p90; seconds and blocks), whole-cycle time, usage per kind. */
export function caseRow(run: CaseRun, baselineResultSec: number | undefined): BenchRow {
  const { spec } = run
  const lat = minerLatencies(run.traces, run.clock, spec.blockMs)
  const firstCommit = Math.min(...run.traces.map((t) => t.commitAt))
  const row: BenchRow = {
    case: `${spec.validators}v × ${spec.miners}m`,
    validators: spec.validators,
    miners: spec.miners,
    status: statusOf(run),
    'bootstrap s': run.bannerAt === undefined ? 'n/a' : sec(run.bannerAt - run.startedAt),
    'commit→result p50 s': fmt(lat.toResult.medianSec, 1),
    'commit→result p90 s': fmt(lat.toResult.p90Sec, 1),
    'commit→result p50 blocks': lat.toResult.medianBlocks,
    'result ×3v10m': baselineResultSec === undefined ? 'n/a' : fmt(lat.toResult.medianSec / baselineResultSec, 2),
    'commit→weights p50 s': fmt(lat.toWeights.medianSec, 1),
    'commit→weights p90 s': fmt(lat.toWeights.p90Sec, 1),
    'commit→weights p50 blocks': lat.toWeights.medianBlocks,
    'commit→weight>0 p50 s': fmt(lat.toNonZero.medianSec, 1),
    'commit→weight>0 p90 s': fmt(lat.toNonZero.p90Sec, 1),
    'miners with result': lat.toResult.n,
    'miners weighted >0': lat.nonZeroWeight,
    'cycle s (nodes start→all weights)':
      run.cycleAt === undefined || run.bannerAt === undefined ? 'n/a' : sec(run.cycleAt - run.bannerAt),
    'cycle s (first commit→all weights)':
      run.cycleAt === undefined || !Number.isFinite(firstCommit) ? 'n/a' : sec(run.cycleAt - firstCommit),
  }
  for (const k of usageByKind(run.usage)) {
    row[`${k.kind} n`] = k.processes
    row[`${k.kind} cpu s p50`] = fmt(k.medianCpuSec, 1)
    row[`${k.kind} rss MiB p50`] = fmt(k.medianPeakRssMiB, 0)
  }
  return row
}

/** Time-to-first-result and time-to-weights against miners, one series per validator count. */
export function scalingPlots(runs: readonly CaseRun[]): PlotSpec[] {
  const validators = [...new Set(runs.map((r) => r.spec.validators))].sort((a, b) => a - b)
  const series = (pick: 'toResult' | 'toWeights' | 'toNonZero') =>
    validators.map((v) => ({
      name: `${v} validators`,
      points: runs
        .filter((r) => r.spec.validators === v)
        .sort((a, b) => a.spec.miners - b.spec.miners)
        .map((r) => [r.spec.miners, minerLatencies(r.traces, r.clock, r.spec.blockMs)[pick].medianSec] as const),
    }))
  return [
    {
      file: 'devnet-scale-first-result',
      title: 'devnet: commitment → first result (median over miners)',
      x: { label: 'miners', log: true },
      y: { label: 'seconds' },
      series: series('toResult'),
    },
    {
      file: 'devnet-scale-weights',
      title: 'devnet: commitment → non-zero weight on chain (median over miners)',
      x: { label: 'miners', log: true },
      y: { label: 'seconds' },
      series: series('toNonZero'),
    },
  ]
}

/** The stage breakdown of one run (see stages.ts). */
export function stagesOf(run: CaseRun): StageRow[] {
  const index = new Map(run.validatorHotkeys.map((h, i) => [h, i]))
  return stageBreakdown({
    logs: run.logs.map(parseNodeLog),
    results: run.resultRows.flatMap((r) => {
      const i = index.get(r.validator)
      if (i === undefined) return []
      const ep = run.episodesMs.get(r.messageId)
      return [
        {
          jobId: r.jobId,
          validatorLog: i,
          minerHotkey: r.minerHotkey,
          block: r.block,
          startedAtBlock: r.startedAtBlock,
          seenAt: r.seenAt,
          ...(ep === undefined ? {} : { episodesMs: ep }),
        },
      ]
    }),
    commitAt: new Map(run.traces.map((t) => [t.hotkey, t.commitAt])),
    updates: run.updateBlocks,
    clock: run.clock,
    blockMs: run.spec.blockMs,
  })
}
