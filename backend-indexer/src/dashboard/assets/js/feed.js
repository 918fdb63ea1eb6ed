// Client of the `/v1/feed` WebSocket: subscribes, reconnects with backoff, and resumes each channel
// from the last sequence number it saw on it, so a short outage replays the missed events instead of
// refetching everything.

const RECONNECT_MIN_MS = 500
const RECONNECT_MAX_MS = 10_000
// Three missed server heartbeats (15 s each by default) mean the connection is dead even if TCP has
// not noticed yet.
const SILENCE_MS = 45_000
// The hub sends an event once per connection, but a resume replay per channel may repeat one: apply each once.
const SEEN_LIMIT = 1024

/**
 * @typedef {'connecting' | 'live' | 'reconnecting' | 'offline'} FeedState
 * Callbacks: `onEvent(msg)` for each new event, `onSnapshot(msg)`, `onResync(msg)` when the server no
 * longer holds what we missed (a snapshot follows), `onState(state, info)`.
 */
export class FeedClient {
  constructor({ url, channels, onEvent, onSnapshot, onResync, onState, silenceMs = SILENCE_MS }) {
    this.url = url
    this.channels = channels
    this.handlers = { onEvent, onSnapshot, onResync, onState }
    this.silenceMs = silenceMs
    /** Resume cursor per channel: the highest seq the page's state reflects for it. */
    this.resume = new Map()
    /** Channels whose snapshot (or resume replay) has arrived on the current connection. */
    this.ready = new Set()
    this.seen = new Set()
    this.state = 'connecting'
    this.attempt = 0
    this.lastSeq = null
    this.lastFrameAt = null
    this.ws = null
    this.timers = { reconnect: undefined, silence: undefined }
    this.stopped = true
  }

  start() {
    if (!this.stopped) return
    this.stopped = false
    this.#connect()
  }

  stop() {
    this.stopped = true
    clearTimeout(this.timers.reconnect)
    clearTimeout(this.timers.silence)
    this.ws?.close(1000, 'page closed')
    this.#setState('offline')
  }

  /** Try now instead of waiting for the backoff (e.g. the browser went back online). */
  retryNow() {
    if (this.stopped || this.ws) return
    clearTimeout(this.timers.reconnect)
    this.#connect()
  }

  #setState(state) {
    this.state = state
    this.handlers.onState?.(state, { attempt: this.attempt, lastSeq: this.lastSeq })
  }

  #connect() {
    this.#setState(this.attempt === 0 ? 'connecting' : 'reconnecting')
    const ws = new WebSocket(this.url)
    this.ws = ws
    ws.addEventListener('open', () => {
      for (const channel of this.channels) {
        const msg = { op: 'subscribe', channel, id: channel }
        const resume = this.resume.get(channel)
        if (resume !== undefined) msg.resume = resume
        ws.send(JSON.stringify(msg))
      }
      this.#armSilence()
    })
    ws.addEventListener('message', (e) => {
      this.lastFrameAt = Date.now()
      this.#armSilence()
      let msg
      try {
        msg = JSON.parse(e.data)
      } catch {
        return
      }
      this.#handle(msg)
    })
    ws.addEventListener('close', () => {
      clearTimeout(this.timers.silence)
      this.ws = null
      this.ready.clear()
      if (this.stopped) return
      this.attempt += 1
      this.#setState('reconnecting')
      const base = Math.min(RECONNECT_MAX_MS, RECONNECT_MIN_MS * 2 ** (this.attempt - 1))
      // Jitter spreads the reconnects of many open pages after an indexer restart.
      this.timers.reconnect = setTimeout(() => this.#connect(), base * (0.5 + Math.random() / 2))
    })
  }

  #armSilence() {
    clearTimeout(this.timers.silence)
    this.timers.silence = setTimeout(() => this.ws?.close(4000, 'silent'), this.silenceMs)
  }

  #advance(channels, seq) {
    if (typeof seq !== 'number') return
    for (const channel of channels) if (!(this.resume.get(channel) >= seq)) this.resume.set(channel, seq)
    if (!(this.lastSeq >= seq)) this.lastSeq = seq
  }

  #handle(msg) {
    switch (msg.type) {
      case 'subscribed':
        // With a resume the hub queues the missed events right behind this frame; a resync_required
        // would follow instead and take the channel out of `ready` until its snapshot.
        if (this.resume.has(msg.channel)) this.ready.add(msg.channel)
        if (this.state !== 'live') {
          this.attempt = 0
          this.#setState('live')
        }
        return
      case 'snapshot':
        this.ready.add(msg.channel)
        this.#advance([msg.channel], msg.seq)
        this.handlers.onSnapshot?.(msg)
        return
      case 'resync_required':
        this.resume.delete(msg.channel)
        this.ready.delete(msg.channel)
        this.handlers.onResync?.(msg)
        return
      case 'event': {
        // The hub sends an event once per connection, listing every subscribed channel it belongs to.
        this.#advance(Array.isArray(msg.channels) ? msg.channels : [msg.channel], msg.seq)
        if (this.seen.has(msg.seq)) return
        this.seen.add(msg.seq)
        if (this.seen.size > SEEN_LIMIT) this.seen.delete(this.seen.values().next().value)
        this.handlers.onEvent?.(msg)
        return
      }
      case 'heartbeat':
        // Heartbeats share the event queue, so every event up to `seq` on a ready channel is already
        // here: moving the cursor keeps a quiet channel resumable after the hub's history rolled over.
        this.#advance([...this.ready], msg.seq)
        return
      default:
        // `pong` needs nothing; `error` frames are about our own requests, which are fixed strings.
        return
    }
  }
}
