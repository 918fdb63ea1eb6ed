import { type OpenDatabaseInit, openDatabase, type StoreDatabase } from './db.js'
import { createKeyValueStore, type KeyValueStore } from './kv.js'
import { createMessageLog, type MessageLog } from './log.js'
import type { JobQueueOptions, OutboxOptions } from './options.js'
import { createOutbox, type Outbox } from './outbox.js'
import { createJobQueue } from './queue.js'
import type { JobQueue } from './queue-types.js'

/** Options of {@link createStore}: the database's, plus the queue's and outbox's settings. */
export interface StoreInit extends OpenDatabaseInit {
  /** Settings of the default job queue. @default defaultJobQueueOptions */
  queue?: Partial<JobQueueOptions>
  /** @default defaultOutboxOptions */
  outbox?: Partial<OutboxOptions>
  /** Jitter source for the queue's backoff, in [0, 1). @default seeded from `queue.seed`, else Math.random */
  random?: () => number
}

/** The validator's durable state: message log, job queue and outbox in one SQLite database. */
export interface Store {
  readonly db: StoreDatabase
  readonly log: MessageLog
  readonly queue: JobQueue
  readonly outbox: Outbox
  /** Small named values that must survive a restart (e.g. a pending weights commit). */
  readonly kv: KeyValueStore
  /**
   * Run `fn` in one transaction: e.g. append a result to the log, add it to the outbox and ack its job, so
   * that after a crash either all three happened or none did. `fn` must be synchronous.
   */
  transaction<T>(fn: () => T): T
  /** Close the database. Idempotent. */
  close(): void
}

/**
 * Open the node's store: the database (migrated), the message log, the default job queue and the outbox.
 * With no arguments it is a private in-memory store, as `createNode()` needs.
 *
 * @example
 * ```ts
 * const store = createStore({ path: join(dataDir, 'node.sqlite') })
 * store.queue.enqueue({ id: jobId, payload })
 * const job = store.queue.claim({ worker: 'eval-1' })
 * store.transaction(() => {
 *   store.log.append(result)
 *   store.outbox.add(result.envelope, 'results')
 *   store.queue.ack(job.id, 'eval-1')
 * })
 * store.close()
 * ```
 */
export function createStore(init: StoreInit = {}): Store {
  const logger = init.logger?.child('node:store')
  const db = openDatabase({ ...init, logger })
  const now = init.now ?? Date.now
  return {
    db,
    log: createMessageLog(db, { now }),
    queue: createJobQueue(db, init.queue, { now, random: init.random, logger }),
    outbox: createOutbox(db, init.outbox, { now }),
    kv: createKeyValueStore(db, { now }),
    transaction: (fn) => db.transaction(fn),
    close: () => db.close(),
  }
}

export type { BackoffPolicy } from './backoff.js'
export { backoffDelayMs, seededRandom } from './backoff.js'
export type { OpenDatabaseInit, StoreDatabase, SynchronousMode } from './db.js'
export { openDatabase } from './db.js'
export type { JobStateName, StoreErrorCode, StoreErrorMeta } from './errors.js'
export { STORE_ERROR_CODES, STORE_ERROR_FIXES, StoreError } from './errors.js'
export type { KeyValueStore } from './kv.js'
export { createKeyValueStore } from './kv.js'
export type { LogCursor, LogEntry, MessageLog, RangePage, RangeQuery, StoredMessage } from './log.js'
export { createMessageLog } from './log.js'
export type { Migration } from './migrations/index.js'
export { currentSchemaVersion, runMigrations, STORE_MIGRATIONS } from './migrations/index.js'
export type { JobQueueOptions, OutboxOptions } from './options.js'
export { defaultJobQueueOptions, defaultOutboxOptions } from './options.js'
export type { Outbox, OutboxAddResult, OutboxItem } from './outbox.js'
export { createOutbox } from './outbox.js'
export { createJobQueue } from './queue.js'
export type {
  AtOptions,
  ClaimedJob,
  ClaimOptions,
  FailOutcome,
  JobInfo,
  JobQueue,
  JobQueueComponents,
  NewJob,
  QueueStats,
} from './queue-types.js'
export type { Integrity } from './start-checks.js'
export { QUICK_CHECK_MAX_PROBLEMS, quickCheck } from './start-checks.js'
