import type Database from 'better-sqlite3'

/**
 * One schema step. Migrations run in `id` order, each in its own transaction together with its
 * `schema_version` row, so a step is applied entirely or not at all.
 *
 * Never edit or renumber a released migration: add a new one. `up` SQL must not contain BEGIN/COMMIT.
 */
export interface Migration {
  /** Position in the list: 1, 2, 3 … with no gaps. */
  id: number
  /** Short kebab-case name, stored next to the id so a diverging database is detected on open. */
  name: string
  /** SQL (may hold several statements) or a function for steps that need to read data. */
  up: string | ((db: Database.Database) => void)
}
