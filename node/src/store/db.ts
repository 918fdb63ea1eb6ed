import Database from 'better-sqlite3'
import { type Logger, silentLogger } from '#protocol'
import {
  BUSY_TIMEOUT_MS,
  CACHE_SIZE_KIB,
  JOURNAL_SIZE_LIMIT_BYTES,
  MIN_FREE_BYTES,
  MMAP_SIZE_BYTES,
  WAL_AUTOCHECKPOINT_PAGES_FULL,
  WAL_AUTOCHECKPOINT_PAGES_NORMAL,
} from './constants.js'
import { StoreError } from './errors.js'
import { STORE_MIGRATIONS } from './migrations/index.js'
import { runMigrations } from './migrations/runner.js'
import type { Migration } from './migrations/types.js'
import { assertFreeSpace, assertIntact } from './start-checks.js'

/**
 * SQLite `synchronous` level under WAL.
 * - `FULL`: every commit is fsynced; survives power loss. Costs ~4× per single-op commit (perf.md §1).
 * - `NORMAL`: survives a process crash (SIGKILL) but a power loss can roll back the last commits.
 */
export type SynchronousMode = 'NORMAL' | 'FULL'

/** How to open the store's database. Plain data apart from `logger` and `now`. */
export interface OpenDatabaseInit {
  /**
   * File path, or `':memory:'` for a private in-memory database (tests, `createNode()` with no arguments).
   * @default ':memory:'
   */
  path?: string
  /**
   * FULL by default: the node publishes signed results only after the commit that recorded them. Under
   * NORMAL a power loss could undo such a commit after the result went out; the job would then run again
   * and the node would sign a second, different result for it. The node writes a few jobs per minute, so
   * FULL's ~3.5k commits/s ceiling (perf.md §1) costs nothing that matters; bulk log appends batch anyway.
   * @default 'FULL'
   */
  synchronous?: SynchronousMode
  /** @default BUSY_TIMEOUT_MS (5000) */
  busyTimeoutMs?: number
  /**
   * WAL size that triggers a checkpoint. Depends on `synchronous`: see the two constants' notes.
   * @default WAL_AUTOCHECKPOINT_PAGES_FULL (1000) under FULL, WAL_AUTOCHECKPOINT_PAGES_NORMAL (20000) under NORMAL
   */
  walAutocheckpointPages?: number
  /** @default CACHE_SIZE_KIB (131072) */
  cacheSizeKiB?: number
  /** @default MMAP_SIZE_BYTES (256 MiB) */
  mmapSizeBytes?: number
  /**
   * Check the file with `quick_check` before using it; a damaged file is refused (`STORE_CORRUPT`).
   * @default true for a file, false for ':memory:'
   */
  checkIntegrity?: boolean
  /**
   * Refuse to open (`STORE_DISK_FULL`) when the disk holding the file has less free space than this.
   * @default MIN_FREE_BYTES (64 MiB); 0 turns the check off
   */
  minFreeBytes?: number
  /** Schema steps to apply. Tests pass their own list. @default STORE_MIGRATIONS */
  migrations?: readonly Migration[]
  /** @default silentLogger */
  logger?: Logger
  /** Clock in ms, used to stamp applied migrations. @default Date.now */
  now?: () => number
}

/** An open, migrated database. */
export interface StoreDatabase {
  /** The underlying better-sqlite3 connection, for store modules and diagnostics. */
  readonly sqlite: Database.Database
  readonly path: string
  readonly synchronous: SynchronousMode
  /** Schema version after migrations ran. */
  readonly schemaVersion: number
  /** False once {@link StoreDatabase.close} ran. */
  readonly isOpen: boolean
  /**
   * Run `fn` in one IMMEDIATE transaction (nested calls become savepoints): all of its writes commit
   * together or, if it throws, none do. `fn` must be synchronous; better-sqlite3 refuses a promise.
   */
  transaction<T>(fn: () => T): T
  /** Close the connection. Safe to call more than once. */
  close(): void
}

/**
 * Open (creating if needed) a SQLite database in WAL mode, apply the pragmas the store relies on, and run
 * schema migrations.
 *
 * @throws StoreError `STORE_OPEN_FAILED` if the file cannot be opened or is not a database, and the
 * migration codes of {@link runMigrations}.
 * @example
 * ```ts
 * const db = openDatabase({ path: '/var/lib/kinitro/node.sqlite' })
 * db.transaction(() => { ... })
 * db.close()
 * ```
 */
export function openDatabase(init: OpenDatabaseInit = {}): StoreDatabase {
  const path = init.path ?? ':memory:'
  const synchronous = init.synchronous ?? 'FULL'
  const logger = init.logger ?? silentLogger
  let sqlite: Database.Database | undefined
  try {
    const onDisk = path !== ':memory:' && path !== ''
    if (onDisk) assertFreeSpace(path, init.minFreeBytes ?? MIN_FREE_BYTES)
    sqlite = new Database(path, { timeout: init.busyTimeoutMs ?? BUSY_TIMEOUT_MS })
    applyPragmas(sqlite, init, synchronous, logger)
    if (onDisk && (init.checkIntegrity ?? true)) assertIntact(sqlite, path)
    const { from, to } = runMigrations(sqlite, init.migrations ?? STORE_MIGRATIONS, {
      path,
      logger,
      now: init.now ?? Date.now,
    })
    logger.info('store opened', { path, synchronous, schemaVersion: to, migratedFrom: from })
    return wrap(sqlite, path, synchronous, to)
  } catch (err) {
    sqlite?.close()
    if (err instanceof StoreError) throw err
    const reason = err instanceof Error ? err.message : String(err)
    throw new StoreError(
      { code: 'STORE_OPEN_FAILED', path, reason },
      `cannot open database ${path}: ${reason}. Check that the directory exists and is writable and that the file is a SQLite database`,
      { cause: err },
    )
  }
}

function applyPragmas(
  sqlite: Database.Database,
  init: OpenDatabaseInit,
  synchronous: SynchronousMode,
  logger: Logger,
): void {
  // journal_mode first: it is persistent and reading it also proves the file is a database.
  const mode = sqlite.pragma('journal_mode = WAL', { simple: true })
  if (mode !== 'wal' && !sqlite.memory) logger.warn('store could not enable WAL', { path: sqlite.name, mode })
  sqlite.pragma(`synchronous = ${synchronous}`)
  sqlite.pragma('foreign_keys = ON')
  const checkpoint = synchronous === 'FULL' ? WAL_AUTOCHECKPOINT_PAGES_FULL : WAL_AUTOCHECKPOINT_PAGES_NORMAL
  sqlite.pragma(`wal_autocheckpoint = ${int(init.walAutocheckpointPages ?? checkpoint)}`)
  sqlite.pragma(`journal_size_limit = ${JOURNAL_SIZE_LIMIT_BYTES}`)
  sqlite.pragma(`cache_size = -${int(init.cacheSizeKiB ?? CACHE_SIZE_KIB)}`)
  sqlite.pragma(`mmap_size = ${int(init.mmapSizeBytes ?? MMAP_SIZE_BYTES)}`)
}

// Pragmas cannot take bound parameters; refuse anything but a plain integer before interpolating.
function int(n: number): number {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`expected a non-negative integer, got ${n}`)
  return n
}

function wrap(sqlite: Database.Database, path: string, synchronous: SynchronousMode, version: number): StoreDatabase {
  // Our own BEGIN IMMEDIATE / SAVEPOINT wrapper with statements prepared once: better-sqlite3's
  // db.transaction(fn) builds four wrapper functions per call, which a per-job transaction would pay every time.
  const begin = sqlite.prepare('BEGIN IMMEDIATE')
  const commit = sqlite.prepare('COMMIT')
  const rollback = sqlite.prepare('ROLLBACK')
  const savepoint = sqlite.prepare('SAVEPOINT kinitro_nested')
  const release = sqlite.prepare('RELEASE kinitro_nested')
  const rollbackTo = sqlite.prepare('ROLLBACK TO kinitro_nested')
  return {
    sqlite,
    path,
    synchronous,
    schemaVersion: version,
    get isOpen() {
      return sqlite.open
    },
    transaction<T>(fn: () => T): T {
      const nested = sqlite.inTransaction
      ;(nested ? savepoint : begin).run()
      try {
        const result = fn()
        if (result instanceof Promise) throw new TypeError('a store transaction function must be synchronous')
        ;(nested ? release : commit).run()
        return result
      } catch (err) {
        // SQLite may already have rolled back by itself (e.g. SQLITE_FULL); only undo what is still open.
        if (sqlite.inTransaction) {
          if (nested) {
            rollbackTo.run()
            release.run()
          } else {
            rollback.run()
          }
        }
        throw err
      }
    },
    close() {
      if (sqlite.open) sqlite.close()
    },
  }
}
