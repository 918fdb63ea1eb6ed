import type { BenchDoc, BenchMachine, BenchRow } from './doc.js'
import { renderLinePlot } from './plot.js'
import { collectTargets, type TargetLine } from './targets.js'

/** A rendered report: the markdown and the SVG files it links (paths relative to the repo root). */
export interface RenderedReport {
  markdown: string
  svgs: { path: string; svg: string }[]
}

export interface RenderOptions {
  /** Where the SVGs go, relative to the markdown file. @default 'bench/results' */
  plotDir?: string
}

/** Free text as one line with single spaces, as biome's markdown formatter would leave it. */
const prose = (s: string): string => s.replace(/\s+/g, ' ').trim()

const cellText = (v: string | number | undefined): string => {
  if (v === undefined) return ''
  // Counts get separators so 350190 reads as 350,190; small numbers keep their decimals as measured.
  const s = typeof v === 'number' && Number.isInteger(v) && Math.abs(v) >= 1000 ? v.toLocaleString('en-US') : String(v)
  return prose(s).replace(/\|/g, '\\|')
}

/**
 * A markdown table with cells padded to their column's width, as biome formats markdown, so the generated
 * file passes `biome check` unchanged. Width is counted in code points (all our symbols are narrow).
 */
export function alignedTable(header: string[], rows: string[][]): string {
  const width = (t: string) => [...t].length
  const widths = header.map((h, i) => Math.max(3, width(h), ...rows.map((r) => width(r[i] ?? ''))))
  const line = (cells: string[]) =>
    `| ${widths.map((w, i) => (cells[i] ?? '') + ' '.repeat(w - width(cells[i] ?? ''))).join(' | ')} |`
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n')
}

/** A markdown table over the union of the rows' columns, in first-seen order. */
export function markdownTable(rows: BenchRow[]): string {
  const cols: string[] = []
  for (const r of rows) for (const k of Object.keys(r)) if (!cols.includes(k)) cols.push(k)
  if (cols.length === 0) return '_no rows_'
  return alignedTable(
    cols.map((c) => cellText(c)),
    rows.map((r) => cols.map((c) => cellText(r[c]))),
  )
}

const verdictText = (met: boolean | null) => (met === true ? 'met' : met === false ? '**not met**' : 'n/a')

function libsText(libs: Record<string, string> | undefined): string {
  if (libs === undefined) return 'not recorded'
  return Object.entries(libs)
    .map(([name, v]) => `${name} ${v}`)
    .join(', ')
}

function machineSection(m: BenchMachine): string {
  return [
    '## Machine',
    '',
    alignedTable(
      ['', ''],
      [
        ['CPU', `${m.cpu}, ${m.cores} cores (${m.platform})`],
        ['memory', `${m.memGiB} GiB`],
        ['OS / kernel', `${m.os ?? 'not recorded'} / ${m.kernel ?? 'not recorded'}`],
        ['Node', m.node],
        ['libraries', libsText(m.libs)],
      ].map((r) => r.map(cellText)),
    ),
  ].join('\n')
}

/** The fields that make two runs' figures incomparable when they differ. */
function machineDiff(a: BenchMachine, b: BenchMachine): string[] {
  const keys = ['cpu', 'cores', 'memGiB', 'node', 'kernel'] as const
  return keys.filter((k) => a[k] !== undefined && b[k] !== undefined && a[k] !== b[k]).map((k) => `${k} ${a[k]}`)
}

function targetsSection(targets: TargetLine[]): string {
  const judged = targets.filter((t) => t.met !== null)
  const met = judged.filter((t) => t.met).length
  const rows = targets.map((t) => [
    `[${t.bench}](#${t.bench})`,
    cellText(t.label),
    cellText(t.figure),
    cellText(t.target),
    verdictText(t.met),
    cellText(t.met === true ? '' : (t.whyNot ?? '')),
  ])
  return [
    '## Targets',
    '',
    targets.length === 0
      ? 'No bench declares a target.'
      : `${met} of ${judged.length} judged targets met${judged.length < targets.length ? ` (${targets.length - judged.length} not judged in these runs)` : ''}.`,
    ...(targets.length === 0 ? [] : ['', alignedTable(['bench', 'what', 'figure', 'target', 'met', 'why not'], rows)]),
  ].join('\n')
}

function benchSection(doc: BenchDoc, header: BenchMachine, plotDir: string, svgs: RenderedReport['svgs']): string {
  const out = [`## ${doc.name}`, '', `_${prose(doc.description)}_`, '']
  if (doc.about) out.push(prose(doc.about), '')
  const diff = machineDiff(doc.machine, header)
  const commit = doc.commit ? `commit \`${doc.commit.slice(0, 12)}\`` : 'commit not recorded'
  out.push(
    `Run ${doc.date}, ${commit}; repeats ${doc.options.repeats}, scale ${doc.options.scale}${diff.length ? `; on a different machine: ${diff.join(', ')}` : ''}.`,
    '',
    markdownTable(doc.rows),
  )
  const columns = Object.entries(doc.columns ?? {})
  if (columns.length) out.push('', ...columns.map(([c, what]) => `- \`${c}\`: ${prose(what)}`))
  for (const plot of doc.plots ?? []) {
    const path = `${plotDir}/${plot.file}.svg`
    svgs.push({ path, svg: renderLinePlot(plot) })
    out.push('', `![${plot.title}](${path})`)
  }
  const targets = collectTargets(doc)
  if (targets.length) {
    out.push('', `Targets: ${targets.map((t) => `${t.label} ${verdictText(t.met)}`).join('; ')}.`)
  }
  for (const note of doc.notes ?? []) out.push('', `Note: ${prose(note)}`)
  return out.join('\n')
}

/**
 * BENCHMARKS.md from the benches' JSON documents: machine, the targets summary, then one section per bench
 * (sorted by name) with its table, column notes, plots and targets. Pure: the caller writes the files.
 */
export function renderReport(docs: BenchDoc[], opts: RenderOptions = {}): RenderedReport {
  const plotDir = opts.plotDir ?? 'bench/results'
  const sorted = [...docs].sort((a, b) => a.name.localeCompare(b.name))
  // The newest run's machine heads the report; a bench run elsewhere says so in its own section.
  const newest = [...sorted].sort((a, b) => b.date.localeCompare(a.date))[0]
  const svgs: RenderedReport['svgs'] = []
  const parts = [
    '# Benchmarks',
    '',
    '<!-- Generated by test/bench/report from bench/results/*.json: edit the benches, then `npm run bench` (or `npm run bench -- --report` to regenerate only). -->',
    '',
    'Each figure is the median over repeats of one `npm run bench` run; every ratio compares figures measured in the same run on this machine. How to run and add benches: [test/bench/README.md](test/bench/README.md).',
  ]
  if (newest === undefined) return { markdown: `${parts.join('\n')}\n\nNo results yet.\n`, svgs }
  parts.push('', machineSection(newest.machine), '', targetsSection(sorted.flatMap(collectTargets)))
  parts.push('', '## Benches', '', ...sorted.map((d) => `- [${d.name}](#${d.name}): ${cellText(d.description)}`))
  for (const doc of sorted) parts.push('', benchSection(doc, newest.machine, plotDir, svgs))
  return { markdown: `${parts.join('\n')}\n`, svgs }
}
