import { Command, Option } from 'commander'
import { typedAction } from '#protocol'
import { backupSqlite } from './db/backup.js'
import { corrupt } from './db/errors.js'
import { formatBackup, formatMigrate, formatStatus } from './db/format.js'
import { inspectPostgres, migratePostgresTarget, postgresBackupRefusal } from './db/postgres.js'
import { inspectSqlite, migrateSqliteTarget } from './db/sqlite.js'
import { type DbTarget, type DbTargetFlags, resolveTarget } from './db/target.js'
import type { BackupReport, DbStatus, MigrateReport } from './db/types.js'

/** How long SQLite operations wait for another connection's lock (the stores' own busy timeout). */
export const DEFAULT_BUSY_TIMEOUT_MS = 5_000

/** Options shared by the three operations. */
export interface DbOpOptions {
  /** @default DEFAULT_BUSY_TIMEOUT_MS */
  busyTimeoutMs?: number
  /** Run `PRAGMA quick_check` (status; before migrating). @default true */
  check?: boolean
}

/**
 * Where the database stands: schema vs code, size, rows per table, WAL state, integrity. Only reads (closing
 * the last connection to a SQLite file checkpoints its WAL, as the node does when it stops).
 */
export async function dbStatus(target: DbTarget, opts: DbOpOptions = {}): Promise<DbStatus> {
  if (target.kind === 'postgres') return inspectPostgres(target)
  return inspectSqlite(target, sqliteOpts(opts))
}

/** Apply pending migrations (or, with `dryRun`, list them) without starting the node or the indexer. */
export async function dbMigrate(
  target: DbTarget,
  opts: DbOpOptions & { dryRun?: boolean } = {},
): Promise<MigrateReport> {
  const dryRun = opts.dryRun ?? false
  if (target.kind === 'postgres') return migratePostgresTarget(target, { dryRun })
  return migrateSqliteTarget(target, { ...sqliteOpts(opts), dryRun })
}

/** Online backup of a SQLite store to `to`, verified; PostgreSQL is refused with the pg_dump command to use. */
export async function dbBackup(
  target: DbTarget,
  to: string,
  opts: DbOpOptions & { force?: boolean } = {},
): Promise<BackupReport> {
  if (target.kind === 'postgres') throw postgresBackupRefusal(target, to)
  return backupSqlite(target, to, { force: opts.force ?? false, busyTimeoutMs: sqliteOpts(opts).busyTimeoutMs })
}

function sqliteOpts(opts: DbOpOptions): { busyTimeoutMs: number; check: boolean } {
  return { busyTimeoutMs: opts.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS, check: opts.check ?? true }
}

/** Seams of {@link dbCommand}. */
export interface DbCommandInit {
  /** Where reports go. @default console.log */
  out?: (text: string) => void
}

interface CommonFlags extends DbTargetFlags {
  json?: boolean
  busyTimeout: number
  check: boolean
}

function targetOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option('--node-data <dir>', "the node's data directory (holding node.sqlite), or the file"))
    .addOption(
      new Option(
        '--indexer <url-or-path>',
        "the indexer's database: postgres://…[?schema=…], sqlite:<path>, a file, or its data directory",
      ),
    )
    .option('--busy-timeout <ms>', 'wait this long for another connection’s lock (SQLite)', ms, DEFAULT_BUSY_TIMEOUT_MS)
    .option('--json', 'print the report as JSON')
}

function ms(v: string): number {
  const n = Number(v)
  if (!Number.isSafeInteger(n) || n < 0) throw new Error('--busy-timeout must be a number of milliseconds')
  return n
}

/**
 * `kinitro db status|migrate|backup` for a node's or the indexer's database. Works on a stopped or a running
 * process: status and backup only read (WAL readers never block writers); migrate takes the write lock for
 * the duration of each step.
 *
 * @example
 * ```sh
 * kinitro db status --node-data ~/.kinitro/node
 * kinitro db migrate --indexer postgres://indexer@db/kinitro?schema=mainnet --dry-run
 * kinitro db backup --node-data ~/.kinitro/node --to /backups/
 * ```
 */
export function dbCommand(init: DbCommandInit = {}): Command {
  const out = init.out ?? ((text: string) => console.log(text))
  const db = new Command('db').description("inspect, migrate and back up a node's or the indexer's database")

  const status = targetOptions(new Command('status'))
    .description('schema version vs this build, pending migrations, size, rows per table, WAL state, integrity')
    .option('--no-check', 'skip PRAGMA quick_check (it reads the whole file)')
    .addHelpText('after', '\nExample:\n  kinitro db status --node-data ~/.kinitro/node --json')
    .action(
      typedAction(async function (this: Command) {
        const f = this.opts<CommonFlags>()
        const report = await dbStatus(resolveTarget(f), { busyTimeoutMs: f.busyTimeout, check: f.check })
        out(f.json ? JSON.stringify(report, null, 2) : formatStatus(report))
        // Printed first so the report shows what is readable; the error then says what to do.
        const integrity = report.sqlite?.integrity
        if (integrity?.ok === false) throw corrupt(report.target, integrity.problems)
      }),
    )

  const migrate = targetOptions(new Command('migrate'))
    .description('apply pending schema migrations without starting the node or indexer (never migrates down)')
    .option('--dry-run', 'list the pending migrations and change nothing')
    .option('--no-check', 'skip PRAGMA quick_check before migrating a SQLite file')
    .addHelpText(
      'after',
      '\nExample:\n  kinitro db backup --node-data ~/.kinitro/node --to /backups/ && kinitro db migrate --node-data ~/.kinitro/node',
    )
    .action(
      typedAction(async function (this: Command) {
        const f = this.opts<CommonFlags & { dryRun?: boolean }>()
        const opts = { busyTimeoutMs: f.busyTimeout, check: f.check, dryRun: f.dryRun }
        const report = await dbMigrate(resolveTarget(f), opts)
        out(f.json ? JSON.stringify(report, null, 2) : formatMigrate(report))
      }),
    )

  const backup = targetOptions(new Command('backup'))
    .description('online backup of a SQLite database (safe while the node runs), verified with quick_check')
    .requiredOption('--to <file>', 'the copy: a file path, or a directory for <name>-<UTC time>.sqlite')
    .option('--force', 'replace an existing file')
    .addHelpText('after', '\nExample:\n  kinitro db backup --indexer ~/.kinitro/indexer --to /backups/')
    .action(
      typedAction(async function (this: Command) {
        const f = this.opts<CommonFlags & { to: string; force?: boolean }>()
        const report = await dbBackup(resolveTarget(f), f.to, { busyTimeoutMs: f.busyTimeout, force: f.force })
        out(f.json ? JSON.stringify(report, null, 2) : formatBackup(report))
      }),
    )

  return db.addCommand(status).addCommand(migrate).addCommand(backup)
}

export type { DbErrorCode, DbErrorMeta } from './db/errors.js'
export { DB_ERROR_CODES, DB_ERROR_FIXES, DbError } from './db/errors.js'
export type { MigrationRef, SchemaState } from './db/schema.js'
export type { DbTarget, DbTargetFlags } from './db/target.js'
export { resolveTarget } from './db/target.js'
export type { BackupReport, DbStatus, Integrity, MigrateReport, TableRows } from './db/types.js'
