import { createHash } from 'node:crypto'
import type Database from 'better-sqlite3'
import type { StoreDatabase } from './db.js'
import { errorText } from './error-text.js'
import { defaultOutboxOptions, type OutboxOptions } from './options.js'

/** A message waiting to be published. */
export interface OutboxItem {
  /** Message id: SHA-256 of `envelope`. */
  id: Uint8Array
  topic: string
  envelope: Uint8Array
  createdAt: number
  /** Failed publish attempts so far. */
  attempts: number
  lastError: string | null
}

/** Result of {@link Outbox.add}. */
export interface OutboxAddResult {
  id: Uint8Array
  /** False when the same envelope was already in the outbox (sent or not). */
  added: boolean
}

/**
 * Messages this node must publish. Add them in the same transaction as the write that produced them
 * (`store.transaction`); a publisher loop takes `pending()`, publishes, then calls `markSent`. A crash
 * anywhere in between leaves the row unsent, so it is published again after restart; the message id is
 * the gossip dedup key, so peers drop the repeat.
 */
export interface Outbox {
  /** Queue an envelope for `topic`. Idempotent per envelope bytes. */
  add(envelope: Uint8Array, topic: string, opts?: { now?: number }): OutboxAddResult
  /** Unsent messages whose retry time has come, oldest first. */
  pending(limit: number, opts?: { now?: number }): OutboxItem[]
  /** Record a successful publish. False if the id is unknown or already sent. */
  markSent(id: Uint8Array, opts?: { now?: number }): boolean
  /** Record a failed publish: counts the attempt, keeps the error, and holds the message back for `retryMs`. */
  markFailed(id: Uint8Array, error: unknown, opts?: { now?: number; retryMs?: number }): boolean
  /** Number of unsent messages (including those waiting out a retry delay). */
  pendingCount(): number
  /** Delete sent messages older than `before` (ms). The log keeps its own copy. Returns how many. */
  pruneSent(before: number): number
}

type Row = {
  id: Uint8Array
  topic: string
  envelope: Uint8Array
  created_at: number
  attempts: number
  last_error: string | null
}

/**
 * The SQLite outbox on a store database.
 *
 * @example
 * ```ts
 * store.transaction(() => { log.append(entry); outbox.add(entry.envelope, 'results'); queue.ack(jobId, me) })
 * for (const m of outbox.pending(50)) { await publish(m.topic, m.envelope); outbox.markSent(m.id) }
 * ```
 */
export function createOutbox(
  db: StoreDatabase,
  init: Partial<OutboxOptions> = {},
  components: { now?: () => number } = {},
): Outbox {
  return new SqliteOutbox(db.sqlite, { ...defaultOutboxOptions, ...init }, components.now ?? Date.now)
}

class SqliteOutbox implements Outbox {
  readonly #opts: OutboxOptions
  readonly #now: () => number
  readonly #add: Database.Statement
  readonly #pending: Database.Statement<[number, number], Row>
  readonly #sent: Database.Statement
  readonly #failed: Database.Statement
  readonly #count: Database.Statement<[], number>
  readonly #prune: Database.Statement<[number]>

  constructor(sqlite: Database.Database, opts: OutboxOptions, now: () => number) {
    this.#opts = opts
    this.#now = now
    this.#add = sqlite.prepare(
      `INSERT INTO outbox (id, topic, envelope, created_at, not_before) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (id) DO NOTHING`,
    )
    this.#pending = sqlite.prepare(
      `SELECT id, topic, envelope, created_at, attempts, last_error FROM outbox
       WHERE sent_at IS NULL AND not_before <= ? ORDER BY seq LIMIT ?`,
    )
    this.#sent = sqlite.prepare('UPDATE outbox SET sent_at = ? WHERE id = ? AND sent_at IS NULL')
    this.#failed = sqlite.prepare(
      `UPDATE outbox SET attempts = attempts + 1, last_error = ?, not_before = ? WHERE id = ? AND sent_at IS NULL`,
    )
    this.#count = sqlite.prepare<[], number>('SELECT count(*) FROM outbox WHERE sent_at IS NULL').pluck()
    this.#prune = sqlite.prepare('DELETE FROM outbox WHERE sent_at IS NOT NULL AND sent_at < ?')
  }

  add(envelope: Uint8Array, topic: string, opts?: { now?: number }): OutboxAddResult {
    const id = new Uint8Array(createHash('sha256').update(envelope).digest())
    const now = opts?.now ?? this.#now()
    return { id, added: this.#add.run(id, topic, envelope, now, now).changes === 1 }
  }

  pending(limit: number, opts?: { now?: number }): OutboxItem[] {
    return this.#pending.all(opts?.now ?? this.#now(), limit).map((r) => ({
      id: r.id,
      topic: r.topic,
      envelope: r.envelope,
      createdAt: r.created_at,
      attempts: r.attempts,
      lastError: r.last_error,
    }))
  }

  markSent(id: Uint8Array, opts?: { now?: number }): boolean {
    return this.#sent.run(opts?.now ?? this.#now(), id).changes === 1
  }

  markFailed(id: Uint8Array, error: unknown, opts?: { now?: number; retryMs?: number }): boolean {
    const notBefore = (opts?.now ?? this.#now()) + (opts?.retryMs ?? this.#opts.retryMs)
    return this.#failed.run(errorText(error), notBefore, id).changes === 1
  }

  pendingCount(): number {
    return this.#count.get() ?? 0
  }

  pruneSent(before: number): number {
    return this.#prune.run(before).changes
  }
}
