import { KinitroError } from '#protocol'

/** Every code a {@link StoreError} can carry; the node README's error table lists the same codes. */
export const STORE_ERROR_CODES = [
  'STORE_OPEN_FAILED',
  'STORE_CORRUPT',
  'STORE_DISK_FULL',
  'STORE_SCHEMA_TOO_NEW',
  'STORE_SCHEMA_MISMATCH',
  'STORE_MIGRATION_FAILED',
  'STORE_MIGRATIONS_INVALID',
  'STORE_BAD_MESSAGE_ID',
  'STORE_JOB_NOT_FOUND',
  'STORE_LEASE_NOT_HELD',
] as const

/** One of {@link STORE_ERROR_CODES}. */
export type StoreErrorCode = (typeof STORE_ERROR_CODES)[number]

/** A job's state as the queue reports it. */
export type JobStateName = 'pending' | 'claimed' | 'done' | 'dead'

/** Metadata per code: plain data, so the error survives `toObject()` across process boundaries. */
export type StoreErrorMeta =
  | { code: 'STORE_OPEN_FAILED'; path: string; reason: string }
  | { code: 'STORE_CORRUPT'; path: string; problems: string[] }
  | { code: 'STORE_DISK_FULL'; path: string; freeBytes: number; minFreeBytes: number }
  | { code: 'STORE_SCHEMA_TOO_NEW'; path: string; dbVersion: number; codeVersion: number }
  | { code: 'STORE_SCHEMA_MISMATCH'; path: string; id: number; dbName: string; codeName: string }
  | { code: 'STORE_MIGRATION_FAILED'; path: string; id: number; name: string; reason: string }
  | { code: 'STORE_MIGRATIONS_INVALID'; reason: string }
  | { code: 'STORE_BAD_MESSAGE_ID'; length: number; expected: number }
  | { code: 'STORE_JOB_NOT_FOUND'; queue: string; jobId: string }
  | {
      code: 'STORE_LEASE_NOT_HELD'
      queue: string
      jobId: string
      worker: string
      state: JobStateName
      holder: string | null
    }

/**
 * Errors raised by the validator store (`node/src/store`). Branch on `err.code`; the message says how to fix.
 *
 * @example
 * ```ts
 * try { queue.ack(id, worker) } catch (err) { if (hasCode(err, 'STORE_LEASE_NOT_HELD')) return }
 * ```
 */
export class StoreError extends KinitroError<StoreErrorMeta> {}

/** What the operator should do about each store code; printed by the CLI, mirrored in the README table. */
export const STORE_ERROR_FIXES: Readonly<Record<StoreErrorCode, string>> = {
  STORE_OPEN_FAILED: 'check the data directory exists and is writable, and that the path is a SQLite file',
  STORE_CORRUPT:
    'stop the node, move the damaged file aside and start with a fresh one (the node refills it from the mesh by catch-up), or restore a backup (kinitro db backup)',
  STORE_DISK_FULL: 'free space on that disk or move dataDir to a larger one; store.minFreeMb sets the floor',
  STORE_SCHEMA_TOO_NEW: 'run a newer kinitro, or use a fresh data directory',
  STORE_SCHEMA_MISMATCH: 'the file comes from another branch; use a fresh data directory or the build that created it',
  STORE_MIGRATION_FAILED: 'fix the cause (disk full, read-only file) and restart, or restore a backup',
  STORE_MIGRATIONS_INVALID: 'fix node/src/store/migrations/index.ts (ids 1..n, unique non-empty names)',
  STORE_BAD_MESSAGE_ID: 'pass the SHA-256 of the envelope bytes (messageId from #protocol)',
  STORE_JOB_NOT_FOUND: 'only ack or fail ids returned by claim, on the same queue',
  STORE_LEASE_NOT_HELD: 'drop the result; heartbeat well inside leaseMs; give each execution its own worker name',
}
