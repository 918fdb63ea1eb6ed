import { FeedError } from './errors.js'
import { encodeTextFrame } from './frame.js'
import type { StoredEvent } from './ring.js'
import type { FeedEventInput, FeedEventKind } from './types.js'

/** Every {@link FeedEventKind}; a closed set, so it can be a metric label. */
export const FEED_EVENT_KINDS: readonly FeedEventKind[] = [
  'result',
  'job',
  'status',
  'weights',
  'peer',
  'competition',
  'scores',
]

const badEvent = (reason: string): FeedError => new FeedError({ code: 'INDEXER_FEED_BAD_EVENT', reason }, reason)

/**
 * Check an event and serialize its data once, now: later frames reuse the text, and a caller that mutates
 * its row after publishing cannot change what was sent.
 * @throws {@link FeedError} `INDEXER_FEED_BAD_EVENT`
 */
export function storeEvent(input: FeedEventInput, seq: number): StoredEvent {
  if (!FEED_EVENT_KINDS.includes(input.kind)) throw badEvent(`unknown kind ${String(input.kind)}`)
  if (!Array.isArray(input.channels) || !input.channels.every((c) => typeof c === 'string')) {
    throw badEvent('channels must be an array of strings')
  }
  let dataJson: string | undefined
  try {
    dataJson = JSON.stringify(input.data)
  } catch (err) {
    throw new FeedError(
      { code: 'INDEXER_FEED_BAD_EVENT', reason: 'data is not JSON-serializable' },
      'data is not JSON-serializable',
      { cause: err },
    )
  }
  if (dataJson === undefined) throw badEvent('data is not JSON-serializable')
  // Duplicates would send a subscriber the same event twice under one channel.
  const channels = input.channels.length > 1 ? [...new Set(input.channels)] : input.channels
  const event: StoredEvent = { seq, kind: input.kind, channels, dataJson }
  if (input.envelope !== undefined) {
    const { buffer, byteOffset, byteLength } = input.envelope
    event.envelope = Buffer.from(buffer, byteOffset, byteLength).toString('base64')
  }
  return event
}

/**
 * The `{type:'event'}` frame of `event` for a client subscribed to `channels` (non-empty, in the event's
 * order). Built by concatenation around the stored JSON: kinds are plain words and base64 needs no escaping.
 */
export function eventFrame(event: StoredEvent, channels: readonly string[]): Buffer {
  const list = channels.length > 1 ? `,"channels":${JSON.stringify(channels)}` : ''
  const envelope = event.envelope === undefined ? '' : `,"envelope":"${event.envelope}"`
  return encodeTextFrame(
    `{"type":"event","channel":${JSON.stringify(channels[0])}${list},"seq":${event.seq},"kind":"${event.kind}","data":${event.dataJson}${envelope}}`,
  )
}
