/** A value bound to a SQL parameter. Booleans become 1/0 on SQLite; bytes are BLOB / bytea. */
export type SqlValue = string | number | boolean | Buffer | null

/** Which SQL the runner speaks; shared queries use it only for the few fragments that differ. */
export type SqlDialect = 'sqlite' | 'postgres'

/**
 * The minimal database access the shared read queries need. SQL uses `?` placeholders in both dialects
 * (the PostgreSQL runner renumbers them to `$n` once per statement text and prepares it).
 */
export interface SqlRunner {
  readonly dialect: SqlDialect
  /** Rows of a SELECT (or of a statement with RETURNING). */
  all<T>(sql: string, params?: readonly SqlValue[]): Promise<T[]>
  /** Run a statement that returns no rows; resolves to the number of rows it changed. */
  run(sql: string, params?: readonly SqlValue[]): Promise<number>
}

/** Bytes of a hex id. Malformed hex yields a short buffer that matches no stored id (a filter finds nothing). */
export function hexBytes(hex: string): Buffer {
  return Buffer.from(hex, 'hex')
}

/** Lower-case hex of stored bytes. */
export function bytesHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex')
}

/** A Buffer view of `bytes` without copying (the drivers bind Buffers as BLOB / bytea). */
export function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
}

/**
 * `col` is one of `values` (32-byte ids), as one fixed statement text whatever the list length, so
 * statement caches stay small: a JSON array on SQLite, a bytea[] parameter on PostgreSQL.
 */
export function anyOfBytes(dialect: SqlDialect, col: string, values: readonly Buffer[]): [string, SqlValue] {
  if (dialect === 'postgres') return [`${col} = ANY(?::bytea[])`, pgByteaArray(values)]
  return [`${col} IN (SELECT unhex(value) FROM json_each(?))`, JSON.stringify(values.map((v) => v.toString('hex')))]
}

// pg serializes JS arrays itself, but SqlValue is scalar; a bytea[] literal keeps the runner's types simple.
function pgByteaArray(values: readonly Buffer[]): string {
  return `{${values.map((v) => `"\\\\x${v.toString('hex')}"`).join(',')}}`
}

/** AND-joined WHERE conditions with their parameters, in order. */
export class Where {
  readonly conditions: string[] = []
  readonly params: SqlValue[] = []

  /** Add `sql` (with `?` placeholders for `params`). */
  add(sql: string, ...params: SqlValue[]): this {
    this.conditions.push(sql)
    this.params.push(...params)
    return this
  }

  /** Add `col = value` unless `value` is undefined (an absent filter). */
  eq(col: string, value: SqlValue | undefined): this {
    return value === undefined ? this : this.add(`${col} = ?`, value)
  }

  /** `WHERE …` or the empty string. */
  toSql(): string {
    return this.conditions.length === 0 ? '' : ` WHERE ${this.conditions.join(' AND ')}`
  }
}
