// Top-down (x, y) drawing of a replay's named points as SVG: a metre grid, one trail per point up to the
// current frame, and the moment of success (or of failure) pinned where it happened.

import { s } from '../dom.js'
import { colour } from '../format.js'

const SIZE = 440
// Room around the plot: metre labels on the left and bottom, marker captions on every side.
const PAD = { left: 56, right: 24, top: 28, bottom: 32 }
const NICE_STEPS = [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50]

/** The frame index of a step number (frames normally have t = index, but the document says step). */
export function frameOfStep(doc, step) {
  if (typeof step !== 'number') return null
  const i = doc.frames.findIndex((f) => f.t === step)
  return i >= 0 ? i : Math.min(doc.frames.length - 1, Math.max(0, step))
}

/** Point names in drawing order: targets under everything else. */
export function pointNames(doc) {
  const names = new Set()
  for (const f of doc.frames) for (const name of Object.keys(f.points ?? {})) names.add(name)
  return [...names].sort((a, b) => (a === 'target' ? -1 : b === 'target' ? 1 : a.localeCompare(b)))
}

/** The point that "does" the task: where the markers go. */
export function actorOf(names) {
  return ['effector', 'object', 'gripper', 'agent'].find((n) => names.includes(n)) ?? names[0]
}

function extent(doc) {
  const min = doc.bounds?.min
  const max = doc.bounds?.max
  if (Array.isArray(min) && Array.isArray(max) && [min[0], min[1], max[0], max[1]].every(Number.isFinite)) {
    return { minX: min[0], minY: min[1], maxX: max[0], maxY: max[1] }
  }
  const xs = []
  const ys = []
  for (const f of doc.frames) {
    for (const p of Object.values(f.points ?? {})) {
      xs.push(p[0])
      ys.push(p[1])
    }
  }
  return { minX: Math.min(0, ...xs), minY: Math.min(0, ...ys), maxX: Math.max(0, ...xs), maxY: Math.max(0, ...ys) }
}

function niceStep(span) {
  return NICE_STEPS.find((step) => span / step <= 8) ?? NICE_STEPS[NICE_STEPS.length - 1]
}

/** Per point, its position at every frame (a point missing from a frame keeps its last known position). */
function tracks(doc, names) {
  const out = new Map()
  for (const name of names) {
    const firstKnown = doc.frames.find((f) => f.points?.[name])?.points[name]
    let last = firstKnown
    out.set(
      name,
      doc.frames.map((f) => {
        last = f.points?.[name] ?? last
        return last
      }),
    )
  }
  return out
}

/** Caption attributes that keep a marker's text inside the scene: to the left of points on the right half. */
function caption(at, width, dx, dy) {
  const left = at[0] > width / 2
  return { x: left ? -dx : dx, y: dy, 'text-anchor': left ? 'end' : 'start' }
}

function fmtMetres(x) {
  return `${Number(x.toFixed(3))} m`
}

export function createScene(doc) {
  const names = pointNames(doc)
  const actor = actorOf(names)
  const { minX, minY, maxX, maxY } = extent(doc)
  const spanX = Math.max(maxX - minX, 1e-3)
  const spanY = Math.max(maxY - minY, 1e-3)
  const scale = SIZE / Math.max(spanX, spanY)
  const width = spanX * scale + PAD.left + PAD.right
  const height = spanY * scale + PAD.top + PAD.bottom
  const px = (x) => PAD.left + (x - minX) * scale
  const py = (y) => PAD.top + (maxY - y) * scale
  const world = tracks(doc, names)
  const screen = new Map([...world].map(([name, ps]) => [name, ps.map((p) => (p ? [px(p[0]), py(p[1])] : null))]))
  const coords = new Map(
    [...screen].map(([name, ps]) => [name, ps.map((p) => (p ? `${p[0].toFixed(1)},${p[1].toFixed(1)}` : ''))]),
  )

  const step = niceStep(Math.max(spanX, spanY))
  const grid = s('g', { class: 'grid' })
  for (let x = Math.ceil(minX / step) * step; x <= maxX + 1e-9; x += step) {
    grid.append(
      s('line', { x1: px(x), x2: px(x), y1: PAD.top, y2: height - PAD.bottom }),
      s('text', { x: px(x), y: height - PAD.bottom + 14, 'text-anchor': 'middle' }, fmtMetres(x)),
    )
  }
  for (let y = Math.ceil(minY / step) * step; y <= maxY + 1e-9; y += step) {
    grid.append(
      s('line', { x1: PAD.left, x2: width - PAD.right, y1: py(y), y2: py(y) }),
      s('text', { x: PAD.left - 4, y: py(y) + 4, 'text-anchor': 'end' }, fmtMetres(y)),
    )
  }
  grid.append(
    s(
      'text',
      { x: width - PAD.right, y: PAD.top - 8, 'text-anchor': 'end', class: 'axis-label' },
      'top view: x →, y ↑',
    ),
  )

  const layers = names.map((name, i) => {
    const isTarget = name === 'target' || name.startsWith('goal')
    const trail = s('polyline', { class: 'trail', fill: 'none', stroke: colour(i) })
    const dot = isTarget
      ? s('circle', { class: 'dot target', r: 9, fill: 'none', stroke: colour(i) })
      : s('circle', { class: 'dot', r: 6, fill: colour(i) })
    const label = s('text', { class: 'point-label', fill: colour(i) }, name)
    const g = s('g', { class: 'point', 'data-point': name }, trail, dot, label)
    // Targets are often where the effector ends up: caption them below, moving points above.
    return { name, trail, dot, label, g, dy: isTarget ? 22 : -10 }
  })

  const markers = []
  const successFrame = doc.success ? frameOfStep(doc, doc.successStep) : null
  if (successFrame !== null) {
    const at = screen.get(actor)?.[successFrame]
    if (at) {
      markers.push({
        frame: successFrame,
        el: s(
          'g',
          { class: 'marker success', 'data-testid': 'scene-success-marker', transform: `translate(${at[0]},${at[1]})` },
          s('circle', { r: 15 }),
          s('text', caption(at, width, 18, 30), `✓ success at step ${doc.frames[successFrame].t}`),
        ),
      })
    }
  } else if (doc.frames.length > 0) {
    const lastFrame = doc.frames.length - 1
    const at = screen.get(actor)?.[lastFrame]
    if (at) {
      markers.push({
        frame: lastFrame,
        el: s(
          'g',
          { class: 'marker failure', 'data-testid': 'scene-failure-marker', transform: `translate(${at[0]},${at[1]})` },
          s('line', { x1: -9, y1: -9, x2: 9, y2: 9 }),
          s('line', { x1: -9, y1: 9, x2: 9, y2: -9 }),
          s('text', caption(at, width, 14, 30), `✗ ${doc.error ?? 'no success'} at step ${doc.frames[lastFrame].t}`),
        ),
      })
    }
  }

  const el = s(
    'svg',
    { class: 'scene', viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': `top view of ${doc.envId}` },
    s('rect', {
      class: 'floor',
      x: PAD.left,
      y: PAD.top,
      width: width - PAD.left - PAD.right,
      height: height - PAD.top - PAD.bottom,
    }),
    grid,
    layers.map((l) => l.g),
    markers.map((m) => m.el),
  )

  function update(t) {
    for (const layer of layers) {
      const pts = screen.get(layer.name)
      const at = pts[t]
      layer.trail.setAttribute(
        'points',
        coords
          .get(layer.name)
          .slice(0, t + 1)
          .filter(Boolean)
          .join(' '),
      )
      layer.g.style.display = at ? '' : 'none'
      if (!at) continue
      layer.dot.setAttribute('cx', at[0])
      layer.dot.setAttribute('cy', at[1])
      layer.label.setAttribute('x', at[0] + 10)
      layer.label.setAttribute('y', at[1] + layer.dy)
    }
    for (const m of markers) m.el.classList.toggle('reached', t >= m.frame)
  }

  return { el, update, names, actor, positions: world }
}
