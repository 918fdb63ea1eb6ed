import { BenchReportError } from './errors.js'

/**
 * A line plot a bench declares in its output (`plots`); `renderLinePlot` turns it into a standalone SVG.
 * Plain data, so it is stored in the bench's JSON and the report can redraw it without rerunning.
 *
 * @example
 * ```ts
 * const spec: PlotSpec = {
 *   file: 'e2e-first-result',
 *   title: 'commitment → first result',
 *   x: { label: 'miners', log: true },
 *   y: { label: 'seconds' },
 *   series: [{ name: '3 validators', points: [[10, 4.1], [50, 6.3], [200, 14.2]] }],
 * }
 * writeFileSync('plot.svg', renderLinePlot(spec))
 * ```
 */
export interface PlotSpec {
  /** File name stem: the report writes `bench/results/<file>.svg`. Letters, digits, `-`, `_`, `.` only. */
  file: string
  title: string
  /** The x axis, or just its label. */
  x: PlotAxis | string
  /** The y axis, or just its label. @default no label, linear */
  y?: PlotAxis | string
  series: PlotSeries[]
}

export interface PlotAxis {
  label: string
  /** Logarithmic scale (base 10); every value on the axis must then be > 0. @default false */
  log?: boolean
  /** Force the axis range; otherwise it spans the data, widened to round ticks. */
  min?: number
  max?: number
}

export interface PlotSeries {
  name: string
  /** `[x, y]` pairs, drawn in the given order (sort by x for a curve). Non-finite points are dropped. */
  points: ReadonlyArray<readonly [number, number]>
}

/** Pixel size of the drawing; the legend sits right of the plot area. */
export interface PlotSize {
  width: number
  height: number
}

const DEFAULT_SIZE: PlotSize = { width: 720, height: 420 }
const MARGIN = { left: 72, right: 180, top: 44, bottom: 56 }
// Okabe–Ito palette: distinguishable with the common colour-vision deficiencies.
const COLORS = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#000000', '#F0E442']
const FILE_RE = /^[A-Za-z0-9._-]+$/

/**
 * Round, evenly spaced ticks (about `count` intervals) from the last round value ≤ `min` to the first
 * ≥ `max`, e.g. (3, 97) → 0, 20, 40, 60, 80, 100.
 */
export function linearTicks(min: number, max: number, count = 5): number[] {
  if (min === max) return [min]
  const raw = (max - min) / count
  const mag = 10 ** Math.floor(Math.log10(raw))
  const step = ([1, 2, 5, 10].find((m) => m * mag >= raw) ?? 10) * mag
  // Rounded to the step's decimals, so 3 × 0.1 prints as 0.3.
  const digits = Math.max(0, -Math.floor(Math.log10(step)))
  const first = Math.floor(min / step + 1e-9)
  const last = Math.ceil(max / step - 1e-9)
  return Array.from({ length: last - first + 1 }, (_, k) => Number(((first + k) * step).toFixed(digits)))
}

/** Ticks for a log axis: every power of ten, plus 2× and 5× when the range spans fewer than 3 decades. */
export function logTicks(min: number, max: number): number[] {
  const lo = Math.floor(Math.log10(min))
  const hi = Math.ceil(Math.log10(max))
  const mults = hi - lo < 3 ? [1, 2, 5] : [1]
  const ticks: number[] = []
  for (let e = lo; e <= hi; e++) {
    for (const m of mults) {
      const v = Number((m * 10 ** e).toPrecision(6))
      if (v >= min * (1 - 1e-9) && v <= max * (1 + 1e-9)) ticks.push(v)
    }
  }
  return ticks
}

/** Short tick label: 1500 → "1.5k", 2000000 → "2M", 0.25 → "0.25". */
export function formatTick(v: number): string {
  const a = Math.abs(v)
  const short = (n: number, unit: string) => `${Number(n.toPrecision(3))}${unit}`
  if (a >= 1e9) return short(v / 1e9, 'G')
  if (a >= 1e6) return short(v / 1e6, 'M')
  if (a >= 1e4) return short(v / 1e3, 'k')
  return String(Number(v.toPrecision(4)))
}

/** The nearest of 1, 2, 5 × 10^k below (or above) `v`. */
function niceLog(v: number, dir: 'down' | 'up'): number {
  const e = Math.floor(Math.log10(v))
  const steps = [1, 2, 5, 10].map((m) => Number((m * 10 ** e).toPrecision(6)))
  return dir === 'down' ? steps.filter((s) => s <= v * (1 + 1e-9)).pop()! : steps.find((s) => s >= v * (1 - 1e-9))!
}

interface Scale {
  ticks: number[]
  /** Maps a data value to [0, 1] along the axis. */
  at(v: number): number
}

function axisScale(axis: PlotAxis, values: number[], which: 'x' | 'y', plot: string): Scale {
  let min = axis.min ?? Math.min(...values)
  let max = axis.max ?? Math.max(...values)
  if (axis.log) {
    if (min <= 0) throw plotError(plot, `${which} axis is logarithmic but has a value ≤ 0 (${min})`)
    if (min === max) [min, max] = [min / 2, max * 2]
    // Widen to the nearest 1-2-5 step, so the ends sit on ticks without wasting most of a decade.
    const lo = axis.min ?? niceLog(min, 'down')
    const hi = axis.max ?? niceLog(max, 'up')
    const span = Math.log10(hi) - Math.log10(lo)
    return { ticks: logTicks(lo, hi), at: (v) => (Math.log10(v) - Math.log10(lo)) / span }
  }
  if (min === max) [min, max] = min === 0 ? [0, 1] : [Math.min(0, min), Math.max(0, max)]
  const ticks = linearTicks(min, max)
  const lo = axis.min ?? ticks[0]!
  const hi = axis.max ?? ticks[ticks.length - 1]!
  return { ticks: ticks.filter((t) => t >= lo && t <= hi), at: (v) => (v - lo) / (hi - lo) }
}

function plotError(plot: string, reason: string): BenchReportError {
  return new BenchReportError({ code: 'BENCH_PLOT_INVALID', plot, reason }, `plot ${plot}: ${reason}`)
}

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')
}

const px = (v: number) => Number(v.toFixed(1))
const axisOf = (a: PlotAxis | string | undefined): PlotAxis => (typeof a === 'object' ? a : { label: a ?? '' })

/**
 * Render `spec` as a standalone SVG document (axes with ticks and grid, one polyline with point markers
 * per series, a legend, the title). Throws `BENCH_PLOT_INVALID` for a bad file name, no finite points,
 * or a value ≤ 0 on a log axis.
 */
export function renderLinePlot(spec: PlotSpec, size: PlotSize = DEFAULT_SIZE): string {
  if (!FILE_RE.test(spec.file)) throw plotError(spec.file, 'file must match [A-Za-z0-9._-]+')
  const series = spec.series.map((s) => ({
    name: s.name,
    points: s.points.filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y)),
  }))
  const all = series.flatMap((s) => s.points)
  if (all.length === 0) throw plotError(spec.file, 'no finite points in any series')
  const xAxis = axisOf(spec.x)
  const yAxis = axisOf(spec.y)
  const xs = axisScale(
    xAxis,
    all.map(([x]) => x),
    'x',
    spec.file,
  )
  const ys = axisScale(
    yAxis,
    all.map(([, y]) => y),
    'y',
    spec.file,
  )
  const w = size.width - MARGIN.left - MARGIN.right
  const h = size.height - MARGIN.top - MARGIN.bottom
  const X = (v: number) => px(MARGIN.left + xs.at(v) * w)
  const Y = (v: number) => px(MARGIN.top + (1 - ys.at(v)) * h)
  const bottom = MARGIN.top + h
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${size.width}" height="${size.height}" viewBox="0 0 ${size.width} ${size.height}" font-family="sans-serif" font-size="12">`,
    `<title>${esc(spec.title)}</title>`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    `<text x="${px(MARGIN.left + w / 2)}" y="24" text-anchor="middle" font-size="15" font-weight="bold">${esc(spec.title)}</text>`,
  ]
  for (const t of xs.ticks) {
    out.push(
      `<line x1="${X(t)}" y1="${MARGIN.top}" x2="${X(t)}" y2="${bottom}" stroke="#e5e5e5"/>`,
      `<text x="${X(t)}" y="${bottom + 18}" text-anchor="middle">${esc(formatTick(t))}</text>`,
    )
  }
  for (const t of ys.ticks) {
    out.push(
      `<line x1="${MARGIN.left}" y1="${Y(t)}" x2="${MARGIN.left + w}" y2="${Y(t)}" stroke="#e5e5e5"/>`,
      `<text x="${MARGIN.left - 8}" y="${px(Y(t) + 4)}" text-anchor="end">${esc(formatTick(t))}</text>`,
    )
  }
  out.push(
    `<rect x="${MARGIN.left}" y="${MARGIN.top}" width="${w}" height="${h}" fill="none" stroke="#333"/>`,
    `<text x="${px(MARGIN.left + w / 2)}" y="${size.height - 14}" text-anchor="middle">${esc(xAxis.label)}${xAxis.log ? ' (log)' : ''}</text>`,
    `<text transform="translate(18 ${px(MARGIN.top + h / 2)}) rotate(-90)" text-anchor="middle">${esc(yAxis.label)}${yAxis.log ? ' (log)' : ''}</text>`,
  )
  series.forEach((s, i) => {
    const color = COLORS[i % COLORS.length]!
    const pts = s.points.map(([x, y]) => `${X(x)},${Y(y)}`)
    if (pts.length > 1) {
      out.push(`<polyline fill="none" stroke="${color}" stroke-width="2" points="${pts.join(' ')}"/>`)
    }
    for (const [x, y] of s.points) out.push(`<circle cx="${X(x)}" cy="${Y(y)}" r="3" fill="${color}"/>`)
    const ly = MARGIN.top + 8 + i * 20
    const lx = MARGIN.left + w + 16
    out.push(
      `<line x1="${lx}" y1="${ly}" x2="${lx + 20}" y2="${ly}" stroke="${color}" stroke-width="2"/>`,
      `<circle cx="${lx + 10}" cy="${ly}" r="3" fill="${color}"/>`,
      `<text x="${lx + 26}" y="${ly + 4}">${esc(s.name)}</text>`,
    )
  })
  out.push('</svg>')
  return `${out.join('\n')}\n`
}
