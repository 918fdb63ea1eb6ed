import { KEY_BYTES } from '../../constants.js'
import type { TopicName } from '../../messages/topics.js'

/** What a sync server reports about its log. */
export interface SyncStatus {
  /** Highest block stored; 0 when empty. */
  headBlock: number
  /** Lowest block still stored (retention); 0 when empty. */
  oldestBlock: number
  /** Number of stored messages. */
  count: number
}

/** One range read: messages of `topic` with `fromBlock <= block <= toBlock`, ordered by (block, id). */
export interface SyncRangeQuery {
  topic: TopicName
  fromBlock: number
  /** Inclusive. */
  toBlock: number
  /** Opaque position from the previous page's `nextCursor`; undefined for the first page. */
  cursor?: Uint8Array
  /** Most items to return, 1…256. */
  limit: number
}

/** One page: envelope bytes exactly as stored, and where to resume (absent when exhausted). */
export interface SyncRangePage {
  items: Uint8Array[]
  nextCursor?: Uint8Array
}

/**
 * The read side a sync server answers from: only stored (already accepted) messages. Methods may be
 * synchronous (SQLite) or async. `node/src/store`'s MessageLog fits through {@link syncSourceFromLog}.
 */
export interface SyncSource {
  status(): SyncStatus | Promise<SyncStatus>
  range(query: SyncRangeQuery): SyncRangePage | Promise<SyncRangePage>
  /** The stored envelopes among `ids` (32-byte message ids); unknown ids are skipped. */
  byId(ids: readonly Uint8Array[]): Uint8Array[] | Promise<Uint8Array[]>
}

/** Encode a (block, id) log position as an opaque cursor: 8-byte big-endian block + 32-byte id. */
export function encodeBlockIdCursor(pos: { block: number; id: Uint8Array }): Uint8Array {
  const out = new Uint8Array(8 + pos.id.length)
  new DataView(out.buffer).setBigUint64(0, BigInt(pos.block))
  out.set(pos.id, 8)
  return out
}

/** Decode {@link encodeBlockIdCursor}; undefined for anything else (a peer's cursor is untrusted input). */
export function decodeBlockIdCursor(cursor: Uint8Array): { block: number; id: Uint8Array } | undefined {
  if (cursor.length !== 8 + KEY_BYTES) return undefined
  const block = new DataView(cursor.buffer, cursor.byteOffset, 8).getBigUint64(0)
  if (block > BigInt(Number.MAX_SAFE_INTEGER)) return undefined
  return { block: Number(block), id: cursor.slice(8) }
}

/** The part of node/src/store's MessageLog a sync server needs (structural, so protocol/ needn't import node/). */
export interface SyncableLog {
  range(query: {
    topic?: string
    fromBlock: number
    toBlock: number
    cursor?: { block: number; id: Uint8Array }
    limit: number
  }): { entries: { envelope: Uint8Array }[]; next?: { block: number; id: Uint8Array } }
  get(id: Uint8Array): { envelope: Uint8Array } | undefined
  count(): number
  headBlock(): number | undefined
}

/**
 * Serve sync from a message log. A cursor that does not decode restarts at the range start rather than
 * failing: the client's item de-duplication absorbs it, and a hostile cursor cannot do worse than that.
 */
export function syncSourceFromLog(log: SyncableLog): SyncSource {
  return {
    status() {
      const head = log.headBlock()
      if (head === undefined) return { headBlock: 0, oldestBlock: 0, count: 0 }
      return { headBlock: head, oldestBlock: oldestOf(log, head), count: log.count() }
    },
    range(q) {
      const cursor = q.cursor === undefined ? undefined : decodeBlockIdCursor(q.cursor)
      const page = log.range({ topic: q.topic, fromBlock: q.fromBlock, toBlock: q.toBlock, cursor, limit: q.limit })
      return {
        items: page.entries.map((e) => e.envelope),
        nextCursor: page.next === undefined ? undefined : encodeBlockIdCursor(page.next),
      }
    },
    byId(ids) {
      const out: Uint8Array[] = []
      for (const id of ids) {
        const row = log.get(id)
        if (row !== undefined) out.push(row.envelope)
      }
      return out
    },
  }
}

// A one-row page over everything: its `next` cursor is the first row, i.e. the oldest stored block.
function oldestOf(log: SyncableLog, head: number): number {
  const page = log.range({ fromBlock: 0, toBlock: head, limit: 1 })
  return page.next?.block ?? head
}
