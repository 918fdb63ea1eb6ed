import { MAX_CLIENT_MESSAGE_BYTES, MAX_REQUEST_ID_CHARS } from './constants.js'
import { FeedError, type FeedErrorCode } from './errors.js'
import type { FeedEventKind } from './types.js'

// The JSON messages of `/v1/feed` (api-spec.md, "WebSocket feed"), both directions.

/** A client's correlation id, echoed on the answer. */
export type RequestId = string | number

/** A request a client sends, parsed and checked. */
export type ClientMessage =
  | { op: 'subscribe'; channel: string; id?: RequestId; resume?: number }
  | { op: 'unsubscribe'; channel: string; id?: RequestId }
  | { op: 'ping'; id?: RequestId }

/**
 * A frame the hub sends. Live events reach a client once even when several of its subscriptions carry
 * them: `channel` is the first of those and `channels` (present only when there are several) lists all.
 */
export type ServerMessage =
  | { type: 'subscribed'; channel: string; id?: RequestId; seq: number }
  | { type: 'unsubscribed'; channel: string; id?: RequestId }
  | { type: 'snapshot'; channel: string; seq: number; data: unknown }
  | { type: 'resync_required'; channel: string; oldestSeq: number }
  | {
      type: 'event'
      channel: string
      channels?: string[]
      seq: number
      kind: FeedEventKind
      data: unknown
      envelope?: string
    }
  | { type: 'heartbeat'; seq: number; t: number }
  | { type: 'pong'; id?: RequestId }
  | { type: 'error'; code: FeedErrorCode; message: string; id?: RequestId; channel?: string }

const bad = (reason: string): FeedError => new FeedError({ code: 'API_FEED_BAD_MESSAGE', reason }, reason)

function requestId(v: unknown): RequestId | undefined {
  if (v === undefined) return undefined
  if (typeof v === 'string' && v.length <= MAX_REQUEST_ID_CHARS) return v
  if (typeof v === 'number' && Number.isFinite(v)) return v
  throw bad(`id must be a string of at most ${MAX_REQUEST_ID_CHARS} characters or a finite number`)
}

/**
 * Parse one client frame.
 * @throws {@link FeedError} `API_FEED_BAD_MESSAGE` for binary or oversized frames, bad JSON or a bad shape
 */
export function parseClientMessage(raw: Buffer, isBinary: boolean): ClientMessage {
  if (isBinary) throw bad('binary frames are not accepted; send JSON text')
  if (raw.length > MAX_CLIENT_MESSAGE_BYTES) throw bad(`message over ${MAX_CLIENT_MESSAGE_BYTES} bytes`)
  let msg: unknown
  try {
    msg = JSON.parse(raw.toString('utf8'))
  } catch {
    throw bad('not JSON')
  }
  if (typeof msg !== 'object' || msg === null || Array.isArray(msg)) throw bad('expected a JSON object')
  const m = msg as Record<string, unknown>
  const id = requestId(m.id)
  const withId = <T extends object>(o: T): T & { id?: RequestId } => (id === undefined ? o : { ...o, id })
  if (m.op === 'ping') return withId({ op: 'ping' as const })
  if (m.op !== 'subscribe' && m.op !== 'unsubscribe') throw bad('op must be subscribe, unsubscribe or ping')
  if (typeof m.channel !== 'string') throw bad('channel must be a string')
  if (m.op === 'unsubscribe') return withId({ op: 'unsubscribe' as const, channel: m.channel })
  if (m.resume === undefined) return withId({ op: 'subscribe' as const, channel: m.channel })
  if (typeof m.resume !== 'number' || !Number.isSafeInteger(m.resume) || m.resume < 0) {
    throw bad('resume must be a non-negative integer (the seq of the last event received)')
  }
  return withId({ op: 'subscribe' as const, channel: m.channel, resume: m.resume })
}

/** The JSON text of a server frame. */
export function serverMessage(msg: ServerMessage): string {
  return JSON.stringify(msg)
}
