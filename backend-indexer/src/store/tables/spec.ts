import { bytesHex, type SqlValue } from '../sql.js'

/**
 * One table's write shape: its columns in bind order (with the PostgreSQL array type each is sent as in a
 * batched `unnest` insert) and how a domain row becomes that parameter list. The SQLite store binds the same
 * list to a prepared VALUES statement, so both stores share one column order.
 */
export interface TableSpec<T> {
  readonly table: string
  readonly columns: readonly (readonly [name: string, pgType: string])[]
  values(row: T): SqlValue[]
}

/** `a, b, c` of a spec's columns. */
export function columnList(spec: TableSpec<never>): string {
  return spec.columns.map(([c]) => c).join(', ')
}

/** A stored row as the drivers return it: ids and envelopes are Buffers, JSON columns text. */
export type DbRow = Record<string, unknown>

// Column readers: the drivers return ids as Buffers, JSON columns as text, integers as numbers.
export const json = (v: unknown): string => JSON.stringify(v)
export const parse = <T>(v: unknown): T => JSON.parse(v as string) as T
export const hex = (v: unknown): string => bytesHex(v as Buffer)
export const num = (v: unknown): number => v as number
export const str = (v: unknown): string => v as string
