import { Counter, Histogram, type Registry } from 'prom-client'
import { INDEXER_STORE_ERROR_CODES, IndexerStoreError, type StoreKind } from './errors.js'
import type { IngestOutcome } from './types.js'

// A batch of 100 results takes ~2 ms on SQLite and tens of ms on PostgreSQL (bench indexer-store); the top
// buckets catch checkpoint stalls and a struggling server.
const INGEST_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5]

/**
 * The store's Prometheus metrics (style.md §9): `kinitro_indexer_store_*`, labels from closed sets only
 * (store kind, outcome, error code).
 *
 * @example
 * ```ts
 * const store = await createSqliteStore({ path, metrics: getIndexerStoreMetrics(register) })
 * ```
 */
export function getIndexerStoreMetrics(register: Registry) {
  return {
    ingestSeconds: new Histogram<'kind'>({
      name: 'kinitro_indexer_store_ingest_seconds',
      help: 'Wall time of one ingest batch (one transaction), failed batches included',
      labelNames: ['kind'],
      buckets: INGEST_BUCKETS,
      registers: [register],
    }),
    messages: new Counter<'kind' | 'outcome'>({
      name: 'kinitro_indexer_store_messages_total',
      help: 'Messages offered to ingest, by outcome (inserted, duplicate)',
      labelNames: ['kind', 'outcome'],
      registers: [register],
    }),
    ingestFailures: new Counter<'kind' | 'code'>({
      name: 'kinitro_indexer_store_ingest_failures_total',
      help: 'Ingest batches rolled back, by INDEXER_STORE_* code',
      labelNames: ['kind', 'code'],
      registers: [register],
    }),
  }
}

/** The metrics {@link getIndexerStoreMetrics} registers. */
export type IndexerStoreMetrics = ReturnType<typeof getIndexerStoreMetrics>

/** Run one ingest and record its time, outcome counts, or failure code. */
export async function measureIngest(
  metrics: IndexerStoreMetrics | undefined,
  kind: StoreKind,
  ingest: () => Promise<IngestOutcome>,
): Promise<IngestOutcome> {
  if (metrics === undefined) return ingest()
  const stop = metrics.ingestSeconds.startTimer({ kind })
  try {
    const out = await ingest()
    metrics.messages.inc({ kind, outcome: 'inserted' }, out.inserted.length)
    metrics.messages.inc({ kind, outcome: 'duplicate' }, out.duplicates.length)
    return out
  } catch (err) {
    const code = err instanceof IndexerStoreError ? err.code : 'INDEXER_STORE_WRITE_FAILED'
    metrics.ingestFailures.inc({
      kind,
      code: (INDEXER_STORE_ERROR_CODES as readonly string[]).includes(code) ? code : 'other',
    })
    throw err
  } finally {
    stop()
  }
}
