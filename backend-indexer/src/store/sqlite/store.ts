import Database from 'better-sqlite3'
import { type Logger, silentLogger } from '#protocol'
import {
  SQLITE_BUSY_TIMEOUT_MS,
  SQLITE_CACHE_SIZE_KIB,
  SQLITE_JOURNAL_SIZE_LIMIT_BYTES,
  SQLITE_MMAP_SIZE_BYTES,
  SQLITE_WAL_AUTOCHECKPOINT_PAGES,
} from '../constants.js'
import { IndexerStoreError, storeClosed } from '../errors.js'
import { type IndexerStoreMetrics, measureIngest } from '../metrics.js'
import { INDEXER_MIGRATIONS } from '../migrations/index.js'
import { createReads } from '../reads.js'
import type { IndexerStore } from '../types.js'
import { migrateSqlite } from './migrate.js'
import { sqliteRunner } from './runner.js'
import { sqliteWriter } from './writer.js'

/** Options of {@link createSqliteStore}. Plain data apart from `logger` and `metrics`. */
export interface SqliteStoreInit {
  /**
   * Database file, or `':memory:'` for a private in-memory database (tests, a throwaway indexer).
   * @default ':memory:'
   */
  path?: string
  /**
   * SQLite `synchronous` under WAL. NORMAL survives a process crash but a power loss may drop the last
   * commits; the indexer holds no state the mesh needs and re-syncs what it lost, and NORMAL is ~4× faster
   * per commit (perf.md §1).
   * @default 'NORMAL'
   */
  synchronous?: 'NORMAL' | 'FULL'
  /** Apply pending migrations before returning. @default true */
  migrate?: boolean
  /** @default silentLogger */
  logger?: Logger
  /** Ingest timings and counts; none recorded when absent. @default undefined */
  metrics?: IndexerStoreMetrics
}

/**
 * Open (creating if needed) an indexer store on SQLite: WAL, the pragmas perf.md §3 measured as fastest
 * for batched ingest, migrations applied.
 *
 * @throws IndexerStoreError `INDEXER_STORE_OPEN_FAILED` if the file cannot be opened, and the migration codes.
 * @example
 * ```ts
 * const store = await createSqliteStore({ path: '/var/lib/kinitro/indexer.sqlite' })
 * await store.ingest(batch)
 * const page = await store.results({ limit: 100 })
 * await store.close()
 * ```
 */
export async function createSqliteStore(init: SqliteStoreInit = {}): Promise<IndexerStore> {
  const path = init.path ?? ':memory:'
  const logger = (init.logger ?? silentLogger).child('indexer:store')
  let db: Database.Database | undefined
  let version = 0
  try {
    db = new Database(path, { timeout: SQLITE_BUSY_TIMEOUT_MS })
    applyPragmas(db, init.synchronous ?? 'NORMAL', logger)
    if (init.migrate !== false) version = migrateSqlite(db, INDEXER_MIGRATIONS, path, logger)
  } catch (err) {
    db?.close()
    if (err instanceof IndexerStoreError) throw err
    const reason = err instanceof Error ? err.message : String(err)
    throw new IndexerStoreError(
      { code: 'INDEXER_STORE_OPEN_FAILED', kind: 'sqlite', target: path, reason },
      `cannot open indexer database ${path}: ${reason}. Check the directory exists and is writable and the file is a SQLite database`,
      { cause: err },
    )
  }
  const sqlite = db
  logger.info('indexer store opened', { kind: 'sqlite', path, schemaVersion: version })
  const runner = sqliteRunner(sqlite)
  // Prepared on first ingest: the statements need the tables, which a `migrate: false` store lacks until migrate().
  let writer: ReturnType<typeof sqliteWriter> | undefined
  const write = () => {
    if (!sqlite.open) throw storeClosed('sqlite')
    writer ??= sqliteWriter(sqlite)
    return writer
  }
  return {
    kind: 'sqlite',
    ...createReads(runner),
    async migrate() {
      if (!sqlite.open) throw storeClosed('sqlite')
      version = migrateSqlite(sqlite, INDEXER_MIGRATIONS, path, logger)
      return version
    },
    ingest: (batch) => measureIngest(init.metrics, 'sqlite', async () => write().ingest(batch)),
    async addCommitments(rows) {
      return write().addCommitments(rows)
    },
    async ping() {
      try {
        return sqlite.open && sqlite.prepare('SELECT 1').pluck().get() === 1
      } catch {
        return false
      }
    },
    async close() {
      if (!sqlite.open) return
      sqlite.close()
      logger.info('indexer store closed', { kind: 'sqlite', path })
    },
  }
}

function applyPragmas(db: Database.Database, synchronous: 'NORMAL' | 'FULL', logger: Logger): void {
  // journal_mode first: it is persistent, and reading it proves the file is a database.
  const mode = db.pragma('journal_mode = WAL', { simple: true })
  if (mode !== 'wal' && !db.memory) logger.warn('indexer store could not enable WAL', { path: db.name, mode })
  db.pragma(`synchronous = ${synchronous === 'FULL' ? 'FULL' : 'NORMAL'}`)
  db.pragma(`wal_autocheckpoint = ${SQLITE_WAL_AUTOCHECKPOINT_PAGES}`)
  db.pragma(`journal_size_limit = ${SQLITE_JOURNAL_SIZE_LIMIT_BYTES}`)
  db.pragma(`cache_size = -${SQLITE_CACHE_SIZE_KIB}`)
  db.pragma(`mmap_size = ${SQLITE_MMAP_SIZE_BYTES}`)
}
