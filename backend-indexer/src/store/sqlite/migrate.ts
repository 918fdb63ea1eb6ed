import type Database from 'better-sqlite3'
import type { Logger } from '#protocol'
import type { IndexerMigration } from '../migrations/index.js'
import { type AppliedMigration, migrationFailed, pendingMigrations } from '../migrations/plan.js'

const CREATE_TABLE = `CREATE TABLE IF NOT EXISTS schema_migrations (
  version INTEGER PRIMARY KEY NOT NULL, name TEXT NOT NULL, applied_at INTEGER NOT NULL)`

/**
 * Apply pending steps in one IMMEDIATE transaction that first re-reads `schema_migrations`, so two processes
 * opening the same file apply each step once, and a failing step leaves the file as it was.
 * @returns the schema version in force.
 */
export function migrateSqlite(
  db: Database.Database,
  migrations: readonly IndexerMigration[],
  path: string,
  logger: Logger,
): number {
  const at = { kind: 'sqlite' as const, target: path }
  const apply = db.transaction(() => {
    db.exec(CREATE_TABLE)
    const applied = db.prepare('SELECT version, name FROM schema_migrations').all() as AppliedMigration[]
    const pending = pendingMigrations(applied, migrations, at)
    const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)')
    for (const m of pending) {
      try {
        db.exec(m.sqlite)
        record.run(m.version, m.name, Date.now())
      } catch (err) {
        throw migrationFailed(at, m, err)
      }
    }
    return pending
  })
  const done = apply.immediate()
  for (const m of done)
    logger.info('indexer store migration applied', { kind: 'sqlite', version: m.version, name: m.name })
  return migrations.length
}
