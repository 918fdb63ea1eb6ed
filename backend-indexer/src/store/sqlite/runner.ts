import type Database from 'better-sqlite3'
import { storeClosed } from '../errors.js'
import type { SqlRunner, SqlValue } from '../sql.js'

/**
 * A {@link SqlRunner} over one better-sqlite3 connection. Statements are prepared once per SQL text and
 * reused: the texts come from a bounded set (each list's filter combinations), so the cache cannot grow
 * without bound.
 */
export function sqliteRunner(db: Database.Database): SqlRunner {
  const cache = new Map<string, Database.Statement>()
  const prepare = (sql: string): Database.Statement => {
    if (!db.open) throw storeClosed('sqlite')
    let stmt = cache.get(sql)
    if (stmt === undefined) {
      stmt = db.prepare(sql)
      cache.set(sql, stmt)
    }
    return stmt
  }
  return {
    dialect: 'sqlite',
    async all<T>(sql: string, params: readonly SqlValue[] = []): Promise<T[]> {
      return prepare(sql).all(...bind(params)) as T[]
    },
    async run(sql: string, params: readonly SqlValue[] = []): Promise<number> {
      return prepare(sql).run(...bind(params)).changes
    },
  }
}

/** better-sqlite3 binds no booleans (SQLite has none) and no `undefined`: 1/0 and NULL instead. */
export function bind(params: readonly (SqlValue | undefined)[]): (string | number | Buffer | null)[] {
  return params.map((p) => (p === undefined ? null : typeof p === 'boolean' ? (p ? 1 : 0) : p))
}
