/**
 * Follow the indexer's realtime feed (`/v1/feed`, backend-indexer/src/feeds/README.md): subscribe to some
 * channels, hand every snapshot and event to the caller, and end when the caller aborts or the feed fails.
 */
import WebSocket from 'ws'
import { FEED_CONNECT_TIMEOUT_MS, FEED_PATH } from './constants.js'
import { StatusError } from './errors.js'

/** A snapshot (the channel's state at subscribe time) or a live event. */
export interface FeedMessage {
  type: 'snapshot' | 'event'
  channel: string
  seq: number
  /** Event kind (`result`, `job`, `status`, `scores`, …); absent on snapshots. */
  kind?: string
  data: unknown
}

/** Options of {@link followFeed}. */
export interface FollowFeedInit {
  /** The indexer's REST root (`http(s)://…`); the feed is `ws(s)://…/v1/feed`. */
  url: string
  channels: readonly string[]
  /** Called for every snapshot and event, in order; a throw ends the feed with that error. */
  onMessage(m: FeedMessage): void
  /** Called once every channel is subscribed (events published after this reach `onMessage`). */
  onReady?(): void
  /** Aborting ends the feed normally. */
  signal: AbortSignal
  /** @default FEED_CONNECT_TIMEOUT_MS */
  connectTimeoutMs?: number
  /**
   * The seq of the last event received before a reconnect: the indexer replays what came after it, or
   * answers `resync_required` (its history no longer reaches back), and then the channel starts over with a
   * snapshot.
   */
  resume?: number
}

/** The feed's WebSocket URL for an indexer REST root. */
export function feedUrl(url: string): string {
  const u = new URL(FEED_PATH, url.endsWith('/') ? url : `${url}/`)
  u.protocol = u.protocol === 'https:' ? 'wss:' : 'ws:'
  return u.toString()
}

/**
 * Follow the feed until `signal` aborts (resolves) or the connection fails, closes or refuses a
 * subscription (rejects with `MINER_STATUS_FEED_FAILED`).
 */
export function followFeed(init: FollowFeedInit): Promise<void> {
  const url = feedUrl(init.url)
  return new Promise<void>((resolve, reject) => {
    if (init.signal.aborted) return resolve()
    const ws = new WebSocket(url, { handshakeTimeout: init.connectTimeoutMs ?? FEED_CONNECT_TIMEOUT_MS })
    const pending = new Set(init.channels)
    let done = false
    const finish = (err?: unknown) => {
      if (done) return
      done = true
      init.signal.removeEventListener('abort', onAbort)
      if (ws.readyState === WebSocket.OPEN) ws.close(1000)
      else ws.terminate()
      if (err === undefined) resolve()
      else reject(err)
    }
    const fail = (reason: string) =>
      finish(new StatusError({ code: 'MINER_STATUS_FEED_FAILED', url, reason }, `feed ${url}: ${reason}`))
    const onAbort = () => finish()
    init.signal.addEventListener('abort', onAbort, { once: true })

    const subscribe = (channel: string, resume?: number) =>
      ws.send(JSON.stringify({ op: 'subscribe', channel, id: channel, ...(resume === undefined ? {} : { resume }) }))
    ws.on('open', () => {
      for (const channel of init.channels) subscribe(channel, init.resume)
    })
    ws.on('message', (raw: Buffer, isBinary: boolean) => {
      if (done) return
      let msg: Record<string, unknown>
      try {
        msg = JSON.parse(isBinary ? '' : raw.toString('utf8')) as Record<string, unknown>
      } catch {
        return fail('the indexer sent a frame that is not JSON')
      }
      try {
        handle(msg)
      } catch (err) {
        finish(err)
      }
    })
    ws.on('error', (err) => fail(err.message))
    ws.on('close', (code, reason) => fail(`closed by the indexer (${code}${reason.length ? ` ${reason}` : ''})`))

    function handle(msg: Record<string, unknown>): void {
      const channel = String(msg.channel ?? '')
      switch (msg.type) {
        case 'subscribed':
          pending.delete(channel)
          if (pending.size === 0) init.onReady?.()
          return
        case 'snapshot':
          init.onMessage({ type: 'snapshot', channel, seq: Number(msg.seq), data: msg.data })
          return
        case 'event':
          init.onMessage({ type: 'event', channel, seq: Number(msg.seq), kind: String(msg.kind), data: msg.data })
          return
        case 'error':
          fail(`${String(msg.code)}: ${String(msg.message)}${channel ? ` (${channel})` : ''}`)
          return
        case 'resync_required':
          // Too far behind to replay: start the channel over from a snapshot.
          subscribe(channel)
          return
        default:
          // heartbeat, pong, unsubscribed: nothing to do.
          return
      }
    }
  })
}
