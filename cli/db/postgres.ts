import { Client } from 'pg'
import { createPostgresStore, postgresSchemaVersion } from '#indexer'
import { DbError } from './errors.js'
import { schemaState } from './schema.js'
import { tooNew } from './sqlite.js'
import type { DbStatus, MigrateReport, TableRows } from './types.js'

type PostgresTarget = { store: 'indexer'; kind: 'postgres'; url: string; schema: string; label: string }

/** How long to wait for PostgreSQL to accept the connection. */
export const PG_CONNECT_TIMEOUT_MS = 5_000

/** Everything `status` reports about an indexer schema on PostgreSQL. Reads only: a missing schema is version 0. */
export async function inspectPostgres(t: PostgresTarget): Promise<DbStatus> {
  return withClient(t, async (client) => {
    const version = await postgresSchemaVersion(client, t.schema)
    const tables = await client.query<{ name: string; bytes: string }>(
      `SELECT c.relname AS name, pg_total_relation_size(c.oid)::bigint AS bytes
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = $1 AND c.relkind IN ('r', 'p') ORDER BY c.relname`,
      [t.schema],
    )
    const rows: TableRows[] = []
    for (const { name } of tables.rows) {
      // Exact counts: the indexer's tables are scanned in seconds even at millions of rows, and
      // pg_class.reltuples is -1 until the first ANALYZE, which is the case that matters after a migration.
      const ident = `"${t.schema.replaceAll('"', '""')}"."${name.replaceAll('"', '""')}"`
      const n = await client.query<{ n: string }>(`SELECT count(*)::bigint AS n FROM ${ident}`)
      rows.push({ name, rows: Number(n.rows[0]?.n ?? 0) })
    }
    const server = await client.query<{ v: string; db: string; rec: boolean }>(
      'SELECT current_setting($1) AS v, pg_database_size(current_database())::bigint AS db, pg_is_in_recovery() AS rec',
      ['server_version'],
    )
    const info = server.rows[0]
    return {
      store: t.store,
      kind: 'postgres',
      target: t.label,
      schema: schemaState(t.store, version),
      sizeBytes: tables.rows.reduce((sum, r) => sum + Number(r.bytes), 0),
      tables: rows,
      postgres: { serverVersion: info?.v ?? '', databaseBytes: Number(info?.db ?? 0), inRecovery: info?.rec === true },
    }
  })
}

/** Apply pending migrations with the indexer store's own code, after refusing a schema from a newer build. */
export async function migratePostgresTarget(t: PostgresTarget, opts: { dryRun: boolean }): Promise<MigrateReport> {
  const before = schemaState(t.store, await withClient(t, (c) => postgresSchemaVersion(c, t.schema)))
  const report = {
    store: t.store,
    kind: 'postgres' as const,
    target: t.label,
    dryRun: opts.dryRun,
    from: before.version,
  }
  if (before.state === 'ahead') throw tooNew(t.label, before.version, before.codeVersion)
  if (opts.dryRun || before.pending.length === 0) return { ...report, to: before.version, steps: before.pending }
  await (await createPostgresStore({ url: t.url, schema: t.schema, pool: { max: 1 } })).close()
  const to = await withClient(t, (c) => postgresSchemaVersion(c, t.schema))
  return { ...report, to, steps: before.pending.filter((m) => m.version <= to) }
}

/**
 * `kinitro db backup` does not copy PostgreSQL: pg_dump takes a consistent snapshot of a live database and
 * pg_restore reads it back, and a second implementation of that would be strictly worse.
 */
export function postgresBackupRefusal(t: PostgresTarget, to: string): DbError {
  const u = new URL(t.url)
  u.password = ''
  const command = `pg_dump --format=custom --schema=${t.schema} --file=${to} '${u.toString()}'`
  return new DbError(
    { code: 'DB_BACKUP_POSTGRES', target: t.label },
    `the indexer database ${t.label} is PostgreSQL: back it up with ${command} (restore with pg_restore --dbname=<url> ${to})`,
  )
}

async function withClient<T>(t: PostgresTarget, fn: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: t.url, connectionTimeoutMillis: PG_CONNECT_TIMEOUT_MS })
  // A server that drops an idle connection emits here; unhandled, it would crash the CLI with a stack.
  client.on('error', () => {})
  try {
    await client.connect()
  } catch (err) {
    await client.end().catch(() => {})
    throw connectFailed(t, err)
  }
  try {
    return await fn(client)
  } finally {
    await client.end().catch(() => {})
  }
}

function connectFailed(t: PostgresTarget, err: unknown): DbError {
  const reason = err instanceof Error ? err.message : String(err)
  // 3D000 invalid_catalog_name: the database named in the URL does not exist.
  if ((err as { code?: unknown }).code === '3D000') {
    return new DbError({ code: 'DB_NOT_FOUND', target: t.label }, `no database at ${t.label}: ${reason}`, {
      cause: err,
    })
  }
  return new DbError({ code: 'DB_OPEN_FAILED', target: t.label, reason }, `cannot connect to ${t.label}: ${reason}`, {
    cause: err,
  })
}
