import type { Pool } from 'pg'
import type { SqlRunner, SqlValue } from '../sql.js'

/**
 * A {@link SqlRunner} over a pg Pool. The shared queries use `?`; each distinct text is renumbered to `$n`
 * once and sent as a named (per-connection prepared) statement, so PostgreSQL parses each shape once per
 * connection. Texts come from a bounded set (filter combinations), so the map cannot grow without bound.
 */
export function postgresRunner(pool: Pool, assertOpen: () => void): SqlRunner {
  const statements = new Map<string, { name: string; text: string }>()
  const statement = (sql: string): { name: string; text: string } => {
    let s = statements.get(sql)
    if (s === undefined) {
      s = { name: `kinitro_indexer_q${statements.size}`, text: renumber(sql) }
      statements.set(sql, s)
    }
    return s
  }
  return {
    dialect: 'postgres',
    async all<T>(sql: string, params: readonly SqlValue[] = []): Promise<T[]> {
      assertOpen()
      const res = await pool.query({ ...statement(sql), values: [...params] })
      return res.rows as T[]
    },
    async run(sql: string, params: readonly SqlValue[] = []): Promise<number> {
      assertOpen()
      const res = await pool.query({ ...statement(sql), values: [...params] })
      return res.rowCount ?? 0
    },
  }
}

/** `?` placeholders → `$1, $2, …` (the shared SQL has no `?` inside literals). */
export function renumber(sql: string): string {
  let n = 0
  return sql.replace(/\?/g, () => `$${++n}`)
}
