import type { BenchDoc, BenchRow, BenchTarget, WhyNot } from './doc.js'

/** A target in the report's summary: the bench's own, or one read off its table's verdict columns. */
export interface TargetLine extends BenchTarget {
  bench: string
}

// Benches written before structured targets mark them in their tables: a verdict column per row
// ("meets target": yes/NO, "targetMet": yes/no) or a column named after the target itself ("≥500k
// sustained": pass/FAIL). These patterns read both shapes.
const VERDICT_COLUMN = /^(meets target|target ?met)$/i
const NAMED_TARGET_COLUMN = /[≥≤<>]/
const MET = /^(yes|pass|met|ok)$/i
const NOT_MET = /^(no|fail|not met)$/i
// The figure a verdict judges: the first throughput-like column of the row.
const FIGURE_COLUMN = /\/s\b|per ?sec/i

function verdict(cell: string | number | undefined): boolean | null | undefined {
  if (typeof cell !== 'string') return undefined
  if (MET.test(cell.trim())) return true
  if (NOT_MET.test(cell.trim())) return false
  return /^n\/a/i.test(cell.trim()) ? null : undefined
}

/** The row's name: its text columns before the first number, e.g. "NORMAL · enqueue 1/txn". */
function rowLabel(row: BenchRow): string {
  const parts: string[] = []
  for (const [k, v] of Object.entries(row)) {
    if (typeof v !== 'string' || VERDICT_COLUMN.test(k) || NAMED_TARGET_COLUMN.test(k)) break
    parts.push(v)
  }
  return parts.join(' · ')
}

function formatFigure(v: string | number): string {
  return typeof v === 'number' ? v.toLocaleString('en-US') : v
}

function fromRows(doc: BenchDoc): BenchTarget[] {
  const out: BenchTarget[] = []
  for (const row of doc.rows) {
    for (const [key, cell] of Object.entries(row)) {
      const met = verdict(cell)
      if (met === undefined) continue
      if (VERDICT_COLUMN.test(key)) {
        const figureKey = Object.keys(row).find((k) => FIGURE_COLUMN.test(k) && typeof row[k] === 'number')
        out.push({
          label: rowLabel(row),
          figure: figureKey === undefined ? '' : `${formatFigure(row[figureKey]!)} ${figureKey}`,
          target: row.target === undefined ? '' : `≥ ${formatFigure(row.target)}`,
          met,
        })
      } else if (NAMED_TARGET_COLUMN.test(key)) {
        out.push({ label: `${rowLabel(row)}: ${key}`, figure: '', target: key, met })
      }
    }
  }
  return out
}

/**
 * The bench's `whyNot` text for `label`: the whole string; else the key equal to the label, the first key
 * the label contains, or `*`.
 */
export function whyNotFor(whyNot: WhyNot | undefined, label: string): string | undefined {
  if (whyNot === undefined || typeof whyNot === 'string') return whyNot
  const keys = Object.keys(whyNot)
  const key =
    keys.find((k) => k === label) ?? keys.find((k) => k !== '*' && label.includes(k)) ?? keys.find((k) => k === '*')
  return key === undefined ? undefined : whyNot[key]
}

/**
 * Every target of one bench: its structured `targets` when it gives them, else those its table marks.
 * Unmet targets take the bench's `whyNot` text for their label, falling back to their stored reason.
 */
export function collectTargets(doc: BenchDoc): TargetLine[] {
  const targets = doc.targets ?? fromRows(doc)
  return targets.map((t) => ({
    bench: doc.name,
    ...t,
    // A miss takes the bench's current text when it has one (so `--report` picks up edited reasons), else
    // the reason stored with the run; an unjudged target keeps its own (quick run, service absent).
    ...(t.met === false ? { whyNot: whyNotFor(doc.whyNot, t.label) ?? t.whyNot } : {}),
  }))
}
