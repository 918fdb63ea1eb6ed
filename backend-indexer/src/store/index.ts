/**
 * The indexer's storage (design §9): one {@link IndexerStore} interface, SQLite by default and PostgreSQL
 * at scale, both run by the contract suite `backend-indexer/test/compliance/store.suite.ts`.
 *
 * @example
 * ```ts
 * const store = await openIndexerStore('sqlite:./indexer.sqlite') // or 'postgres://…'
 * const { inserted, duplicates } = await store.ingest(batch)
 * const page = await store.results({ limit: 100, competitionId: 'reach-v1' })
 * const next = page.nextCursor === undefined ? undefined : await store.results({ limit: 100, cursor: page.nextCursor })
 * ```
 */
export { decodeCursor, encodeCursor } from './cursor.js'
export type {
  BadCursorMeta,
  IndexerStoreErrorCode,
  IndexerStoreErrorMeta,
  StoreApiErrorCode,
  StoreKind,
} from './errors.js'
export {
  BadCursorError,
  INDEXER_STORE_ERROR_CODES,
  INDEXER_STORE_ERROR_FIXES,
  IndexerStoreError,
  STORE_API_ERROR_CODES,
  STORE_API_ERROR_FIXES,
  STORE_API_ERROR_STATUS,
} from './errors.js'
export type { IndexerStoreMetrics } from './metrics.js'
export { getIndexerStoreMetrics } from './metrics.js'
export type { IndexerMigration } from './migrations/index.js'
export { INDEXER_MIGRATIONS } from './migrations/index.js'
export type { PostgresQueryable } from './migrations/version.js'
export { postgresSchemaVersion, sqliteSchemaVersion } from './migrations/version.js'
export type { OpenIndexerStoreInit, StoreLocation } from './open.js'
export { openIndexerStore, parseStoreUrl } from './open.js'
export type { PostgresStoreInit } from './postgres/store.js'
export { createPostgresStore } from './postgres/store.js'
export type { SqliteStoreInit } from './sqlite/store.js'
export { createSqliteStore } from './sqlite/store.js'
export type * from './types.js'
