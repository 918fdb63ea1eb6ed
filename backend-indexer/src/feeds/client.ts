import type { Socket } from 'node:net'
import type { WebSocket } from 'ws'
import type { ChannelKind } from './channels.js'
import { framePayload } from './frame.js'
import type { RequestId } from './wire.js'

/** Where a client's frames go. */
export interface FrameSink {
  /** Bytes written but not yet taken by the kernel. */
  backlog(): number
  /** Write `frames` (non-empty) as one batch; `done` runs once all of them left the process (or failed). */
  write(frames: Buffer[], done: () => void): void
}

/**
 * Prebuilt frames straight onto the connection's TCP socket, corked so a tick's frames leave in one
 * writev (perf.md §2: cork per tick 7–12× a plain send per message). Safe next to ws's own writes (close,
 * pong) because the hub never calls `ws.send`, so ws's sender never queues (it only does while
 * compressing or reading a Blob).
 */
export function socketSink(ws: WebSocket, socket: Socket): FrameSink {
  return {
    backlog: () => socket.writableLength,
    write(frames, done) {
      if (ws.readyState !== ws.OPEN || !socket.writable) return done()
      // A lone frame is one write anyway; cork/uncork would only add work at low rates.
      if (frames.length === 1) {
        socket.write(frames[0] as Buffer, done)
        return
      }
      const last = frames.length - 1
      socket.cork()
      for (let i = 0; i < last; i++) socket.write(frames[i] as Buffer)
      socket.write(frames[last] as Buffer, done)
      socket.uncork()
    },
  }
}

/** Fallback when the TCP socket is not reachable (e.g. `app.injectWS`): one `ws.send` per frame. */
export function wsSendSink(ws: WebSocket): FrameSink {
  return {
    backlog: () => ws.bufferedAmount,
    write(frames, done) {
      if (ws.readyState !== ws.OPEN) return done()
      const last = frames.length - 1
      for (let i = 0; i < last; i++) ws.send(framePayload(frames[i] as Buffer), { binary: false })
      ws.send(framePayload(frames[last] as Buffer), { binary: false }, () => done())
    },
  }
}

/** One channel a client asked for. Live once its snapshot (or replay) went out. */
export interface Subscription {
  channel: string
  kind: ChannelKind
  id?: RequestId
  live: boolean
}

/**
 * One connection's state: its subscriptions and a bounded outgoing queue. Frames queued during a tick are
 * written together by {@link FeedClient.flush}; frames still in flight (written, not yet taken by the
 * kernel) count toward the bound with the queue.
 */
export class FeedClient {
  readonly ws: WebSocket
  readonly subs = new Map<string, Subscription>()
  /** Set once the hub let go of the client (closed, dropped); nothing more is queued. */
  closed = false
  /** Queued in the hub's list of clients to flush this tick. */
  dirty = false
  /** Routing scratch: seq of the event being routed, and which of the client's channels carry it. */
  mark = 0
  readonly matched: string[] = []
  readonly #sink: FrameSink
  readonly #maxFrames: number
  readonly #maxBytes: number
  #out: Buffer[] = []
  #outBytes = 0
  #inFlight = 0

  constructor(ws: WebSocket, sink: FrameSink, bounds: { frames: number; bytes: number }) {
    this.ws = ws
    this.#sink = sink
    this.#maxFrames = bounds.frames
    this.#maxBytes = bounds.bytes
  }

  /** Frames waiting: queued here plus written but not yet taken by the kernel. */
  get waitingFrames(): number {
    return this.#out.length + this.#inFlight
  }

  /** Bytes waiting: queued here plus the socket's buffer. */
  get waitingBytes(): number {
    return this.#outBytes + this.#sink.backlog()
  }

  /** Queue a frame; false (nothing queued) when it would take the client over either bound. */
  enqueue(frame: Buffer): boolean {
    if (this.waitingFrames + 1 > this.#maxFrames || this.waitingBytes + frame.length > this.#maxBytes) return false
    this.#out.push(frame)
    this.#outBytes += frame.length
    return true
  }

  /** Write every queued frame in one batch; returns how many frames and bytes went. */
  flush(): { frames: number; bytes: number } {
    const frames = this.#out
    const bytes = this.#outBytes
    if (frames.length === 0) return { frames: 0, bytes: 0 }
    this.#out = []
    this.#outBytes = 0
    const n = frames.length
    this.#inFlight += n
    // One callback per batch: socket writes complete in order, so the last one covers the batch.
    this.#sink.write(frames, () => {
      this.#inFlight -= n
    })
    return { frames: n, bytes }
  }

  /** Drop whatever is queued (the client is being closed). */
  discard(): void {
    this.#out = []
    this.#outBytes = 0
  }
}
