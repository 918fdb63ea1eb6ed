import { initialSchema } from './0001-initial.js'
import { kvTable } from './0002-kv.js'
import type { Migration } from './types.js'

/** The store's schema, oldest first. Append new steps here; never edit a released one. */
export const STORE_MIGRATIONS: readonly Migration[] = [initialSchema, kvTable]

export { currentSchemaVersion, runMigrations } from './runner.js'
export type { Migration } from './types.js'
