import type { BenchOutput, BenchRow } from '../harness.js'

/** The parts of a previous `devnet-scale.json` a partial run keeps. */
export interface PreviousRun {
  date: string
  rows: BenchRow[]
  plots?: BenchOutput['plots']
}

const key = (r: BenchRow): string => `${r.validators}x${r.miners}`

/**
 * A run of some cases (DEVNET_SCALE_CASES) on top of the previous full run: this run's rows replace the
 * previous rows of the same case, the other cases keep theirs, and plot points merge the same way. The
 * matrix takes the best part of an hour, so rerunning one case must not lose the others; a note says
 * which rows come from the earlier run.
 */
export function mergeWithPrevious(out: BenchOutput, prev: PreviousRun | undefined): BenchOutput {
  if (prev === undefined) return out
  const fresh = new Set(out.rows.map(key))
  const kept = prev.rows.filter((r) => !fresh.has(key(r)))
  if (kept.length === 0) return out
  const rows = [...kept, ...out.rows].sort(
    (a, b) => Number(a.validators) - Number(b.validators) || Number(a.miners) - Number(b.miners),
  )
  const plots = (out.plots ?? []).map((plot) => {
    const old = prev.plots?.find((p) => p.file === plot.file)
    if (old === undefined) return plot
    const names = [...new Set([...old.series.map((s) => s.name), ...plot.series.map((s) => s.name)])]
    const series = names.map((name) => {
      const ours = plot.series.find((s) => s.name === name)?.points ?? []
      const xs = new Set(ours.map(([x]) => x))
      const theirs = (old.series.find((s) => s.name === name)?.points ?? []).filter(([x]) => !xs.has(x))
      return { name, points: [...theirs, ...ours].sort((a, b) => a[0] - b[0]) }
    })
    // Series named "<n> validators": keep them in validator order.
    series.sort((a, b) => Number.parseInt(a.name, 10) - Number.parseInt(b.name, 10))
    return { ...plot, series }
  })
  const notes = [
    ...(out.notes ?? []),
    `Rows ${kept.map((r) => r.case).join(', ')} (and their plot points) are from the run of ${prev.date}; this run measured ${out.rows.map((r) => r.case).join(', ')}.`,
  ]
  return { ...out, rows, plots, notes }
}
