import { KEY_BYTES, MAX_ENVELOPE_BYTES, MAX_SYNC_CURSOR_BYTES, MAX_SYNC_ITEMS } from '../constants.js'
import { isTopicName } from '../messages/topics.js'
import type {
  ByIdRequest,
  ByIdResponse,
  RangeRequest,
  RangeResponse,
  StatusRequest,
  StatusResponse,
} from '../proto/kinitro.js'
import { checkBlock, checkBytesLength, checkFixedBytes, checkInt, invalid } from './fields.js'

/** The sync request/response frames, by kind (`/kinitro/sync/{status,range,by-id}/1`). */
export interface SyncFrames {
  'status-request': StatusRequest
  'status-response': StatusResponse
  'range-request': RangeRequest
  'range-response': RangeResponse
  'by-id-request': ByIdRequest
  'by-id-response': ByIdResponse
}

/** One of the sync frame kinds. */
export type SyncFrameKind = keyof SyncFrames

function checkEnvelopeList(field: string, list: readonly Uint8Array[]): void {
  if (list.length > MAX_SYNC_ITEMS) invalid(field, { actual: list.length, limit: MAX_SYNC_ITEMS })
  for (const [i, e] of list.entries()) checkBytesLength(`${field}[${i}]`, e, 1, MAX_ENVELOPE_BYTES)
}

const RULES: { [K in SyncFrameKind]: (frame: SyncFrames[K]) => void } = {
  'status-request': () => {},
  'status-response': (f) => {
    checkInt('netuid', f.netuid, 0, 0xffff)
    checkBlock('headBlock', f.headBlock)
    checkBlock('oldestBlock', f.oldestBlock)
    checkBlock('messageCount', f.messageCount)
    if (f.oldestBlock > f.headBlock) invalid('oldestBlock')
  },
  'range-request': (f) => {
    if (!isTopicName(f.topic)) invalid('topic')
    checkBlock('fromBlock', f.fromBlock)
    checkBlock('toBlock', f.toBlock)
    if (f.fromBlock > f.toBlock) invalid('fromBlock')
    checkBytesLength('cursor', f.cursor, 0, MAX_SYNC_CURSOR_BYTES)
    checkInt('limit', f.limit, 1, MAX_SYNC_ITEMS)
  },
  'range-response': (f) => {
    checkEnvelopeList('envelopes', f.envelopes)
    checkBytesLength('nextCursor', f.nextCursor, 0, MAX_SYNC_CURSOR_BYTES)
  },
  'by-id-request': (f) => {
    if (f.ids.length === 0 || f.ids.length > MAX_SYNC_ITEMS)
      invalid('ids', { actual: f.ids.length, limit: MAX_SYNC_ITEMS })
    for (const [i, id] of f.ids.entries()) checkFixedBytes(`ids[${i}]`, id, KEY_BYTES)
  },
  'by-id-response': (f) => checkEnvelopeList('envelopes', f.envelopes),
}

/**
 * Bounds of a sync frame: known topic, ordered block range, page limit 1…{@link MAX_SYNC_ITEMS},
 * bounded cursors, 32-byte ids, at most {@link MAX_SYNC_ITEMS} envelopes. The envelopes inside still go
 * through `openEnvelope` one by one.
 */
export function validateSyncFrame<K extends SyncFrameKind>(kind: K, frame: SyncFrames[K]): void {
  RULES[kind](frame)
}
