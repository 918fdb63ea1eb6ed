import type Database from 'better-sqlite3'

// Read-only probes for `kinitro db status` and `db migrate --dry-run`: they report what opening the store would
// do without doing it, so they never create `schema_migrations` (or, on PostgreSQL, the schema).

/** The schema version recorded in an indexer SQLite database; 0 when the indexer never migrated it. */
export function sqliteSchemaVersion(db: Database.Database): number {
  const table = db.prepare(`SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'schema_migrations'`).get()
  if (table === undefined) return 0
  const row = db.prepare('SELECT coalesce(max(version), 0) AS v FROM schema_migrations').get() as { v: number }
  return row.v
}

/** The one method of a pg `Client` / `Pool` that {@link postgresSchemaVersion} uses. */
export interface PostgresQueryable {
  query(text: string, values?: unknown[]): Promise<{ rows: Record<string, unknown>[] }>
}

/** The schema version recorded in a PostgreSQL indexer schema; 0 when the schema or its table is missing. */
export async function postgresSchemaVersion(db: PostgresQueryable, schema: string): Promise<number> {
  // Identifiers cannot be bound parameters: quote the schema name, doubling any quote inside it.
  const table = `"${schema.replaceAll('"', '""')}".schema_migrations`
  const exists = await db.query('SELECT to_regclass($1) IS NOT NULL AS found', [table])
  if (exists.rows[0]?.found !== true) return 0
  const max = await db.query(`SELECT coalesce(max(version), 0)::int AS v FROM ${table}`)
  return Number(max.rows[0]?.v ?? 0)
}
