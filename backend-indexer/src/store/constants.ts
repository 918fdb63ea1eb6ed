/**
 * Tunable numbers of the indexer store. Each names where it came from; change one only with a measurement
 * (`npm run bench -- indexer-store`) and update its comment.
 */

/**
 * SQLite page cache per connection, KiB (passed as a negative `cache_size`). perf.md §3 "tuned": 128 MB,
 * which took batch-100 inserts from 33.4k to 43.2k rows/s together with the two settings below.
 */
export const SQLITE_CACHE_SIZE_KIB = 128 * 1024

/** SQLite memory-mapped read window, bytes. perf.md §3 "tuned" (256 MB); reads only, so a crash cannot corrupt through it. */
export const SQLITE_MMAP_SIZE_BYTES = 256 * 1024 * 1024

/**
 * WAL pages before SQLite checkpoints automatically (synchronous=NORMAL). perf.md §3: with the default
 * (1000) the p99 of a 100-row transaction was 14–34 ms from checkpoint stalls; 20 000 removed them at batch 100.
 */
export const SQLITE_WAL_AUTOCHECKPOINT_PAGES = 20_000

/**
 * WAL size it is truncated back to after a checkpoint: above the autocheckpoint size (~80 MiB at 4 KiB
 * pages) so steady operation never truncates and regrows it. Same value as node/src/store/constants.ts.
 */
export const SQLITE_JOURNAL_SIZE_LIMIT_BYTES = 128 * 1024 * 1024

/** How long a writer waits for another connection's lock before SQLITE_BUSY: better-sqlite3's default `timeout`. */
export const SQLITE_BUSY_TIMEOUT_MS = 5_000

/**
 * Connections in the PostgreSQL pool. pg's own default (10): reads are short keyset scans and ingest is one
 * transaction per batch, so a handful of connections covers an API replica; raise it with `pool.max`.
 */
export const PG_POOL_MAX = 10

/** Largest page a list query returns (the API's `limit` bound, api-spec.md "Cursor pagination"). */
export const MAX_PAGE_LIMIT = 1000

/** Length of message, job and result ids in bytes: SHA-256 (design.md §3). */
export const ID_BYTES = 32

/**
 * How long opening a PostgreSQL connection may take before the pool gives up. pg's default is no limit,
 * which would hang the indexer's start (and a test) on an unreachable host instead of failing it.
 */
export const PG_CONNECT_TIMEOUT_MS = 10_000
