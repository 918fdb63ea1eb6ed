import { KinitroError, registerErrorFixes } from '#protocol'

/** Every code `kinitro db` raises itself; store codes (`STORE_*`, `INDEXER_STORE_*`) pass through unchanged. */
export const DB_ERROR_CODES = [
  'DB_NO_TARGET',
  'DB_NOT_FOUND',
  'DB_OPEN_FAILED',
  'DB_CORRUPT',
  'DB_LOCKED',
  'DB_SCHEMA_TOO_NEW',
  'DB_BACKUP_EXISTS',
  'DB_BACKUP_FAILED',
  'DB_BACKUP_POSTGRES',
] as const

/** One of {@link DB_ERROR_CODES}. */
export type DbErrorCode = (typeof DB_ERROR_CODES)[number]

/** Metadata per code. `target` is a file path or `host:port/database/schema`, never a URL with a password. */
export type DbErrorMeta =
  | { code: 'DB_NO_TARGET'; reason: string }
  | { code: 'DB_NOT_FOUND'; target: string }
  | { code: 'DB_OPEN_FAILED'; target: string; reason: string }
  | { code: 'DB_CORRUPT'; target: string; problems: string[] }
  | { code: 'DB_LOCKED'; target: string; reason: string }
  | { code: 'DB_SCHEMA_TOO_NEW'; target: string; dbVersion: number; codeVersion: number }
  | { code: 'DB_BACKUP_EXISTS'; to: string }
  | { code: 'DB_BACKUP_FAILED'; target: string; to: string; reason: string }
  | { code: 'DB_BACKUP_POSTGRES'; target: string }

/**
 * Errors of `kinitro db`. Branch on `err.code`; the message names the file and says what to do.
 *
 * @example
 * ```ts
 * try { await dbStatus(target) } catch (err) { if (hasCode(err, 'DB_CORRUPT')) restoreFromBackup() }
 * ```
 */
export class DbError extends KinitroError<DbErrorMeta> {}

/** What the operator should do about each code; printed under the error, mirrored in the errors table. */
export const DB_ERROR_FIXES: Readonly<Record<DbErrorCode, string>> = {
  DB_NO_TARGET: 'pass exactly one of --node-data <dir> or --indexer <url-or-path>',
  DB_NOT_FOUND:
    'point --node-data at the node data directory holding node.sqlite, or --indexer at the indexer database (file or postgres:// URL)',
  DB_OPEN_FAILED: 'check the file permissions, or that PostgreSQL is reachable with this URL and role',
  DB_CORRUPT:
    'stop the process using it, move the file aside and restore the newest `kinitro db backup` copy; without a backup start from an empty data dir (a node catches up from peers but loses its local queue and outbox)',
  DB_LOCKED:
    'another process holds a write lock: retry, raise --busy-timeout, or stop the process (a node or indexer running a migration or a long write)',
  DB_SCHEMA_TOO_NEW:
    'run the kinitro version that wrote the database (or newer); this build never migrates down. To go back, restore a backup made before the upgrade',
  DB_BACKUP_EXISTS: 'choose another --to path, or pass --force to replace the file',
  DB_BACKUP_FAILED:
    'check free space and permissions in the destination directory and retry; the partial copy was removed',
  DB_BACKUP_POSTGRES:
    'back up PostgreSQL with its own tools: pg_dump --format=custom --schema=<schema> (the message has the full command)',
}

registerErrorFixes(DB_ERROR_FIXES)

/** The driver's SQLite error in `err`'s `cause` chain (store errors wrap it), with its result code. */
export function sqliteCause(err: unknown): { code: string; message: string } | undefined {
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    const code = (e as { code?: unknown }).code
    if (typeof code === 'string' && code.startsWith('SQLITE_')) return { code, message: e.message }
  }
  return undefined
}

/**
 * The typed error for a SQLite failure that means "damaged" or "locked"; undefined for anything else, which
 * the caller rethrows as it is.
 */
export function classifySqliteError(err: unknown, target: string): DbError | undefined {
  const cause = sqliteCause(err)
  if (cause === undefined) return undefined
  const { code, message } = cause
  if (code === 'SQLITE_NOTADB' || code.startsWith('SQLITE_CORRUPT')) return corrupt(target, [message])
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
    return new DbError(
      { code: 'DB_LOCKED', target, reason: message },
      `database ${target} is locked by another connection (${message}): retry, raise --busy-timeout, or stop the process holding the lock`,
      { cause: err },
    )
  }
  return undefined
}

/** The damaged-file error, with the first problems SQLite reported. */
export function corrupt(target: string, problems: string[]): DbError {
  const more = problems.length > 1 ? ` (+${problems.length - 1} more)` : ''
  return new DbError(
    { code: 'DB_CORRUPT', target, problems },
    `database file ${target} is damaged: ${problems[0] ?? 'unknown damage'}${more}. Stop the process using it, move the file aside and restore your newest backup (made with \`kinitro db backup\`)`,
  )
}
