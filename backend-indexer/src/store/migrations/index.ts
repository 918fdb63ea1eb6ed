import { POSTGRES_INITIAL } from './0001-initial-postgres.js'
import { SQLITE_INITIAL } from './0001-initial-sqlite.js'
import type { IndexerMigration } from './types.js'

/** The indexer's schema, oldest first. Append new steps here; never edit a released one. */
export const INDEXER_MIGRATIONS: readonly IndexerMigration[] = [
  { version: 1, name: 'initial', sqlite: SQLITE_INITIAL, postgres: POSTGRES_INITIAL },
]

export type { IndexerMigration } from './types.js'
