import type { Pool } from 'pg'
import type { Logger } from '#protocol'
import type { IndexerMigration } from '../migrations/index.js'
import { type AppliedMigration, migrationFailed, pendingMigrations } from '../migrations/plan.js'

const CREATE_TABLE = `CREATE TABLE IF NOT EXISTS schema_migrations (
  version integer PRIMARY KEY, name text NOT NULL, applied_at bigint NOT NULL)`

/**
 * Create the schema if needed and apply pending steps, all in one transaction under an advisory lock keyed
 * by the schema name: replicas starting together apply each step once, and a failing step leaves the schema
 * as it was (PostgreSQL DDL is transactional).
 * @returns the schema version in force.
 */
export async function migratePostgres(
  pool: Pool,
  migrations: readonly IndexerMigration[],
  schema: string,
  target: string,
  logger: Logger,
): Promise<number> {
  const at = { kind: 'postgres' as const, target }
  const client = await pool.connect()
  let pending: IndexerMigration[] = []
  try {
    await client.query('BEGIN')
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`kinitro-indexer-migrate:${schema}`])
    // `schema` is checked to be a plain identifier by the caller; identifiers cannot be bound parameters.
    await client.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`)
    await client.query(CREATE_TABLE)
    const applied = (await client.query<AppliedMigration>('SELECT version, name FROM schema_migrations')).rows
    pending = pendingMigrations(applied, migrations, at)
    for (const m of pending) {
      try {
        await client.query(m.postgres)
        await client.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [
          m.version,
          m.name,
          Date.now(),
        ])
      } catch (err) {
        throw migrationFailed(at, m, err)
      }
    }
    await client.query('COMMIT')
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {})
    throw err
  } finally {
    client.release()
  }
  for (const m of pending)
    logger.info('indexer store migration applied', { kind: 'postgres', version: m.version, name: m.name })
  return migrations.length
}
