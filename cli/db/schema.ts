import type Database from 'better-sqlite3'
import { INDEXER_MIGRATIONS, sqliteSchemaVersion } from '#indexer'
import { currentSchemaVersion, STORE_MIGRATIONS } from '#node'
import type { DbStore } from './target.js'

/** One schema step as `kinitro db` reports it. */
export interface MigrationRef {
  version: number
  name: string
}

/** Where a database's schema stands against this build's migration list. */
export interface SchemaState {
  /** Version recorded in the database (0: never migrated). */
  version: number
  /** The last migration this build knows. */
  codeVersion: number
  /** `ahead`: written by a newer build; this one refuses to touch it. */
  state: 'current' | 'behind' | 'ahead'
  /** Steps `migrate` would apply, oldest first. */
  pending: MigrationRef[]
}

/** This build's migrations for a store, oldest first. */
export function codeMigrations(store: DbStore): MigrationRef[] {
  return store === 'node'
    ? STORE_MIGRATIONS.map((m) => ({ version: m.id, name: m.name }))
    : INDEXER_MIGRATIONS.map((m) => ({ version: m.version, name: m.name }))
}

/** The schema version a store's SQLite database records, read without writing. */
export function sqliteVersion(store: DbStore, db: Database.Database): number {
  return store === 'node' ? currentSchemaVersion(db) : sqliteSchemaVersion(db)
}

/** Compare a database's version with the code's list. */
export function schemaState(store: DbStore, version: number): SchemaState {
  const code = codeMigrations(store)
  const codeVersion = code.length
  const state = version > codeVersion ? 'ahead' : version === codeVersion ? 'current' : 'behind'
  return { version, codeVersion, state, pending: code.filter((m) => m.version > version) }
}
