import { closeSync, openSync, writeSync } from 'node:fs'
import Database from 'better-sqlite3'

/**
 * Damage the middle leaf page of `table` in the SQLite file at `path` (closed) as a torn write would: its
 * first-freeblock offset then points into the page header, which `quick_check` reports as "free space
 * corruption" on that page. Returns the page number. Assumes 4 KiB pages (the SQLite default).
 */
export function tearLeafPage(path: string, table: string): number {
  const reader = new Database(path, { readonly: true })
  const leaves = reader
    .prepare(`SELECT pageno FROM dbstat WHERE name = ? AND pagetype = 'leaf' ORDER BY pageno`)
    .pluck()
    .all(table) as number[]
  reader.close()
  const page = leaves[Math.floor(leaves.length / 2)]
  if (page === undefined) throw new Error(`table ${table} has no leaf page in ${path}`)
  const fd = openSync(path, 'r+')
  writeSync(fd, Uint8Array.of(0x00, 0x20), 0, 2, (page - 1) * 4096 + 1)
  closeSync(fd)
  return page
}
