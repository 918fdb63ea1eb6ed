import { MAX_PAGE_LIMIT } from './constants.js'
import { CURSOR_KEYS, type CursorKey, type CursorList, decodeCursor, encodeCursor } from './cursor.js'
import { hexBytes, type SqlRunner, type SqlValue, type Where } from './sql.js'
import type { DbRow } from './tables/index.js'
import type { Page, PageQuery } from './types.js'

/** A paged list query: which rows, filtered how, ordered by which key columns (the cursor's fields). */
export interface PageSpec<L extends CursorList> {
  list: L
  /** Columns to select. */
  select: string
  /** Table (or join) to select from. */
  from: string
  where: Where
  /** Sort-key columns, in the order of the list's cursor fields. */
  key: readonly string[]
  /** Newest first (descending key) unless false. */
  desc: boolean
}

/** `limit` clamped into 1…MAX_PAGE_LIMIT (the API validates it; other callers get a sane page). */
export function pageLimit(limit: number): number {
  if (!Number.isFinite(limit)) return MAX_PAGE_LIMIT
  return Math.min(MAX_PAGE_LIMIT, Math.max(1, Math.trunc(limit)))
}

/**
 * One keyset page: rows strictly after the cursor's key in list order, `limit + 1` fetched to learn whether
 * another page exists. Pages stay stable under concurrent inserts: a cursor is a position in the key order,
 * not an offset, so nothing already seen repeats and nothing that existed is skipped.
 */
export async function keysetPage<L extends CursorList, T>(
  db: SqlRunner,
  spec: PageSpec<L>,
  q: PageQuery,
  map: (row: DbRow) => T,
  keyOf: (item: T) => CursorKey<L>,
): Promise<Page<T>> {
  const limit = pageLimit(q.limit)
  if (q.cursor !== undefined) {
    const fields: readonly string[] = CURSOR_KEYS[spec.list]
    const key = decodeCursor(spec.list, q.cursor) as (string | number)[]
    const values: SqlValue[] = key.map((v, i) => (fields[i] === 'hex' ? hexBytes(v as string) : v))
    const op = spec.desc ? '<' : '>'
    const cols = spec.key.length === 1 ? spec.key[0] : `(${spec.key.join(', ')})`
    const marks = spec.key.length === 1 ? '?' : `(${spec.key.map(() => '?').join(', ')})`
    spec.where.add(`${cols} ${op} ${marks}`, ...values)
  }
  const dir = spec.desc ? 'DESC' : 'ASC'
  const order = spec.key.map((c) => `${c} ${dir}`).join(', ')
  const sql = `SELECT ${spec.select} FROM ${spec.from}${spec.where.toSql()} ORDER BY ${order} LIMIT ?`
  const rows = await db.all<DbRow>(sql, [...spec.where.params, limit + 1])
  const items = rows.slice(0, limit).map(map)
  const last = items.at(-1)
  if (rows.length <= limit || last === undefined) return { items }
  return { items, nextCursor: encodeCursor(spec.list, keyOf(last)) }
}
