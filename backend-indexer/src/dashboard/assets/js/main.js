// Entry point: state, live feed, header and a hash router over the views.

import { FeedClient } from './feed.js'
import { createStore } from './store.js'
import { renderHeader } from './views/header.js'
import { mountJobs } from './views/jobs.js'
import { mountOverview } from './views/leaderboard.js'
import { mountMiner } from './views/miner.js'
import { mountReplay } from './views/replay.js'
import { mountResult } from './views/result.js'
import { mountValidators } from './views/validators.js'

const CHANNELS = ['results', 'jobs', 'validators', 'scores']
// Aggregates the feed does not carry (health, counts) and "x s ago" labels age without events.
const POLL_MS = 30_000
const TICK_MS = 5_000

const ROUTES = [
  { re: /^#?\/?$/, nav: 'overview', mount: mountOverview },
  { re: /^#\/jobs$/, nav: 'jobs', mount: mountJobs },
  { re: /^#\/validators$/, nav: 'validators', mount: mountValidators },
  { re: /^#\/miner\/([^/]+)$/, nav: 'overview', mount: mountMiner, params: (m) => ({ hotkey: m[1] }) },
  { re: /^#\/result\/([^/]+)$/, nav: 'overview', mount: mountResult, params: (m) => ({ resultId: m[1] }) },
  {
    re: /^#\/replay\/([^/]+)\/(\d+)$/,
    nav: 'overview',
    mount: mountReplay,
    params: (m) => ({ resultId: m[1], index: Number(m[2]) }),
  },
]

const store = createStore()
const view = document.getElementById('view')
const status = document.getElementById('status')
let unmount = () => {}

function route() {
  unmount()
  const hash = location.hash
  const found = ROUTES.map((r) => ({ r, m: hash.match(r.re) })).find((x) => x.m)
  for (const link of document.querySelectorAll('nav a')) {
    link.classList.toggle(
      'active',
      found !== undefined && link.dataset.nav === found.r.nav && found.r.params === undefined,
    )
  }
  if (!found) {
    view.replaceChildren(
      Object.assign(document.createElement('p'), { className: 'error', textContent: 'No such page.' }),
    )
    unmount = () => {}
    return
  }
  let params = {}
  try {
    params = found.r.params ? found.r.params(found.m.map((x) => (x === undefined ? x : decodeURIComponent(x)))) : {}
  } catch {
    // A malformed %-escape in a pasted link.
  }
  window.scrollTo(0, 0)
  unmount = found.r.mount(view, { store }, params) ?? (() => {})
}

const wsUrl = new URL('/v1/feed', location.href)
wsUrl.protocol = location.protocol === 'https:' ? 'wss:' : 'ws:'
const feed = new FeedClient({
  url: wsUrl.href,
  channels: CHANNELS,
  onEvent: (msg) => store.applyEvent(msg),
  onSnapshot: (msg) => store.applySnapshot(msg),
  onResync: (msg) => store.resync(msg.channel),
  onState: (state, info) => store.setFeed(state, info),
})

store.subscribe((state) => renderHeader(status, state))
renderHeader(status, store.state)
window.addEventListener('hashchange', route)
window.addEventListener('online', () => feed.retryNow())
route()
store.refreshAll()
feed.start()
setInterval(() => store.refresh(['stats', 'health', 'validators'], 0), POLL_MS)
setInterval(() => renderHeader(status, store.state), TICK_MS)

// A handle for debugging from the browser console (and for the browser test's reconnect case).
window.kinitroDashboard = { store, feed }
