/**
 * @packageDocumentation
 * The backend indexer (design §9): an observer peer on the mesh that validates everything exactly as
 * validators do (`#protocol`'s gossip validation, `#node`'s job semantics), stores it (SQLite by
 * default, PostgreSQL at scale), recomputes scores with the nodes' own scoring function, and serves a
 * REST API with an OpenAPI document, a realtime WebSocket feed and a live dashboard. It keeps no state the
 * mesh needs: when it is down, validators still evaluate and set weights, and it catches up on restart.
 *
 * @example
 * ```ts
 * import { createIndexer, openIndexerStore } from '#indexer'
 * const indexer = createIndexer({ chain, nodeKey, store: await openIndexerStore(':memory:') })
 * await indexer.start()
 * console.log(indexer.url()) // REST under /v1, feed at /v1/feed, dashboard at /
 * await indexer.stop()
 * ```
 */

export type { BuildAppOptions, RateLimitInit } from './app.js'
export { buildApp, defaultBuildAppOptions } from './app.js'
export type { AuditReport, ValidatorAudit } from './audit/audit.js'
export { auditWeights } from './audit/audit.js'
export { auditCommand, formatAudit } from './cli/audit.js'
export { indexerCommand } from './cli/indexer.js'
export type { IndexerRuntimeInfo } from './cli/run.js'
export { indexerNodeKey, runIndexer } from './cli/run.js'
export { API_ERROR_CODES, API_ERROR_FIXES, ApiError, INDEXER_ERROR_CODES, INDEXER_ERROR_FIXES } from './errors.js'
export type { FeedEventInput, FeedEventKind, FeedHub, FeedHubInit, SnapshotProvider } from './feeds/index.js'
export { createFeedHub, FEED_PATH } from './feeds/index.js'
export type { Indexer, IndexerInit } from './indexer.js'
export { createIndexer } from './indexer.js'
export type { Observer, ObserverInit } from './observer/observer.js'
export { createObserver } from './observer/observer.js'
export { projectMessage } from './observer/project.js'
export type { ObserverStatus, ObserverView } from './observer/types.js'
export type { BatchWriter, BatchWriterInit } from './observer/writer.js'
export { createBatchWriter } from './observer/writer.js'
export type { IndexerConfig } from './options.js'
export { indexerConfigSchema } from './options.js'
export type { ArtifactReader, ReplayDocument, ReplayFrame, ReplaySource, ReplaySourceInit } from './replay/index.js'
export { createReplaySource, folderArtifactReader, httpArtifactReader, s3ArtifactReader } from './replay/index.js'
export type { Scores, ScoresInit } from './scores/service.js'
export { createScores, standings } from './scores/service.js'
export type * from './scores/types.js'
export type {
  IndexerMigration,
  OpenIndexerStoreInit,
  PostgresQueryable,
  PostgresStoreInit,
  SqliteStoreInit,
} from './store/index.js'
export {
  createPostgresStore,
  createSqliteStore,
  INDEXER_MIGRATIONS,
  openIndexerStore,
  parseStoreUrl,
  postgresSchemaVersion,
  sqliteSchemaVersion,
} from './store/index.js'
export type * from './store/types.js'
