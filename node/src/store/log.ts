import type Database from 'better-sqlite3'
import { MESSAGE_ID_BYTES } from './constants.js'
import type { StoreDatabase } from './db.js'
import { StoreError } from './errors.js'

/** A message to record: an accepted envelope plus the facts the sync protocols filter on. */
export interface LogEntry {
  /** SHA-256 of `envelope` (the gossipsub msgId), 32 bytes. The log does not recompute it. */
  id: Uint8Array
  /** Gossip topic name (`results`, `jobs`, …). */
  topic: string
  /** Envelope `type`. */
  type: string
  /** Chain block the message was made at: the mesh's clock and the catch-up key. */
  block: number
  /** Public key that signed the envelope. */
  signer: Uint8Array
  /** Hotkey the signer is bound to, when there is one. @default null */
  hotkey?: string | null
  /** When this node received it, ms since epoch. @default the store clock */
  receivedAt?: number
  /** The envelope bytes exactly as received. */
  envelope: Uint8Array
}

/** A row read back from the log. */
export interface StoredMessage {
  id: Uint8Array
  topic: string
  type: string
  block: number
  signer: Uint8Array
  hotkey: string | null
  receivedAt: number
  envelope: Uint8Array
}

/** Position after the last message of a page: pages are ordered by (block, id). */
export interface LogCursor {
  block: number
  id: Uint8Array
}

/** One page of a block-range read for catch-up sync. */
export interface RangeQuery {
  /** Only this topic. @default every topic */
  topic?: string
  /** First block, inclusive. */
  fromBlock: number
  /** Last block, inclusive. */
  toBlock: number
  /** Resume after this position (the previous page's `next`). @default start of the range */
  cursor?: LogCursor
  /** Most messages to return; a positive integer. */
  limit: number
}

/** Result of {@link MessageLog.range}. */
export interface RangePage {
  entries: StoredMessage[]
  /** Pass as `cursor` to read on; absent when the range is exhausted. */
  next?: LogCursor
}

/**
 * The append-only log of accepted messages, keyed by message id. There is no update: a message id names
 * its bytes, so a second append of the same id is a no-op, never an overwrite.
 */
export interface MessageLog {
  /** Record one message. Returns true if it was new, false for a duplicate id. */
  append(entry: LogEntry): boolean
  /** Record several in one transaction (all or none). Returns how many were new. */
  appendMany(entries: readonly LogEntry[]): number
  get(id: Uint8Array): StoredMessage | undefined
  has(id: Uint8Array): boolean
  /** A page of messages with `fromBlock <= block <= toBlock`, ordered by (block, id). */
  range(query: RangeQuery): RangePage
  /** Number of stored messages (walks an index: O(n), for stats and tests). */
  count(): number
  /** Highest block stored, or undefined when the log is empty. */
  headBlock(): number | undefined
  /** Delete every message with `block < block` (retention). Returns how many were deleted. */
  pruneBelowBlock(block: number): number
}

type Row = {
  id: Uint8Array
  topic: string
  type: string
  block: number
  signer: Uint8Array
  hotkey: string | null
  received_at: number
  envelope: Uint8Array
}

const COLUMNS = 'id, topic, type, block, signer, hotkey, received_at, envelope'
// Row-value comparison lets SQLite seek straight to the cursor in the (block, id) / (topic, block, id)
// indexes; an empty blob sorts before every 32-byte id, so (fromBlock, x'') means "start of fromBlock".
const RANGE_ALL = `SELECT ${COLUMNS} FROM messages
  WHERE (block, id) > (@block, @id) AND block <= @to ORDER BY block, id LIMIT @limit`
const RANGE_TOPIC = `SELECT ${COLUMNS} FROM messages
  WHERE topic = @topic AND (block, id) > (@block, @id) AND block <= @to ORDER BY block, id LIMIT @limit`
const EMPTY = new Uint8Array(0)

/**
 * The SQLite message log over an opened store database.
 *
 * @example
 * ```ts
 * const log = createMessageLog(openDatabase())
 * log.append({ id, topic: 'results', type: 'result', block: 120, signer, envelope })
 * ```
 */
export function createMessageLog(db: StoreDatabase, opts: { now?: () => number } = {}): MessageLog {
  return new SqliteMessageLog(db, opts.now ?? Date.now)
}

class SqliteMessageLog implements MessageLog {
  readonly #now: () => number
  readonly #insert: Database.Statement
  readonly #get: Database.Statement<[Uint8Array], Row>
  readonly #has: Database.Statement<[Uint8Array], number>
  readonly #rangeAll: Database.Statement<[Record<string, unknown>], Row>
  readonly #rangeTopic: Database.Statement<[Record<string, unknown>], Row>
  readonly #count: Database.Statement<[], number>
  readonly #head: Database.Statement<[], number | null>
  readonly #prune: Database.Statement<[number]>
  readonly #db: StoreDatabase

  constructor(db: StoreDatabase, now: () => number) {
    const sqlite = db.sqlite
    this.#db = db
    this.#now = now
    this.#insert = sqlite.prepare(
      `INSERT INTO messages (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`,
    )
    this.#get = sqlite.prepare(`SELECT ${COLUMNS} FROM messages WHERE id = ?`)
    this.#has = sqlite.prepare<[Uint8Array], number>('SELECT 1 FROM messages WHERE id = ?').pluck()
    this.#rangeAll = sqlite.prepare(RANGE_ALL)
    this.#rangeTopic = sqlite.prepare(RANGE_TOPIC)
    this.#count = sqlite.prepare<[], number>('SELECT count(*) FROM messages').pluck()
    this.#head = sqlite.prepare<[], number | null>('SELECT max(block) FROM messages').pluck()
    this.#prune = sqlite.prepare('DELETE FROM messages WHERE block < ?')
  }

  append(entry: LogEntry): boolean {
    return this.#write(entry) === 1
  }

  appendMany(entries: readonly LogEntry[]): number {
    if (entries.length === 0) return 0
    return this.#db.transaction(() => {
      let added = 0
      for (const e of entries) added += this.#write(e)
      return added
    })
  }

  get(id: Uint8Array): StoredMessage | undefined {
    const row = this.#get.get(id)
    return row === undefined ? undefined : toMessage(row)
  }

  has(id: Uint8Array): boolean {
    return this.#has.get(id) !== undefined
  }

  range(q: RangeQuery): RangePage {
    if (!Number.isSafeInteger(q.limit) || q.limit < 1) throw new RangeError(`limit must be a positive integer`)
    const start = q.cursor !== undefined && q.cursor.block >= q.fromBlock ? q.cursor : { block: q.fromBlock, id: EMPTY }
    const params = { block: start.block, id: start.id, to: q.toBlock, limit: q.limit, topic: q.topic }
    const rows = q.topic === undefined ? this.#rangeAll.all(params) : this.#rangeTopic.all(params)
    const entries = rows.map(toMessage)
    const last = entries.at(-1)
    // A short page proves the range is exhausted; a full one may be followed by more.
    return last !== undefined && entries.length === q.limit
      ? { entries, next: { block: last.block, id: last.id } }
      : { entries }
  }

  count(): number {
    return this.#count.get() ?? 0
  }

  headBlock(): number | undefined {
    return this.#head.get() ?? undefined
  }

  pruneBelowBlock(block: number): number {
    return this.#prune.run(block).changes
  }

  #write(e: LogEntry): number {
    if (e.id.length !== MESSAGE_ID_BYTES) {
      throw new StoreError(
        { code: 'STORE_BAD_MESSAGE_ID', length: e.id.length, expected: MESSAGE_ID_BYTES },
        `message id must be ${MESSAGE_ID_BYTES} bytes (SHA-256 of the envelope), got ${e.id.length}`,
      )
    }
    return this.#insert.run(
      e.id,
      e.topic,
      e.type,
      e.block,
      e.signer,
      e.hotkey ?? null,
      e.receivedAt ?? this.#now(),
      e.envelope,
    ).changes
  }
}

function toMessage(r: Row): StoredMessage {
  return {
    id: r.id,
    topic: r.topic,
    type: r.type,
    block: r.block,
    signer: r.signer,
    hotkey: r.hotkey,
    receivedAt: r.received_at,
    envelope: r.envelope,
  }
}
