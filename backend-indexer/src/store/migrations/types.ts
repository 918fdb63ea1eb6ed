/**
 * One schema step, in both dialects so the two stores never drift apart in version numbers. Steps run in
 * `version` order, each in one transaction together with its `schema_migrations` row.
 *
 * Never edit or renumber a released step: append a new one. SQL must not contain BEGIN/COMMIT.
 */
export interface IndexerMigration {
  /** Position in the list: 1, 2, 3 … with no gaps. */
  version: number
  /** Short kebab-case name, stored next to the version so a database from another branch is detected. */
  name: string
  /** SQLite statements. */
  sqlite: string
  /** PostgreSQL statements; they run with `search_path` set to the store's schema. */
  postgres: string
}
