import { BenchReportError } from './errors.js'
import type { PlotSpec } from './plot.js'

/** One row of a benchmark's result table: a name plus measured figures. */
export type BenchRow = Record<string, string | number>

/**
 * A target a bench judged in its run. `met: null` means it could not be judged (quick run, service
 * absent); the report shows it as "n/a" and does not count it.
 */
export interface BenchTarget {
  /** What is measured, e.g. "FULL · claim+ack 2 txn/job vs pg-boss". Stable across runs. */
  label: string
  /** The measured figure with its unit, e.g. "3,364 jobs/s" or "24.6×". */
  figure: string
  /** The target with its unit and source, e.g. "≥ 10× pg-boss (issue 10)". */
  target: string
  met: boolean | null
  /** Why it is not met (or not judged), when the bench knows at run time. */
  whyNot?: string
}

/** Why unmet targets are not met: one text for all, or keyed by a substring of the target's label. */
export type WhyNot = string | Record<string, string>

/** The machine a bench ran on, as written into its JSON (older files carry only the first five fields). */
export interface BenchMachine {
  node: string
  platform: string
  cpu: string
  cores: number
  memGiB: number
  /** Kernel, e.g. "Linux 6.18.0". */
  kernel?: string
  /** Distribution, from /etc/os-release. */
  os?: string
  /** Versions of the libraries the figures depend on. */
  libs?: Record<string, string>
}

/** `bench/results/<name>.json`: everything the report needs, so it can be regenerated without a run. */
export interface BenchDoc {
  name: string
  description: string
  /** One paragraph: what it measures, the baseline, which way ratios go. */
  about?: string
  /** ISO time the run finished. */
  date: string
  /** Git commit checked out for the run (the working tree may have had changes on top). */
  commit?: string
  machine: BenchMachine
  options: { repeats: number; scale: number }
  rows: BenchRow[]
  columns?: Record<string, string>
  targets?: BenchTarget[]
  whyNot?: WhyNot
  plots?: PlotSpec[]
  notes?: string[]
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)

/** Parse and shape-check one results file; `file` names it in the error. */
export function parseBenchDoc(text: string, file: string): BenchDoc {
  const fail = (reason: string) =>
    new BenchReportError({ code: 'BENCH_RESULT_INVALID', file, reason }, `${file}: ${reason}`)
  let doc: unknown
  try {
    doc = JSON.parse(text)
  } catch (err) {
    throw fail(`not JSON (${err instanceof Error ? err.message : String(err)})`)
  }
  if (!isObject(doc)) throw fail('not a JSON object')
  for (const key of ['name', 'description', 'date'] as const) {
    if (typeof doc[key] !== 'string') throw fail(`"${key}" is not a string`)
  }
  if (!isObject(doc.machine)) throw fail('"machine" is not an object')
  if (!isObject(doc.options)) throw fail('"options" is not an object')
  if (!Array.isArray(doc.rows) || !doc.rows.every(isObject)) throw fail('"rows" is not an array of objects')
  if (doc.targets !== undefined && !Array.isArray(doc.targets)) throw fail('"targets" is not an array')
  if (doc.plots !== undefined && !Array.isArray(doc.plots)) throw fail('"plots" is not an array')
  return doc as unknown as BenchDoc
}
