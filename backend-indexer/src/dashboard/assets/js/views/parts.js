// Pieces several views share.

import { h } from '../dom.js'
import { interval, pct, short } from '../format.js'

/** A titled panel. */
export function card(title, ...children) {
  return h('section', { class: 'card' }, title ? h('h2', null, title) : null, ...children)
}

/** A muted one-line message (empty list, loading, error). */
export function note(text, kind = 'muted') {
  return h('p', { class: kind }, text)
}

export function minerLink(hotkey) {
  return h('a', { href: `#/miner/${encodeURIComponent(hotkey)}`, class: 'mono', title: hotkey }, short(hotkey))
}

export function resultLink(messageId, text) {
  return h(
    'a',
    { href: `#/result/${encodeURIComponent(messageId)}`, class: 'mono', title: messageId },
    text ?? short(messageId, 8, 0),
  )
}

export function hotkey(value) {
  return h('span', { class: 'mono', title: value }, short(value))
}

/** A success rate with its Wilson interval as text and as a bar with the interval shaded. */
export function rateCell(rate, lo, hi, title) {
  const clamp = (x) => `${Math.round(Math.min(1, Math.max(0, x ?? 0)) * 1000) / 10}%`
  return h(
    'div',
    { class: 'rate', title },
    h('span', { class: 'value' }, pct(rate)),
    h('span', { class: 'ci' }, interval(lo, hi)),
    h(
      'div',
      { class: 'minibar' },
      h('div', { class: 'fill', style: { width: clamp(rate) } }),
      typeof lo === 'number' && typeof hi === 'number'
        ? h('div', { class: 'range', style: { left: clamp(lo), width: clamp(hi - lo) } })
        : null,
    ),
  )
}

/** One validator's progress on a job: state badge and episodes done / total. */
export function progress(status) {
  const total = Math.max(0, status.episodesTotal ?? 0)
  const done = Math.min(total, Math.max(0, status.episodesDone ?? 0))
  const ratio = total > 0 ? done / total : status.state === 'done' ? 1 : 0
  return h(
    'div',
    { class: 'progress-row', 'data-validator': status.validator, 'data-state': status.state },
    h('span', { class: 'mono', title: status.validator }, short(status.validator)),
    h('span', { class: `badge state-${status.state}` }, status.state),
    h(
      'div',
      {
        class: 'progress',
        role: 'progressbar',
        'aria-valuemin': 0,
        'aria-valuemax': total,
        'aria-valuenow': done,
        title: status.detail || undefined,
      },
      h('div', { class: `fill state-${status.state}`, style: { width: `${Math.round(ratio * 1000) / 10}%` } }),
    ),
    h('span', { class: 'count' }, `${done}/${total}`),
  )
}

export function yesNo(value) {
  return h('span', { class: value ? 'ok' : 'bad' }, value ? '✓' : '✗')
}
