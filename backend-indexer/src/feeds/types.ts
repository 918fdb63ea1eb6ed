import type { FastifyInstance } from 'fastify'

/** What an event is about. */
export type FeedEventKind = 'result' | 'job' | 'status' | 'weights' | 'peer' | 'competition' | 'scores'

/** One event the observer publishes; the hub assigns `seq` and routes it to channels. */
export interface FeedEventInput {
  kind: FeedEventKind
  /** JSON-safe payload (a store row, a score snapshot, …). */
  data: unknown
  /** Channels this event belongs to, e.g. `['results', 'competition:reach', 'miner:5F…']`. */
  channels: readonly string[]
  /** The original signed envelope, when the event comes from a mesh message. */
  envelope?: Uint8Array
}

/** Builds the snapshot a new subscriber of `channel` receives. */
export type SnapshotProvider = (channel: string) => Promise<unknown>

/** The realtime hub behind `/v1/feed`. */
export interface FeedHub {
  /** Publish one event to every subscriber of its channels; returns the seq it got. Never blocks. */
  publish(event: FeedEventInput): number
  /** Register the `/v1/feed` WebSocket route on an app (needs `@fastify/websocket`, which this registers). */
  register(app: FastifyInstance): Promise<void>
  /** Connected clients now. */
  clients(): number
  /** Close every client (code 1001) and stop timers. */
  close(): Promise<void>
}
