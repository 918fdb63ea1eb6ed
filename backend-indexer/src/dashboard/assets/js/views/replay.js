// Episode replay: the scene drawn step by step with play / pause / scrub and a marked timeline.

import { api } from '../api.js'
import { h, replace, table } from '../dom.js'
import { fixed, short } from '../format.js'
import { createScene, frameOfStep } from '../replay/scene.js'
import { createTimeline } from '../replay/timeline.js'
import { card, note } from './parts.js'

const STEPS_PER_SECOND = 30
const SPEEDS = [0.25, 0.5, 1, 2, 4]

function outcome(doc) {
  if (doc.success) return h('span', { class: 'ok' }, `✓ success at step ${doc.successStep}`)
  return h(
    'span',
    { class: 'bad' },
    `✗ failed${doc.error ? ` (${doc.error})` : ''}, no success in ${doc.frames.length} frames`,
  )
}

function createPlayer(root, doc) {
  const n = doc.frames.length
  const scene = createScene(doc)
  let t = 0
  let playing = false
  let speed = 1
  let raf = 0
  let lastTs
  let acc = 0

  const timeline = createTimeline(doc, (frame) => seek(frame))
  const playButton = h('button', { id: 'replay-play', type: 'button', onclick: () => (playing ? pause() : play()) })
  const back = h('button', { type: 'button', title: 'previous step (←)', onclick: () => seek(t - 1) }, '◀')
  const fwd = h('button', { type: 'button', title: 'next step (→)', onclick: () => seek(t + 1) }, '▶')
  const scrub = h('input', {
    id: 'replay-scrub',
    type: 'range',
    min: 0,
    max: n - 1,
    step: 1,
    value: 0,
    'aria-label': 'step',
    oninput: (e) => seek(Number(e.target.value)),
  })
  const speedSelect = h(
    'select',
    { id: 'replay-speed', 'aria-label': 'speed', onchange: (e) => (speed = Number(e.target.value)) },
    SPEEDS.map((v) => h('option', { value: v, selected: v === 1 }, `${v}×`)),
  )
  const readout = h('span', { id: 'replay-readout', class: 'mono' })
  const coords = scene.names.map((name) => {
    const cells = [h('td', null), h('td', null), h('td', null)]
    return { name, cells, row: h('tr', null, h('td', null, name), cells) }
  })

  const section = h(
    'section',
    { class: 'card replay', id: 'replay', dataset: { frame: 0, frames: n, playing: false } },
    h(
      'h2',
      null,
      `Replay · ${doc.envId} / ${doc.taskId}`,
      h(
        'span',
        { class: 'sub' },
        ` episode ${doc.episodeIndex} of `,
        h('a', { href: `#/result/${encodeURIComponent(doc.resultId)}`, class: 'mono' }, short(doc.resultId, 8, 0)),
      ),
    ),
    h(
      'div',
      { class: 'replay-body' },
      h('div', { class: 'scene-wrap' }, scene.el),
      h(
        'div',
        { class: 'replay-side' },
        h(
          'dl',
          { class: 'facts' },
          h('dt', null, 'Seed'),
          h('dd', { class: 'mono' }, doc.seed),
          h('dt', null, 'Outcome'),
          h('dd', { id: 'replay-outcome' }, outcome(doc)),
        ),
        table(
          ['Point', 'x', 'y', 'z'],
          coords.map((c) => c.row),
          { class: 'coords' },
        ),
      ),
    ),
    h('div', { class: 'controls' }, playButton, back, fwd, scrub, speedSelect, readout),
    timeline.el,
  )
  replace(root, section)

  const successFrame = doc.success ? frameOfStep(doc, doc.successStep) : null

  function update() {
    const frame = doc.frames[t]
    scene.update(t)
    timeline.update(t)
    scrub.value = String(t)
    playButton.textContent = playing ? '❚❚ Pause' : '▶ Play'
    readout.textContent = `step ${frame.t} / ${doc.frames[n - 1].t} · reward ${fixed(frame.reward)}${frame.success ? ' · success' : ''}`
    for (const c of coords) {
      const p = scene.positions.get(c.name)?.[t]
      for (let k = 0; k < 3; k++) c.cells[k].textContent = p ? fixed(p[k]) : '—'
    }
    section.dataset.frame = String(t)
    section.dataset.playing = String(playing)
    section.classList.toggle('succeeded', successFrame !== null && t >= successFrame)
  }

  function seek(frame) {
    t = Math.min(n - 1, Math.max(0, Math.round(frame)))
    acc = 0
    update()
  }

  function tick(ts) {
    if (!playing) return
    if (lastTs !== undefined) {
      acc += ((ts - lastTs) / 1000) * STEPS_PER_SECOND * speed
      const steps = Math.floor(acc)
      if (steps > 0) {
        acc -= steps
        t = Math.min(n - 1, t + steps)
        update()
      }
    }
    lastTs = ts
    if (t >= n - 1) pause()
    else raf = requestAnimationFrame(tick)
  }

  function play() {
    if (t >= n - 1) t = 0
    playing = true
    lastTs = undefined
    acc = 0
    cancelAnimationFrame(raf)
    raf = requestAnimationFrame(tick)
    update()
  }

  function pause() {
    playing = false
    cancelAnimationFrame(raf)
    update()
  }

  const onKey = (e) => {
    // Form controls handle their own keys, and a focused button already clicks on Space.
    const target = e.target
    if (target instanceof HTMLInputElement || target instanceof HTMLSelectElement) return
    if (target instanceof HTMLButtonElement && e.key === ' ') return
    if (e.key === ' ') {
      e.preventDefault()
      if (playing) pause()
      else play()
    } else if (e.key === 'ArrowLeft') seek(t - 1)
    else if (e.key === 'ArrowRight') seek(t + 1)
  }
  document.addEventListener('keydown', onKey)

  update()
  if (!window.matchMedia('(prefers-reduced-motion: reduce)').matches) play()

  return {
    destroy() {
      pause()
      document.removeEventListener('keydown', onKey)
    },
  }
}

export function mountReplay(root, _ctx, { resultId, index }) {
  const ac = new AbortController()
  let player
  replace(root, card('Replay', note('Loading replay…')))
  api
    .replay(resultId, index, { signal: ac.signal })
    .then((doc) => {
      if (!Array.isArray(doc.frames) || doc.frames.length === 0) {
        replace(root, card('Replay', note('This replay has no frames.')))
        return
      }
      player = createPlayer(root, doc)
    })
    .catch((err) => {
      if (ac.signal.aborted) return
      const text = err.code === 'API_REPLAY_UNAVAILABLE' ? 'No replay is stored for this episode.' : err.message
      replace(root, card('Replay', note(text, 'error')))
    })
  return () => {
    ac.abort()
    player?.destroy()
  }
}
