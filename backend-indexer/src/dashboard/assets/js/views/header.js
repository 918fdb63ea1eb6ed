// The status strip in the page header: chain head, counts, scores age and the live feed's state.

import { h, replace } from '../dom.js'
import { ago, num } from '../format.js'

const FEED_LABEL = { connecting: 'connecting…', live: 'live', reconnecting: 'reconnecting…', offline: 'offline' }
const COUNTS = [
  ['competitions', 'competitions'],
  ['jobs', 'jobs'],
  ['results', 'results'],
  ['episodes', 'episodes'],
  ['validators', 'validators'],
  ['messages', 'messages'],
]

function chip(label, value, props) {
  return h('span', { class: 'chip', ...props }, h('b', null, value), ` ${label}`)
}

export function renderHeader(el, state) {
  const stats = state.stats
  const feed = state.feed
  const mesh = state.health?.mesh
  const scores = state.leaderboard
  replace(
    el,
    chip('head', `#${num(state.head)}`, { id: 'head-block', 'data-head': state.head }),
    COUNTS.map(([key, label]) => chip(label, num(stats?.[key]), { 'data-count': key, 'data-value': stats?.[key] })),
    scores
      ? chip('scored', `#${num(scores.block)}`, { title: `computed ${ago(scores.computedAt)}`, id: 'scored-block' })
      : chip('scored', '—', { id: 'scored-block' }),
    mesh ? chip('peers', num(mesh.peers), { title: mesh.synced ? 'synced' : 'catching up' }) : null,
    h(
      'span',
      {
        id: 'feed-state',
        class: `feed feed-${feed.state}`,
        'data-state': feed.state,
        title: `seq ${feed.lastSeq ?? '—'} · ${feed.events} events · last ${ago(feed.lastEventAt)}`,
      },
      h('span', { class: 'pulse' }),
      feed.state === 'reconnecting' && feed.attempt > 1
        ? `${FEED_LABEL[feed.state]} (${feed.attempt})`
        : FEED_LABEL[feed.state],
    ),
  )
}
