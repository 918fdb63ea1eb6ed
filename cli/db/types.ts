import type { Integrity } from '#node'
import type { MigrationRef, SchemaState } from './schema.js'
import type { DbStore } from './target.js'

/** Rows in one table; null when the table could not be read (a damaged file). */
export interface TableRows {
  name: string
  rows: number | null
}

/** `PRAGMA quick_check`'s verdict (the node store's own check, run at every start). */
export type { Integrity }

/** What `kinitro db status` reports. */
export interface DbStatus {
  store: DbStore
  kind: 'sqlite' | 'postgres'
  /** File path, or `host:port/database/schema`. */
  target: string
  schema: SchemaState
  /** SQLite: the main file plus its WAL. PostgreSQL: the schema's tables with their indexes and TOAST. */
  sizeBytes: number
  tables: TableRows[]
  sqlite?: {
    pageSize: number
    pageCount: number
    /** Pages on the freelist: space a VACUUM would give back. */
    freePages: number
    journalMode: string
    /** Size of `<file>-wal` (0 when absent: checkpointed and closed). */
    walBytes: number
    /** Absent when the check was skipped (`--no-check`). */
    integrity?: Integrity
  }
  postgres?: {
    serverVersion: string
    databaseBytes: number
    /** True on a standby: migrations cannot run there. */
    inRecovery: boolean
  }
}

/** What `kinitro db migrate` did, or would do with `--dry-run`. */
export interface MigrateReport {
  store: DbStore
  kind: 'sqlite' | 'postgres'
  target: string
  dryRun: boolean
  from: number
  to: number
  /** Steps applied (or, in a dry run, that would be). */
  steps: MigrationRef[]
}

/** What `kinitro db backup` wrote. */
export interface BackupReport {
  store: DbStore
  source: string
  to: string
  bytes: number
  schemaVersion: number
  /** Rows per table in the copy, as of the moment the copy was taken. */
  tables: TableRows[]
  durationMs: number
}

/** Knobs shared by the SQLite operations. */
export interface SqliteOpOptions {
  /** How long to wait for another connection's lock before giving up with DB_LOCKED. */
  busyTimeoutMs: number
  /** Run `PRAGMA quick_check` (status, and before migrating). */
  check: boolean
}
