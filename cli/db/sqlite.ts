import { existsSync, statSync } from 'node:fs'
import Database from 'better-sqlite3'
import { createSqliteStore } from '#indexer'
import { openDatabase, quickCheck } from '#node'
import { classifySqliteError, corrupt, DbError } from './errors.js'
import { schemaState, sqliteVersion } from './schema.js'
import type { DbStore } from './target.js'
import type { DbStatus, MigrateReport, SqliteOpOptions, TableRows } from './types.js'

type SqliteTarget = { store: DbStore; kind: 'sqlite'; path: string }

/**
 * Open an existing database to read it: a reader never blocks a running node or indexer under WAL. A missing
 * file is DB_NOT_FOUND (never a new empty database); damage and locks become DB_CORRUPT / DB_LOCKED.
 *
 * Not `readonly`: a read-only connection to a WAL file creates `-wal` and `-shm` but cannot remove them, so a
 * status of a stopped node would leave them behind. Read-write, the last connection to close checkpoints (an
 * empty WAL) and removes them, as the node does. Callers only run reads and pragma queries through it.
 */
export function openExisting(path: string, busyTimeoutMs: number): Database.Database {
  if (!existsSync(path)) {
    throw new DbError(
      { code: 'DB_NOT_FOUND', target: path },
      `no database at ${path}: pass the data directory the node or indexer runs with, or the database file itself`,
    )
  }
  try {
    return new Database(path, { fileMustExist: true, timeout: busyTimeoutMs })
  } catch (err) {
    throw classifySqliteError(err, path) ?? openFailed(path, err)
  }
}

/** {@link openExisting}, run `fn`, close; SQLite damage or lock failures inside `fn` are typed the same way. */
export function withExisting<T>(path: string, busyTimeoutMs: number, fn: (db: Database.Database) => T): T {
  const db = openExisting(path, busyTimeoutMs)
  try {
    return fn(db)
  } catch (err) {
    throw classifySqliteError(err, path) ?? err
  } finally {
    db.close()
  }
}

/** Everything `status` reports about a SQLite store file. */
export function inspectSqlite(t: SqliteTarget, opts: SqliteOpOptions): DbStatus {
  return withExisting(t.path, opts.busyTimeoutMs, (db) => {
    // journal_mode first: reading the header is what fails on a file that is not a database.
    const journalMode = String(db.pragma('journal_mode', { simple: true }))
    const pageSize = Number(db.pragma('page_size', { simple: true }))
    const pageCount = Number(db.pragma('page_count', { simple: true }))
    const freePages = Number(db.pragma('freelist_count', { simple: true }))
    const integrity = opts.check ? quickCheck(db) : undefined
    const walBytes = fileSize(`${t.path}-wal`)
    return {
      store: t.store,
      kind: 'sqlite',
      target: t.path,
      schema: schemaState(t.store, sqliteVersion(t.store, db)),
      sizeBytes: fileSize(t.path) + walBytes,
      tables: tableRows(db),
      sqlite: { pageSize, pageCount, freePages, journalMode, walBytes, integrity },
    }
  })
}

/**
 * Apply pending migrations with the store's own code (what opening it in the node or indexer would do), after
 * checking the file is sound and not from a newer build. `dryRun` only reports the steps.
 */
export async function migrateSqliteTarget(
  t: SqliteTarget,
  opts: SqliteOpOptions & { dryRun: boolean },
): Promise<MigrateReport> {
  const before = withExisting(t.path, opts.busyTimeoutMs, (db) => {
    const integrity = opts.check ? quickCheck(db) : undefined
    if (integrity?.ok === false) throw corrupt(t.path, integrity.problems)
    return schemaState(t.store, sqliteVersion(t.store, db))
  })
  const report = { store: t.store, kind: 'sqlite' as const, target: t.path, dryRun: opts.dryRun, from: before.version }
  if (before.state === 'ahead') throw tooNew(t.path, before.version, before.codeVersion)
  if (opts.dryRun || before.pending.length === 0) return { ...report, to: before.version, steps: before.pending }
  try {
    if (t.store === 'node') openDatabase({ path: t.path, busyTimeoutMs: opts.busyTimeoutMs }).close()
    else await (await createSqliteStore({ path: t.path })).close()
  } catch (err) {
    throw classifySqliteError(err, t.path) ?? err
  }
  const to = withExisting(t.path, opts.busyTimeoutMs, (db) => sqliteVersion(t.store, db))
  return { ...report, to, steps: before.pending.filter((m) => m.version <= to) }
}

/**
 * Rows in every table, the store's own bookkeeping (schema version) included. A table whose pages are damaged
 * reports null instead of failing the whole report, so `status` still shows what can be read.
 */
export function tableRows(db: Database.Database): TableRows[] {
  const names = db
    .prepare(
      `SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name`,
    )
    .pluck()
    .all() as string[]
  return names.map((name) => {
    try {
      // Identifiers cannot be bound parameters: quote, doubling any quote in the name.
      const rows = db
        .prepare(`SELECT count(*) FROM "${name.replaceAll('"', '""')}"`)
        .pluck()
        .get() as number
      return { name, rows }
    } catch (err) {
      if (classifySqliteError(err, '')?.code === 'DB_CORRUPT') return { name, rows: null }
      throw err
    }
  })
}

/** The refusal to migrate down. */
export function tooNew(target: string, dbVersion: number, codeVersion: number): DbError {
  return new DbError(
    { code: 'DB_SCHEMA_TOO_NEW', target, dbVersion, codeVersion },
    `database ${target} has schema version ${dbVersion} but this build knows only ${codeVersion}: it was written by a newer kinitro and this build will not migrate it down`,
  )
}

function openFailed(path: string, err: unknown): DbError {
  const reason = err instanceof Error ? err.message : String(err)
  return new DbError({ code: 'DB_OPEN_FAILED', target: path, reason }, `cannot open ${path}: ${reason}`, { cause: err })
}

function fileSize(path: string): number {
  try {
    return statSync(path).size
  } catch {
    return 0
  }
}
