import { KinitroError } from '#protocol'

/** Which implementation raised an error; plain data so it survives `toObject()`. */
export type StoreKind = 'sqlite' | 'postgres'

/** Every code an {@link IndexerStoreError} can carry (operator-facing, no HTTP status). */
export const INDEXER_STORE_ERROR_CODES = [
  'INDEXER_STORE_BAD_URL',
  'INDEXER_STORE_INVALID_OPTIONS',
  'INDEXER_STORE_OPEN_FAILED',
  'INDEXER_STORE_SCHEMA_TOO_NEW',
  'INDEXER_STORE_SCHEMA_MISMATCH',
  'INDEXER_STORE_MIGRATION_FAILED',
  'INDEXER_STORE_WRITE_FAILED',
  'INDEXER_STORE_CLOSED',
] as const

/** One of {@link INDEXER_STORE_ERROR_CODES}. */
export type IndexerStoreErrorCode = (typeof INDEXER_STORE_ERROR_CODES)[number]

/** Metadata per code. `target` is a file path or `host/database/schema`, never a URL with a password. */
export type IndexerStoreErrorMeta =
  | { code: 'INDEXER_STORE_BAD_URL'; url: string }
  | { code: 'INDEXER_STORE_INVALID_OPTIONS'; option: string; reason: string }
  | { code: 'INDEXER_STORE_OPEN_FAILED'; kind: StoreKind; target: string; reason: string }
  | { code: 'INDEXER_STORE_SCHEMA_TOO_NEW'; kind: StoreKind; target: string; dbVersion: number; codeVersion: number }
  | {
      code: 'INDEXER_STORE_SCHEMA_MISMATCH'
      kind: StoreKind
      target: string
      version: number
      dbName: string
      codeName: string
    }
  | {
      code: 'INDEXER_STORE_MIGRATION_FAILED'
      kind: StoreKind
      target: string
      version: number
      name: string
      reason: string
    }
  | { code: 'INDEXER_STORE_WRITE_FAILED'; kind: StoreKind; messages: number; reason: string }
  | { code: 'INDEXER_STORE_CLOSED'; kind: StoreKind }

/**
 * Errors of the indexer store (`backend-indexer/src/store`). Branch on `err.code`; the message says how to fix.
 *
 * @example
 * ```ts
 * try { await store.migrate() } catch (err) { if (hasCode(err, 'INDEXER_STORE_SCHEMA_TOO_NEW')) process.exit(2) }
 * ```
 */
export class IndexerStoreError extends KinitroError<IndexerStoreErrorMeta> {}

/** What the operator should do about each store code; mirrored in the backend-indexer README's errors table. */
export const INDEXER_STORE_ERROR_FIXES: Readonly<Record<IndexerStoreErrorCode, string>> = {
  INDEXER_STORE_BAD_URL: 'pass sqlite:<path>, a file path, :memory: or a postgres:// / postgresql:// URL',
  INDEXER_STORE_INVALID_OPTIONS:
    'fix the named option (e.g. a PostgreSQL schema must be a plain lower-case identifier)',
  INDEXER_STORE_OPEN_FAILED:
    'check the file path is writable, or that PostgreSQL is reachable with the URL and the role may create the schema',
  INDEXER_STORE_SCHEMA_TOO_NEW: 'run a newer kinitro, or point the indexer at a fresh database or schema',
  INDEXER_STORE_SCHEMA_MISMATCH:
    'the database comes from another branch; use a fresh database or the build that created it',
  INDEXER_STORE_MIGRATION_FAILED: 'fix the cause (disk full, permissions) and restart; the failed step was rolled back',
  INDEXER_STORE_WRITE_FAILED:
    'the whole batch was rolled back; fix the cause (a malformed projection, disk full, PostgreSQL down) and re-ingest it',
  INDEXER_STORE_CLOSED: 'do not use a store after close(); open a new one',
}

/** Codes the store raises for bad client input; the API maps them to HTTP responses with `statusCode`. */
export const STORE_API_ERROR_CODES = ['API_BAD_CURSOR'] as const

/** One of {@link STORE_API_ERROR_CODES}. */
export type StoreApiErrorCode = (typeof STORE_API_ERROR_CODES)[number]

/** HTTP status of each {@link STORE_API_ERROR_CODES} code. */
export const STORE_API_ERROR_STATUS: Readonly<Record<StoreApiErrorCode, number>> = { API_BAD_CURSOR: 400 }

/** What an API client should do about each store input code. */
export const STORE_API_ERROR_FIXES: Readonly<Record<StoreApiErrorCode, string>> = {
  API_BAD_CURSOR: "pass back the nextCursor of the same list's previous page unchanged, or omit cursor to start over",
}

/** Metadata of {@link BadCursorError}: which list refused it and why (never the cursor text itself). */
export type BadCursorMeta = { code: 'API_BAD_CURSOR'; list: string; reason: string }

/**
 * A `cursor` that this store did not produce for this list (garbled, truncated, or from another list).
 * HTTP 400: the client sent it.
 */
export class BadCursorError extends KinitroError<BadCursorMeta> {
  readonly statusCode = STORE_API_ERROR_STATUS.API_BAD_CURSOR
}

/** The error for any call on a closed store. */
export function storeClosed(kind: StoreKind): IndexerStoreError {
  return new IndexerStoreError({ code: 'INDEXER_STORE_CLOSED', kind }, `the ${kind} indexer store is closed`)
}

/** Wrap the cause of a rolled-back batch (typed store errors pass through unchanged). */
export function writeFailed(kind: StoreKind, messages: number, err: unknown): Error {
  if (err instanceof IndexerStoreError) return err
  const reason = err instanceof Error ? err.message : String(err)
  return new IndexerStoreError(
    { code: 'INDEXER_STORE_WRITE_FAILED', kind, messages, reason },
    `ingest of ${messages} messages into the ${kind} store was rolled back: ${reason}`,
    { cause: err },
  )
}
