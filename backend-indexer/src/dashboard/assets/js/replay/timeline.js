// The replay's timeline: reward per step as a line, steps where the task holds shaded, the success step
// (or the failing last frame) marked, and a playhead. Click or drag to seek.

import { h, s } from '../dom.js'
import { frameOfStep } from './scene.js'

export function createTimeline(doc, onSeek) {
  const n = doc.frames.length
  const last = Math.max(1, n - 1)
  const pos = (i) => `${(i / last) * 100}%`
  const rewards = doc.frames.map((f) => (Number.isFinite(f.reward) ? f.reward : 0))
  const lo = Math.min(0, ...rewards)
  const hi = Math.max(lo + 1e-9, ...rewards)

  const runs = []
  doc.frames.forEach((f, i) => {
    if (!f.success) return
    const prev = runs[runs.length - 1]
    if (prev && prev.end === i - 1) prev.end = i
    else runs.push({ start: i, end: i })
  })

  const graph = s(
    'svg',
    { class: 'rewards', viewBox: `0 0 ${last} 1`, preserveAspectRatio: 'none', 'aria-hidden': 'true' },
    runs.map((r) =>
      s('rect', { class: 'success-run', x: r.start, y: 0, width: Math.max(0.5, r.end - r.start), height: 1 }),
    ),
    s('polyline', {
      class: 'reward-line',
      fill: 'none',
      'vector-effect': 'non-scaling-stroke',
      points: rewards.map((r, i) => `${i},${(1 - (r - lo) / (hi - lo)).toFixed(4)}`).join(' '),
    }),
  )

  let marker = null
  if (doc.success) {
    const i = frameOfStep(doc, doc.successStep)
    if (i !== null) {
      marker = h(
        'div',
        {
          class: 'tl-marker success',
          'data-testid': 'timeline-success-marker',
          'data-frame': i,
          title: `success at step ${doc.frames[i].t}`,
        },
        h('span', null, `✓ step ${doc.frames[i].t}`),
      )
      marker.style.left = pos(i)
    }
  } else if (n > 0) {
    marker = h(
      'div',
      {
        class: 'tl-marker failure',
        'data-testid': 'timeline-failure-marker',
        'data-frame': n - 1,
        title: doc.error ?? 'never succeeded',
      },
      h('span', null, `✗ ${doc.error ?? 'no success'}`),
    )
    marker.style.left = pos(n - 1)
  }

  const playhead = h('div', { class: 'playhead' })
  const el = h('div', { class: 'timeline', title: 'click or drag to seek' }, graph, marker, playhead)

  const seekTo = (clientX) => {
    const box = el.getBoundingClientRect()
    onSeek(Math.round(((clientX - box.left) / Math.max(1, box.width)) * last))
  }
  el.addEventListener('pointerdown', (e) => {
    el.setPointerCapture(e.pointerId)
    seekTo(e.clientX)
  })
  el.addEventListener('pointermove', (e) => {
    if (el.hasPointerCapture(e.pointerId)) seekTo(e.clientX)
  })

  return {
    el,
    update(t) {
      playhead.style.left = pos(t)
    },
  }
}
