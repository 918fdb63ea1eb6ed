import { IndexerStoreError, type StoreKind } from '../errors.js'
import type { IndexerMigration } from './types.js'

/** A row of `schema_migrations`. */
export interface AppliedMigration {
  version: number
  name: string
}

/** Where migrations run, for error metadata: `target` is a file path or `host/database/schema`. */
export interface MigrationTarget {
  kind: StoreKind
  target: string
}

/**
 * The steps still to apply, after checking what the database already has against the code's list (both
 * stores call this inside their migration transaction, so concurrent openers agree).
 *
 * @throws IndexerStoreError `INDEXER_STORE_SCHEMA_TOO_NEW` when the database is ahead of this build,
 * `INDEXER_STORE_SCHEMA_MISMATCH` when an applied step's name differs from ours.
 */
export function pendingMigrations(
  applied: readonly AppliedMigration[],
  migrations: readonly IndexerMigration[],
  at: MigrationTarget,
): IndexerMigration[] {
  const dbVersion = applied.reduce((v, m) => Math.max(v, m.version), 0)
  const codeVersion = migrations.length
  if (dbVersion > codeVersion) {
    throw new IndexerStoreError(
      { code: 'INDEXER_STORE_SCHEMA_TOO_NEW', ...at, dbVersion, codeVersion },
      `indexer database ${at.target} has schema version ${dbVersion} but this build knows only ${codeVersion}: run a newer kinitro, or point the indexer at a fresh database`,
    )
  }
  for (const row of applied) {
    const codeName = migrations[row.version - 1]?.name ?? ''
    if (codeName === row.name) continue
    throw new IndexerStoreError(
      { code: 'INDEXER_STORE_SCHEMA_MISMATCH', ...at, version: row.version, dbName: row.name, codeName },
      `indexer database ${at.target} applied migration ${row.version} as "${row.name}" but this build calls it "${codeName}": use a fresh database or the build that created it`,
    )
  }
  return migrations.slice(dbVersion)
}

/** Wrap a failed step's cause. */
export function migrationFailed(at: MigrationTarget, m: IndexerMigration, err: unknown): IndexerStoreError {
  const reason = err instanceof Error ? err.message : String(err)
  return new IndexerStoreError(
    { code: 'INDEXER_STORE_MIGRATION_FAILED', ...at, version: m.version, name: m.name, reason },
    `indexer migration ${m.version} (${m.name}) on ${at.target} failed and was rolled back: ${reason}`,
    { cause: err },
  )
}
