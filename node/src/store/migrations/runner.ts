import type Database from 'better-sqlite3'
import type { Logger } from '#protocol'
import { StoreError } from '../errors.js'
import type { Migration } from './types.js'

/** Where and how migrations run; `path` only labels errors and logs. */
export interface MigrateContext {
  path: string
  logger: Logger
  now: () => number
}

/** What a call to {@link runMigrations} did. */
export interface MigrateResult {
  /** Schema version found on open (0 for a fresh database). */
  from: number
  /** Schema version after the call. */
  to: number
}

const CREATE_VERSION_TABLE = `CREATE TABLE IF NOT EXISTS schema_version (
  id INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)`

/** The highest migration id recorded in `db` (0 when none has run). */
export function currentSchemaVersion(db: Database.Database): number {
  const exists = db.prepare(`SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'schema_version'`).get()
  if (exists === undefined) return 0
  const row = db.prepare('SELECT max(id) AS v FROM schema_version').get() as { v: number | null }
  return row.v ?? 0
}

/**
 * Bring `db` up to the last of `migrations`. Each step runs in its own IMMEDIATE transaction and re-reads the
 * version inside it, so two processes opening the same file at once apply every step exactly once.
 *
 * @throws StoreError `STORE_SCHEMA_TOO_NEW` when the file was written by newer code, `STORE_SCHEMA_MISMATCH`
 * when an applied step's name differs from ours, `STORE_MIGRATION_FAILED` when a step throws (that step is
 * rolled back; earlier steps stay), `STORE_MIGRATIONS_INVALID` for a malformed list.
 */
export function runMigrations(
  db: Database.Database,
  migrations: readonly Migration[],
  ctx: MigrateContext,
): MigrateResult {
  checkList(migrations)
  db.exec(CREATE_VERSION_TABLE)
  const codeVersion = migrations.length
  const applied = db.prepare('SELECT id, name FROM schema_version ORDER BY id').all() as { id: number; name: string }[]
  const from = applied.at(-1)?.id ?? 0
  if (from > codeVersion) {
    throw new StoreError(
      { code: 'STORE_SCHEMA_TOO_NEW', path: ctx.path, dbVersion: from, codeVersion },
      `database ${ctx.path} has schema version ${from} but this build knows only ${codeVersion}: run a newer kinitro, or point the node at a fresh data directory`,
    )
  }
  for (const row of applied) checkName(row, migrations, ctx.path)

  const readVersion = db.prepare('SELECT coalesce(max(id), 0) AS v FROM schema_version')
  const record = db.prepare('INSERT INTO schema_version (id, name, applied_at) VALUES (?, ?, ?)')
  for (const m of migrations.slice(from)) {
    const step = db.transaction(() => {
      if ((readVersion.get() as { v: number }).v >= m.id) return false
      if (typeof m.up === 'string') db.exec(m.up)
      else m.up(db)
      record.run(m.id, m.name, ctx.now())
      return true
    })
    try {
      if (step.immediate()) ctx.logger.info('store migration applied', { id: m.id, name: m.name })
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err)
      throw new StoreError(
        { code: 'STORE_MIGRATION_FAILED', path: ctx.path, id: m.id, name: m.name, reason },
        `migration ${m.id} (${m.name}) failed and was rolled back: ${reason}. The database is left at version ${m.id - 1}; fix the cause (disk full, read-only file) and restart, or restore a backup`,
        { cause: err },
      )
    }
  }
  return { from, to: codeVersion }
}

function checkList(migrations: readonly Migration[]): void {
  const names = new Set<string>()
  migrations.forEach((m, i) => {
    if (m.id !== i + 1) invalid(`migration at position ${i} has id ${m.id}; ids must be 1, 2, 3 … in order`)
    if (m.name.length === 0 || names.has(m.name)) invalid(`migration ${m.id} needs a unique, non-empty name`)
    names.add(m.name)
  })
}

function checkName(row: { id: number; name: string }, migrations: readonly Migration[], path: string): void {
  const codeName = migrations[row.id - 1]?.name ?? ''
  if (codeName === row.name) return
  throw new StoreError(
    { code: 'STORE_SCHEMA_MISMATCH', path, id: row.id, dbName: row.name, codeName },
    `database ${path} applied migration ${row.id} as "${row.name}" but this build calls it "${codeName}": the file comes from a different branch of the code; use a fresh data directory or the build that created it`,
  )
}

function invalid(reason: string): never {
  throw new StoreError({ code: 'STORE_MIGRATIONS_INVALID', reason }, `invalid migration list: ${reason}`)
}
