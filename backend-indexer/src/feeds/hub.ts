import type { Socket } from 'node:net'
import fastifyWebsocket from '@fastify/websocket'
import type { FastifyInstance } from 'fastify'
import type { RawData, WebSocket } from 'ws'
import { type Logger, silentLogger } from '#protocol'
import { CHANNEL_KINDS, type ChannelKind, channelKind } from './channels.js'
import { FeedClient, type Subscription, socketSink, wsSendSink } from './client.js'
import {
  CLOSE_GOING_AWAY,
  CLOSE_GRACE_MS,
  CLOSE_TRY_AGAIN_LATER,
  FEED_PATH,
  MAX_SNAPSHOT_ATTEMPTS,
  SLOW_CONSUMER_REASON,
  WS_MAX_PAYLOAD_BYTES,
} from './constants.js'
import { FeedError } from './errors.js'
import { eventFrame, storeEvent } from './events.js'
import { encodeTextFrame } from './frame.js'
import { type FeedMetrics, getFeedMetrics } from './metrics.js'
import { type FeedHubInit, type FeedHubOptions, resolveFeedHubOptions } from './options.js'
import { HistoryRing, type StoredEvent } from './ring.js'
import type { FeedEventInput, FeedHub, SnapshotProvider } from './types.js'
import { type ClientMessage, parseClientMessage, type ServerMessage, serverMessage } from './wire.js'

/** Live subscribers of one channel. */
interface ChannelEntry {
  kind: ChannelKind
  clients: Set<FeedClient>
}

type Subscribe = Extract<ClientMessage, { op: 'subscribe' }>

const toBuffer = (data: RawData): Buffer =>
  Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data)

/**
 * The hub behind `/v1/feed` (api-spec.md, "WebSocket feed").
 *
 * - publish() gives the event the next global seq, keeps it in the resume ring, and routes it at once:
 *   each client subscribed to any of its channels gets it **once**, under the first matching channel,
 *   with `channels` listing every matching one when there are several. The frame is built once per
 *   distinct set of matching channels (almost always one per channel) and shared by every client.
 * - Frames are queued per client and written once per tick (setImmediate), corked, straight to the TCP
 *   socket as prebuilt WebSocket frames (perf.md §2).
 * - A client whose waiting frames or bytes pass the bound is closed with 1013 `slow consumer`; nothing
 *   else waits for it.
 * - A subscription is live only after its snapshot (or resume replay) was queued; events published
 *   meanwhile are replayed from the ring, so none is lost between snapshot and live delivery.
 *   Snapshot contents may overlap the events after `seq`: clients dedupe by row id.
 */
class FeedHubImpl implements FeedHub {
  readonly #opts: FeedHubOptions
  readonly #snapshot: SnapshotProvider
  readonly #log: Logger
  readonly #metrics: FeedMetrics | undefined
  readonly #ring: HistoryRing
  readonly #clients = new Set<FeedClient>()
  readonly #channels = new Map<string, ChannelEntry>()
  #dirty: FeedClient[] = []
  #flushScheduled = false
  #heartbeat: NodeJS.Timeout | undefined
  #closed = false

  constructor(init: FeedHubInit) {
    this.#opts = resolveFeedHubOptions(init)
    this.#snapshot = init.snapshot
    this.#log = (init.logger ?? silentLogger).child('indexer:feed')
    this.#ring = new HistoryRing(this.#opts.historyEvents)
    if (init.metricsRegister !== undefined) {
      this.#metrics = getFeedMetrics(init.metricsRegister)
      this.#metrics.observe({ clients: () => this.clients(), subscriptions: () => this.#subscriptionCounts() })
    }
  }

  publish(input: FeedEventInput): number {
    const event = storeEvent(input, this.#ring.last + 1)
    this.#ring.push(event)
    this.#metrics?.published.inc({ kind: event.kind })
    this.#route(event)
    return event.seq
  }

  async register(app: FastifyInstance): Promise<void> {
    if (!app.hasDecorator('websocketServer')) {
      await app.register(fastifyWebsocket, { options: { maxPayload: WS_MAX_PAYLOAD_BYTES } })
    }
    app.get(FEED_PATH, { websocket: true }, (ws, req) => this.#attach(ws, req.raw.socket))
  }

  clients(): number {
    return this.#clients.size
  }

  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    this.#stopHeartbeat()
    this.#flush()
    const closing: Promise<void>[] = []
    const sockets: WebSocket[] = []
    for (const c of [...this.#clients]) {
      this.#detach(c)
      sockets.push(c.ws)
      if (c.ws.readyState !== c.ws.CLOSED) closing.push(new Promise((resolve) => c.ws.once('close', () => resolve())))
      c.ws.close(CLOSE_GOING_AWAY, 'server shutting down')
    }
    let grace: NodeJS.Timeout | undefined
    await Promise.race([
      Promise.all(closing),
      new Promise<void>((resolve) => {
        grace = setTimeout(resolve, CLOSE_GRACE_MS)
      }),
    ])
    clearTimeout(grace)
    // Clients that never answered the close handshake are cut rather than waited for.
    for (const ws of sockets) if (ws.readyState !== ws.CLOSED) ws.terminate()
  }

  #attach(ws: WebSocket, socket: Socket | undefined): void {
    if (this.#closed) {
      ws.close(CLOSE_GOING_AWAY, 'server shutting down')
      return
    }
    const sink = socket !== undefined && typeof socket.cork === 'function' ? socketSink(ws, socket) : wsSendSink(ws)
    const c = new FeedClient(ws, sink, { frames: this.#opts.bufferFrames, bytes: this.#opts.bufferBytes })
    this.#clients.add(c)
    this.#startHeartbeat()
    ws.on('message', (data, isBinary) => this.#onMessage(c, toBuffer(data), isBinary))
    ws.on('close', () => this.#detach(c))
    ws.on('error', (err) => this.#log.debug('feed socket error', { message: err.message }))
  }

  #onMessage(c: FeedClient, raw: Buffer, isBinary: boolean): void {
    if (c.closed) return
    let msg: ClientMessage
    try {
      msg = parseClientMessage(raw, isBinary)
    } catch (err) {
      // Only FeedError is expected; anything else is a bug, logged rather than thrown from a socket listener.
      if (err instanceof FeedError) this.#sendError(c, err)
      else this.#log.error('feed message handling failed', {}, err)
      return
    }
    const id = msg.id === undefined ? {} : { id: msg.id }
    if (msg.op === 'ping') {
      this.#sendMessage(c, { type: 'pong', ...id })
    } else if (msg.op === 'unsubscribe') {
      this.#unlink(c, msg.channel)
      this.#sendMessage(c, { type: 'unsubscribed', channel: msg.channel, ...id })
    } else {
      void this.#subscribe(c, msg).catch((err: unknown) => this.#log.error('feed subscribe failed', {}, err))
    }
  }

  async #subscribe(c: FeedClient, msg: Subscribe): Promise<void> {
    const { channel, resume } = msg
    const id = msg.id === undefined ? {} : { id: msg.id }
    const kind = channelKind(channel)
    if (kind === undefined) {
      const err = new FeedError({ code: 'API_FEED_UNKNOWN_CHANNEL', channel }, 'unknown channel')
      return this.#sendError(c, err, { ...id, channel })
    }
    if (!c.subs.has(channel) && c.subs.size >= this.#opts.maxSubscriptions) {
      const limit = this.#opts.maxSubscriptions
      const err = new FeedError(
        { code: 'API_FEED_TOO_MANY_SUBSCRIPTIONS', limit },
        `at most ${limit} subscriptions per connection`,
      )
      return this.#sendError(c, err, { ...id, channel })
    }
    // Subscribing again to a channel restarts it (a client's way to resume without reconnecting).
    this.#unlink(c, channel)
    const sub: Subscription = { channel, kind, ...id, live: false }
    c.subs.set(channel, sub)
    const seq = this.#ring.last
    this.#sendMessage(c, { type: 'subscribed', channel, ...id, seq })
    if (resume !== undefined) {
      if (this.#ring.covers(resume)) return this.#goLive(c, sub, resume)
      this.#metrics?.resyncs.inc()
      this.#sendMessage(c, { type: 'resync_required', channel, oldestSeq: this.#ring.oldest })
    }
    await this.#snapshotThenLive(c, sub, seq)
  }

  async #snapshotThenLive(c: FeedClient, sub: Subscription, from: number): Promise<void> {
    const current = () => !c.closed && c.subs.get(sub.channel) === sub
    let seq = from
    for (let attempt = 1; ; attempt++) {
      let frame: Buffer
      try {
        const data = (await this.#snapshot(sub.channel)) ?? null
        frame = encodeTextFrame(serverMessage({ type: 'snapshot', channel: sub.channel, seq, data }))
      } catch (err) {
        if (!current()) return
        this.#log.warn('feed snapshot failed', { channel: sub.kind }, err)
        c.subs.delete(sub.channel)
        const fail = new FeedError({ code: 'API_FEED_SNAPSHOT_FAILED', channel: sub.channel }, 'snapshot failed')
        return this.#sendError(c, fail, { ...(sub.id === undefined ? {} : { id: sub.id }), channel: sub.channel })
      }
      if (!current()) return
      this.#send(c, frame)
      if (this.#ring.covers(seq)) return this.#goLive(c, sub, seq)
      // Over `historyEvents` events arrived while the snapshot was built: the gap cannot be replayed.
      if (attempt >= MAX_SNAPSHOT_ATTEMPTS) {
        this.#log.warn('feed snapshot outpaced by events', { channel: sub.kind, attempts: attempt })
        this.#detach(c)
        c.ws.close(CLOSE_TRY_AGAIN_LATER, 'snapshot outpaced')
        return
      }
      this.#metrics?.resyncs.inc()
      this.#sendMessage(c, { type: 'resync_required', channel: sub.channel, oldestSeq: this.#ring.oldest })
      seq = this.#ring.last
    }
  }

  /** Replay the ring after `after` for one subscription, then add it to live routing. */
  #goLive(c: FeedClient, sub: Subscription, after: number): void {
    for (const e of this.#ring.after(after)) {
      if (e.channels.includes(sub.channel)) this.#send(c, eventFrame(e, [sub.channel]))
    }
    if (c.closed) return
    sub.live = true
    let entry = this.#channels.get(sub.channel)
    if (entry === undefined) {
      entry = { kind: sub.kind, clients: new Set() }
      this.#channels.set(sub.channel, entry)
    }
    entry.clients.add(c)
  }

  #route(e: StoredEvent): void {
    const touched: FeedClient[] = []
    for (const ch of e.channels) {
      const entry = this.#channels.get(ch)
      if (entry === undefined) continue
      for (const c of entry.clients) {
        if (c.mark !== e.seq) {
          c.mark = e.seq
          c.matched.length = 0
          touched.push(c)
        }
        c.matched.push(ch)
      }
    }
    if (touched.length === 0) return
    // Channel names cannot contain '\n' (channelKind), so the joined key is unambiguous.
    const frames = new Map<string, Buffer>()
    for (const c of touched) {
      const key = c.matched.length === 1 ? (c.matched[0] as string) : c.matched.join('\n')
      let frame = frames.get(key)
      if (frame === undefined) {
        frame = eventFrame(e, c.matched)
        frames.set(key, frame)
      }
      this.#send(c, frame)
    }
  }

  #sendMessage(c: FeedClient, msg: ServerMessage): void {
    this.#send(c, encodeTextFrame(serverMessage(msg)))
  }

  #sendError(c: FeedClient, err: FeedError, extra: { id?: string | number; channel?: string } = {}): void {
    this.#metrics?.clientErrors.inc({ code: err.code })
    this.#sendMessage(c, { type: 'error', code: err.code, message: err.message, ...extra })
  }

  /** Queue one frame; a client it would take over its bound is dropped instead. */
  #send(c: FeedClient, frame: Buffer): void {
    if (c.closed) return
    if (!c.enqueue(frame)) {
      this.#dropSlow(c)
      return
    }
    if (!c.dirty) {
      c.dirty = true
      this.#dirty.push(c)
    }
    if (!this.#flushScheduled) {
      this.#flushScheduled = true
      setImmediate(() => this.#flush())
    }
  }

  #flush(): void {
    this.#flushScheduled = false
    const list = this.#dirty
    this.#dirty = []
    let frames = 0
    let bytes = 0
    for (const c of list) {
      c.dirty = false
      if (c.closed) continue
      const sent = c.flush()
      frames += sent.frames
      bytes += sent.bytes
    }
    if (frames > 0) {
      this.#metrics?.framesDelivered.inc(frames)
      this.#metrics?.bytesDelivered.inc(bytes)
    }
  }

  #dropSlow(c: FeedClient): void {
    this.#log.debug('feed slow consumer dropped', { frames: c.waitingFrames, bytes: c.waitingBytes })
    this.#metrics?.slowConsumerDrops.inc()
    this.#detach(c)
    // The close frame queues behind the unread backlog; ws cuts the socket if the handshake never ends.
    c.ws.close(CLOSE_TRY_AGAIN_LATER, SLOW_CONSUMER_REASON)
  }

  #unlink(c: FeedClient, channel: string): void {
    const sub = c.subs.get(channel)
    if (sub === undefined) return
    c.subs.delete(channel)
    if (!sub.live) return
    const entry = this.#channels.get(channel)
    entry?.clients.delete(c)
    if (entry?.clients.size === 0) this.#channels.delete(channel)
  }

  /** Forget a client: routing, subscriptions, queue. Idempotent. */
  #detach(c: FeedClient): void {
    if (c.closed) return
    c.closed = true
    c.discard()
    for (const channel of [...c.subs.keys()]) this.#unlink(c, channel)
    this.#clients.delete(c)
    if (this.#clients.size === 0) this.#stopHeartbeat()
  }

  #startHeartbeat(): void {
    if (this.#heartbeat !== undefined) return
    this.#heartbeat = setInterval(() => {
      const frame = encodeTextFrame(serverMessage({ type: 'heartbeat', seq: this.#ring.last, t: Date.now() }))
      for (const c of this.#clients) this.#send(c, frame)
    }, this.#opts.heartbeatMs)
    this.#heartbeat.unref()
  }

  #stopHeartbeat(): void {
    clearInterval(this.#heartbeat)
    this.#heartbeat = undefined
  }

  #subscriptionCounts(): Record<ChannelKind, number> {
    const counts = Object.fromEntries(CHANNEL_KINDS.map((k) => [k, 0])) as Record<ChannelKind, number>
    for (const entry of this.#channels.values()) counts[entry.kind] += entry.clients.size
    return counts
  }
}

/**
 * Create the realtime feed hub. Register it on the app with `await hub.register(app)` before `listen()`;
 * the observer calls `publish()` for each stored message.
 *
 * @example
 * ```ts
 * const hub = createFeedHub({ snapshot: async (channel) => latestResults(channel, 50) })
 * await hub.register(app)
 * hub.publish({ kind: 'result', data: row, channels: ['results', competitionChannel(row.competitionId)] })
 * await hub.close()
 * ```
 * @throws {@link FeedError} `INDEXER_FEED_BAD_OPTIONS`
 */
export function createFeedHub(init: FeedHubInit): FeedHub {
  return new FeedHubImpl(init)
}
