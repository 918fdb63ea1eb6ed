// Grouped bar chart of success rates with Wilson-interval whiskers, drawn as SVG.

import { s } from './dom.js'
import { colour, interval, pct } from './format.js'

const MARGIN = { top: 12, right: 12, bottom: 44, left: 44 }
// Legend rows: entries wrap to the chart's width. Text is 11 px; ~6.6 px per character is a safe width for
// env ids (SVG text cannot be measured before it is in the page, and the chart is built detached).
const LEGEND_ROW = 16
const LEGEND_CHAR = 6.6
const LEGEND_SWATCH = 14
const LEGEND_GAP = 16
const PLOT_HEIGHT = 180
const BAR = 16
const BAR_GAP = 3
const GROUP_GAP = 16
// Room for a group's label under it ("#12 5F3sa…" at 11 px).
const MIN_SLOT = 68

/**
 * @param {{label: string, title?: string, href?: string,
 *   values: {key: string, rate: number, lo?: number, hi?: number, detail?: string}[]}[]} groups
 * @param {string[]} keys series (one colour each, legend order)
 * @param {{caption?: string}} [options]
 */
export function successChart(groups, keys, options = {}) {
  const groupWidth = Math.max(1, keys.length) * (BAR + BAR_GAP) - BAR_GAP
  const slot = Math.max(MIN_SLOT, groupWidth + GROUP_GAP)
  const plotWidth = Math.max(240, groups.length * slot)
  const width = MARGIN.left + plotWidth + MARGIN.right
  const places = legendPlaces(keys, plotWidth)
  const top = MARGIN.top + (places.length > 0 ? (places[places.length - 1].row + 1) * LEGEND_ROW : 0)
  const height = top + PLOT_HEIGHT + MARGIN.bottom
  const y = (rate) => top + PLOT_HEIGHT * (1 - Math.min(1, Math.max(0, rate)))

  const grid = [0, 0.25, 0.5, 0.75, 1].map((t) =>
    s(
      'g',
      { class: 'grid' },
      s('line', { x1: MARGIN.left, x2: MARGIN.left + plotWidth, y1: y(t), y2: y(t) }),
      s('text', { x: MARGIN.left - 6, y: y(t) + 4, 'text-anchor': 'end' }, `${t * 100}%`),
    ),
  )

  const bars = groups.map((group, gi) => {
    const x0 = MARGIN.left + gi * slot + (slot - groupWidth) / 2
    const label = s(
      'text',
      {
        x: x0 + groupWidth / 2,
        y: top + PLOT_HEIGHT + 16,
        'text-anchor': 'middle',
        class: group.href ? 'label chart-link' : 'label',
      },
      group.label,
    )
    return s(
      'g',
      { class: 'group', 'data-group': group.label },
      s('title', null, group.title ?? group.label),
      group.values.map((v) => {
        const k = keys.indexOf(v.key)
        const x = x0 + Math.max(0, k) * (BAR + BAR_GAP)
        const top = y(v.rate)
        const whisker = typeof v.lo === 'number' && typeof v.hi === 'number'
        const mid = x + BAR / 2
        return s(
          'g',
          { class: 'bar', 'data-key': v.key },
          s(
            'title',
            null,
            `${group.title ?? group.label} · ${v.key}: ${pct(v.rate)} ${interval(v.lo, v.hi)} ${v.detail ?? ''}`,
          ),
          s('rect', { x, y: top, width: BAR, height: Math.max(0, y(0) - top), fill: colour(k) }),
          whisker && [
            s('line', { class: 'whisker', x1: mid, x2: mid, y1: y(v.hi), y2: y(v.lo) }),
            s('line', { class: 'whisker', x1: mid - 4, x2: mid + 4, y1: y(v.hi), y2: y(v.hi) }),
            s('line', { class: 'whisker', x1: mid - 4, x2: mid + 4, y1: y(v.lo), y2: y(v.lo) }),
          ],
        )
      }),
      group.href ? s('a', { href: group.href }, label) : label,
    )
  })

  const legend = keys.map((key, i) =>
    s(
      'g',
      {
        class: 'legend',
        transform: `translate(${MARGIN.left + places[i].x}, ${MARGIN.top - 4 + places[i].row * LEGEND_ROW})`,
      },
      s('rect', { width: 10, height: 10, fill: colour(i) }),
      s('text', { x: LEGEND_SWATCH, y: 9 }, key),
    ),
  )

  return s(
    'svg',
    {
      class: 'chart',
      width,
      height,
      viewBox: `0 0 ${width} ${height}`,
      role: 'img',
      'aria-label': options.caption ?? 'success rate with 95 % interval',
    },
    grid,
    s('line', { class: 'axis', x1: MARGIN.left, x2: MARGIN.left + plotWidth, y1: y(0), y2: y(0) }),
    bars,
    legend,
  )
}

/**
 * Where each legend entry goes: left to right, wrapping to a new row when the next would pass the plot's
 * right edge (a fixed step per entry drew long env ids over each other and pushed the third off the chart).
 * @param {string[]} keys
 * @param {number} width
 * @returns {{x: number, row: number}[]}
 */
function legendPlaces(keys, width) {
  let x = 0
  let row = 0
  return keys.map((key) => {
    const w = LEGEND_SWATCH + key.length * LEGEND_CHAR
    if (x > 0 && x + w > width) {
      x = 0
      row++
    }
    const place = { x, row }
    x += w + LEGEND_GAP
    return place
  })
}
