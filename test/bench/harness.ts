import { mkdirSync, writeFileSync } from 'node:fs'
import { cpus, totalmem } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'

/** One row of a benchmark's result table: a name plus measured figures. */
export type BenchRow = Record<string, string | number>

/** A named benchmark. `run` returns the rows of its table; it may print progress to stderr. */
export interface Bench {
  name: string
  description: string
  run(opts: BenchRunOptions): Promise<BenchRow[]>
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

export function machineInfo(): Record<string, string | number> {
  const cpu = cpus()
  return {
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    cpu: cpu[0]?.model ?? 'unknown',
    cores: cpu.length,
    memGiB: Math.round(totalmem() / 2 ** 30),
  }
}

/** Print a table and write `bench/results/<name>.json` with the rows, options and machine. */
export function report(bench: Bench, rows: BenchRow[], opts: BenchRunOptions, outDir = 'bench/results'): string {
  console.log(`\n## ${bench.name}: ${bench.description}`)
  console.table(rows)
  mkdirSync(outDir, { recursive: true })
  const file = join(outDir, `${bench.name}.json`)
  const doc = {
    name: bench.name,
    description: bench.description,
    date: new Date().toISOString(),
    machine: machineInfo(),
    options: opts,
    rows,
  }
  writeFileSync(file, `${JSON.stringify(doc, null, 2)}\n`)
  return file
}

export function fmt(n: number, digits = 0): number {
  return Number(n.toFixed(digits))
}
