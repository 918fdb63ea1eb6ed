import { Pool, types } from 'pg'
import { type Logger, silentLogger } from '#protocol'
import { PG_CONNECT_TIMEOUT_MS, PG_POOL_MAX } from '../constants.js'
import { IndexerStoreError, storeClosed } from '../errors.js'
import { type IndexerStoreMetrics, measureIngest } from '../metrics.js'
import { INDEXER_MIGRATIONS } from '../migrations/index.js'
import { createReads } from '../reads.js'
import type { IndexerStore } from '../types.js'
import { migratePostgres } from './migrate.js'
import { postgresRunner } from './runner.js'
import { postgresWriter } from './writer.js'

/** Options of {@link createPostgresStore}. Plain data apart from `logger` and `metrics`. */
export interface PostgresStoreInit {
  /** `postgres://user:pass@host:port/database`; passed to pg as its connection string. */
  url: string
  /**
   * Schema holding the indexer's tables, created if missing; one database can host several indexers (or
   * test runs) side by side. A plain lower-case identifier.
   * @default 'public'
   */
  schema?: string
  pool?: {
    /** Connections in the pool. @default PG_POOL_MAX (10) */
    max?: number
  }
  /** Apply pending migrations before returning. @default true */
  migrate?: boolean
  /** @default silentLogger */
  logger?: Logger
  /** Ingest timings and counts; none recorded when absent. @default undefined */
  metrics?: IndexerStoreMetrics
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/
const INT8_OID = 20

// bigint columns (seq, blocks, ms timestamps) as numbers: every value the store keeps is far below 2^53.
// Set per pool, never on pg's global `types`, which other code in the process may rely on.
const typeParsers = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8_OID
      ? (v: string) => Number(v)
      : types.getTypeParser(oid, format ?? 'text')) as typeof types.getTypeParser,
}

/**
 * Open an indexer store on PostgreSQL: a pg Pool whose connections use `schema`, migrations applied.
 *
 * @throws IndexerStoreError `INDEXER_STORE_INVALID_OPTIONS` for a bad schema name, `INDEXER_STORE_OPEN_FAILED`
 * when the server cannot be reached, and the migration codes.
 * @example
 * ```ts
 * const store = await createPostgresStore({ url: 'postgres://indexer@db:5432/kinitro', schema: 'mainnet' })
 * await store.ingest(batch)
 * await store.close()
 * ```
 */
export async function createPostgresStore(init: PostgresStoreInit): Promise<IndexerStore> {
  const schema = init.schema ?? 'public'
  if (!SCHEMA_NAME.test(schema)) {
    throw new IndexerStoreError(
      { code: 'INDEXER_STORE_INVALID_OPTIONS', option: 'schema', reason: 'not a plain lower-case identifier' },
      `PostgreSQL schema "${schema}" must match ${SCHEMA_NAME}`,
    )
  }
  const logger = (init.logger ?? silentLogger).child('indexer:store')
  const target = describe(init.url, schema)
  const pool = new Pool({
    connectionString: init.url,
    max: init.pool?.max ?? PG_POOL_MAX,
    connectionTimeoutMillis: PG_CONNECT_TIMEOUT_MS,
    options: `-c search_path=${schema}`,
    types: typeParsers,
  })
  // An idle client losing its server emits here; unhandled, it would crash the process.
  pool.on('error', (err) =>
    logger.warn('indexer store idle connection failed', { kind: 'postgres', target, reason: err.message }),
  )
  let closed = false
  const assertOpen = (): void => {
    if (closed) throw storeClosed('postgres')
  }
  let version = 0
  try {
    await pool.query('SELECT 1')
    if (init.migrate !== false) version = await migratePostgres(pool, INDEXER_MIGRATIONS, schema, target, logger)
  } catch (err) {
    await pool.end().catch(() => {})
    if (err instanceof IndexerStoreError) throw err
    const reason = err instanceof Error ? err.message : String(err)
    throw new IndexerStoreError(
      { code: 'INDEXER_STORE_OPEN_FAILED', kind: 'postgres', target, reason },
      `cannot open indexer database ${target}: ${reason}. Check PostgreSQL is reachable with this URL and the role may create the schema`,
      { cause: err },
    )
  }
  logger.info('indexer store opened', { kind: 'postgres', target, schemaVersion: version })
  const writer = postgresWriter(pool, schema, assertOpen)
  return {
    kind: 'postgres',
    ...createReads(postgresRunner(pool, assertOpen)),
    async migrate() {
      assertOpen()
      version = await migratePostgres(pool, INDEXER_MIGRATIONS, schema, target, logger)
      return version
    },
    ingest: (batch) => measureIngest(init.metrics, 'postgres', () => writer.ingest(batch)),
    addCommitments: (rows) => writer.addCommitments(rows),
    async ping() {
      if (closed) return false
      try {
        return (await pool.query('SELECT 1 AS ok')).rows[0]?.ok === 1
      } catch {
        return false
      }
    },
    async close() {
      if (closed) return
      closed = true
      await pool.end()
      logger.info('indexer store closed', { kind: 'postgres', target })
    },
  }
}

/** `host:port/database/schema` for logs and errors: never the URL, which may carry a password. */
function describe(url: string, schema: string): string {
  try {
    const u = new URL(url)
    return `${u.hostname}:${u.port || '5432'}${u.pathname}/${schema}`
  } catch {
    return `postgres/${schema}`
  }
}
