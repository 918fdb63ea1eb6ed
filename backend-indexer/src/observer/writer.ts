import type { Logger } from '#protocol'
import type { IndexedMessage, IndexerStore } from '../store/types.js'

/** Batching bounds (declared backpressure, style §6). */
export interface BatchWriterInit {
  store: IndexerStore
  /** Messages per store transaction; perf.md §3 measured 100 rows/txn near the SQLite optimum. @default 100 */
  maxBatch?: number
  /** Longest a message waits for its batch to fill, ms. @default 10 */
  maxDelayMs?: number
  /**
   * Messages waiting or in flight before `add` reports back-pressure (the observer then ignores gossip
   * instead of growing memory; catch-up repairs it). @default 20000
   */
  maxPending?: number
  /** Told about every batch that committed, with the rows that were new (seq assigned). */
  onCommitted?: (rows: (IndexedMessage & { seq: number })[]) => void
  logger: Logger
}

/** Collects verified messages and writes them in batches, one transaction each. */
export interface BatchWriter {
  /** Queue one message; the promise settles when its batch committed (or failed). */
  add(message: IndexedMessage): Promise<void>
  /** Messages queued or being written. */
  pending(): number
  /** True when `pending() >= maxPending`. */
  full(): boolean
  /** Write everything queued now. */
  flush(): Promise<void>
  /** Flush and stop accepting. */
  close(): Promise<void>
}

interface Waiting {
  message: IndexedMessage
  resolve: () => void
  reject: (err: unknown) => void
}

/**
 * One writer in flight at a time keeps batches ordered (seq order = accept order), and lets a slow store
 * fill the next batch instead of opening more transactions. A failed batch rejects its callers (gossip →
 * Ignore) and is logged; later batches go on.
 */
export function createBatchWriter(init: BatchWriterInit): BatchWriter {
  const log = init.logger.child('indexer:writer')
  const maxBatch = init.maxBatch ?? 100
  const maxDelayMs = init.maxDelayMs ?? 10
  const maxPending = init.maxPending ?? 20_000
  let queue: Waiting[] = []
  let inFlight = 0
  let writing: Promise<void> | undefined
  let timer: NodeJS.Timeout | undefined
  let closed = false

  function schedule(): void {
    if (writing !== undefined) return
    if (queue.length >= maxBatch) {
      writing = drain()
      return
    }
    if (timer === undefined && queue.length > 0) {
      timer = setTimeout(() => {
        timer = undefined
        if (writing === undefined) writing = drain()
      }, maxDelayMs)
    }
  }

  async function drain(): Promise<void> {
    if (timer !== undefined) {
      clearTimeout(timer)
      timer = undefined
    }
    while (queue.length > 0) {
      const batch = queue.slice(0, maxBatch)
      queue = queue.slice(batch.length)
      inFlight = batch.length
      try {
        const outcome = await init.store.ingest(batch.map((w) => w.message))
        const seqOf = new Map(outcome.inserted.map((r) => [r.id, r.seq]))
        const rows: (IndexedMessage & { seq: number })[] = []
        for (const w of batch) {
          const seq = seqOf.get(w.message.id)
          if (seq !== undefined) rows.push({ ...w.message, seq })
        }
        if (rows.length > 0) init.onCommitted?.(rows)
        for (const w of batch) w.resolve()
      } catch (err) {
        log.warn('batch write failed', { messages: batch.length }, err)
        for (const w of batch) w.reject(err)
      } finally {
        inFlight = 0
      }
      if (queue.length < maxBatch && !closed) break
    }
    writing = undefined
    schedule()
  }

  return {
    add(message) {
      if (closed) return Promise.reject(new Error('writer closed'))
      return new Promise<void>((resolve, reject) => {
        queue.push({ message, resolve, reject })
        schedule()
      })
    },
    pending: () => queue.length + inFlight,
    full: () => queue.length + inFlight >= maxPending,
    async flush() {
      while (queue.length > 0 || writing !== undefined) {
        if (writing === undefined) writing = drain()
        await writing
      }
    },
    async close() {
      closed = true
      await this.flush()
    },
  }
}
