import { existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs'
import { basename, dirname, join, resolve } from 'node:path'
import Database from 'better-sqlite3'
import { quickCheck } from '#node'
import { classifySqliteError, corrupt, DbError } from './errors.js'
import { sqliteVersion } from './schema.js'
import { openExisting, tableRows } from './sqlite.js'
import type { DbStore } from './target.js'
import type { BackupReport } from './types.js'

/**
 * Pages per backup step after the first. SQLite restarts an online backup whenever another connection writes
 * the source between two steps; a running node commits several times a second, so a paced copy (better-sqlite3
 * defaults to 100 pages per step) of a large file might never finish. One step holds a single read snapshot,
 * which under WAL never blocks the node's writers, and finishes whatever they do.
 */
const WHOLE_FILE_PAGES = 0x7fffffff

/** Options of {@link backupSqlite}. */
export interface BackupOptions {
  /** Replace an existing file at `to`. */
  force: boolean
  busyTimeoutMs: number
}

/**
 * Copy a live SQLite store file with SQLite's online backup, then prove the copy: it must open, pass
 * `quick_check`, and carry a schema version. The copy is written next to `to` and renamed into place only
 * once verified, so `to` never holds a half-written file; it is switched to rollback-journal mode so it is one
 * self-contained file (the node turns WAL back on when it opens a restored copy).
 *
 * @param to a file path, or a directory (existing, or ending in `/`) to put `<name>-<UTC timestamp>.sqlite` in.
 */
export async function backupSqlite(
  t: { store: DbStore; path: string },
  to: string,
  opts: BackupOptions,
): Promise<BackupReport> {
  const source = openExisting(t.path, opts.busyTimeoutMs)
  try {
    return await backupFrom(source, t, destination(t.path, to), opts.force)
  } finally {
    source.close()
  }
}

async function backupFrom(
  source: Database.Database,
  t: { store: DbStore; path: string },
  dest: string,
  force: boolean,
): Promise<BackupReport> {
  if (dest === t.path) {
    throw new DbError({ code: 'DB_BACKUP_EXISTS', to: dest }, `${dest} is the database itself: back it up elsewhere`)
  }
  if (existsSync(dest) && !force) {
    throw new DbError(
      { code: 'DB_BACKUP_EXISTS', to: dest },
      `${dest} already exists: choose another path or pass --force`,
    )
  }
  const partial = `${dest}.partial-${process.pid}`
  const started = performance.now()
  try {
    mkdirSync(dirname(dest), { recursive: true })
    removeDatabaseFiles(partial)
    await copy(source, t.path, partial)
    const verified = verify(t, partial)
    // A stale -wal left by an earlier database at `dest` would be replayed into the copy when it is opened.
    removeDatabaseFiles(dest)
    renameSync(partial, dest)
    return {
      store: t.store,
      source: t.path,
      to: dest,
      bytes: statSync(dest).size,
      ...verified,
      durationMs: Math.round(performance.now() - started),
    }
  } catch (err) {
    removeDatabaseFiles(partial)
    if (err instanceof DbError) throw err
    const reason = err instanceof Error ? err.message : String(err)
    throw new DbError(
      { code: 'DB_BACKUP_FAILED', target: t.path, to: dest, reason },
      `backup of ${t.path} to ${dest} failed: ${reason}. The partial copy was removed`,
      { cause: err },
    )
  }
}

async function copy(source: Database.Database, path: string, partial: string): Promise<void> {
  try {
    await source.backup(partial, { progress: () => WHOLE_FILE_PAGES })
  } catch (err) {
    throw classifySqliteError(err, path) ?? err
  }
}

function verify(
  t: { store: DbStore; path: string },
  partial: string,
): Omit<BackupReport, 'store' | 'source' | 'to' | 'bytes' | 'durationMs'> {
  const db = new Database(partial)
  try {
    db.pragma('journal_mode = DELETE')
    const integrity = quickCheck(db)
    // The copy is page for page: damage in it is damage in the source.
    if (!integrity.ok) throw corrupt(t.path, integrity.problems)
    return { schemaVersion: sqliteVersion(t.store, db), tables: tableRows(db) }
  } catch (err) {
    throw classifySqliteError(err, t.path) ?? err
  } finally {
    db.close()
  }
}

// A directory (existing, or named with a trailing slash) gets a timestamped file named after the source.
function destination(source: string, to: string): string {
  const path = resolve(to)
  const isDir = /[/\\]$/.test(to) || (existsSync(path) && statSync(path).isDirectory())
  if (!isDir) return path
  const stamp = new Date()
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z')
  return join(path, `${basename(source).replace(/\.sqlite$/, '')}-${stamp}.sqlite`)
}

function removeDatabaseFiles(path: string): void {
  for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(`${path}${suffix}`, { force: true })
}
