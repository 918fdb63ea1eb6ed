import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import type { BenchDoc, BenchMachine, BenchRow, BenchTarget, WhyNot } from './report/doc.js'
import { gitCommit, machineInfo as reportMachineInfo } from './report/machine.js'
import type { PlotSpec } from './report/plot.js'

export type { BenchRow, BenchTarget, PlotSpec, WhyNot }

/**
 * A named benchmark. `run` returns the rows of its table, or a {@link BenchOutput} with targets and plots
 * too; it may print progress to stderr. The optional text fields feed BENCHMARKS.md (test/bench/README.md).
 */
export interface Bench {
  name: string
  description: string
  /** One paragraph for the report: what it measures, the baseline, and which way each ratio goes. */
  about?: string
  /** What a column means, for columns whose name does not say it (a ratio: which figure over which). */
  columns?: Record<string, string>
  /** Why unmet targets are not met: one text, or texts keyed by a substring of the target's label. */
  whyNot?: WhyNot
  run(opts: BenchRunOptions): Promise<BenchRow[] | BenchOutput>
}

/** What a bench may return instead of bare rows. */
export interface BenchOutput {
  rows: BenchRow[]
  /** Targets judged in this run; without them the report reads the table's verdict columns. */
  targets?: BenchTarget[]
  /** Line plots the report draws to `bench/results/<file>.svg` and embeds. */
  plots?: PlotSpec[]
  /** Sentences printed under the table (e.g. a baseline that was skipped and why). */
  notes?: string[]
}

export interface BenchRunOptions {
  /** Repeats per case; the report uses the median. Lower for a quick smoke run. */
  repeats: number
  /** Scale factor for operation counts (1 = full size). */
  scale: number
}

export interface Measurement {
  /** Median operations per second over the repeats. */
  opsPerSec: number
  /** All repeats' ops/s, in run order, so the spread is visible. */
  runs: number[]
  /** Per-operation latency percentiles in microseconds, pooled over repeats (when sampled). */
  p50Us?: number
  p99Us?: number
}

export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b)
  const mid = s.length >> 1
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!
}

/**
 * Time `ops` operations, `repeats` times. `setup` runs before each repeat (untimed) and returns the
 * per-repeat body; `body(i)` performs operation i, or a batch of operations when `opsPerCall` > 1.
 * Latencies are sampled per call.
 */
export async function measure(opts: {
  ops: number
  repeats: number
  opsPerCall?: number
  setup: () => Promise<(i: number) => unknown> | ((i: number) => unknown)
  teardown?: () => unknown
}): Promise<Measurement> {
  const perCall = opts.opsPerCall ?? 1
  const calls = Math.max(1, Math.floor(opts.ops / perCall))
  const runs: number[] = []
  const lat: number[] = []
  for (let r = 0; r < opts.repeats; r++) {
    const body = await opts.setup()
    const t0 = performance.now()
    for (let i = 0; i < calls; i++) {
      const s = performance.now()
      const out = body(i)
      if (out instanceof Promise) await out
      lat.push((performance.now() - s) * 1000)
    }
    const secs = (performance.now() - t0) / 1000
    runs.push((calls * perCall) / secs)
    await opts.teardown?.()
  }
  lat.sort((a, b) => a - b)
  return { opsPerSec: median(runs), runs, p50Us: percentile(lat, 50), p99Us: percentile(lat, 99) }
}

/** CPU, cores, memory, kernel, distribution, Node and key library versions. */
export function machineInfo(): BenchMachine {
  return reportMachineInfo()
}

/** Bare rows or a full output, as a full output. */
export function toOutput(result: BenchRow[] | BenchOutput): BenchOutput {
  return Array.isArray(result) ? { rows: result } : result
}

/**
 * Print a table and write `<outDir>/<name>.json`: rows, targets, plots, the bench's report texts, options,
 * machine, date and commit — everything BENCHMARKS.md is generated from.
 */
export function report(
  bench: Bench,
  result: BenchRow[] | BenchOutput,
  opts: BenchRunOptions,
  outDir = 'bench/results',
): string {
  const out = toOutput(result)
  console.log(`\n## ${bench.name}: ${bench.description}`)
  console.table(out.rows)
  for (const t of out.targets ?? []) {
    const verdict = t.met === true ? 'met' : t.met === false ? 'NOT MET' : 'n/a'
    console.log(`target ${t.label}: ${t.figure} (target ${t.target}) ${verdict}`)
  }
  for (const note of out.notes ?? []) console.log(`note: ${note}`)
  mkdirSync(outDir, { recursive: true })
  const file = join(outDir, `${bench.name}.json`)
  const doc: BenchDoc = {
    name: bench.name,
    description: bench.description,
    about: bench.about,
    date: new Date().toISOString(),
    commit: gitCommit(),
    machine: machineInfo(),
    options: opts,
    rows: out.rows,
    columns: bench.columns,
    targets: out.targets,
    whyNot: bench.whyNot,
    plots: out.plots,
    notes: out.notes,
  }
  writeFileSync(file, `${JSON.stringify(doc, null, 2)}\n`)
  return file
}

export function fmt(n: number, digits = 0): number {
  return Number(n.toFixed(digits))
}
