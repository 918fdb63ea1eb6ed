import { statfsSync } from 'node:fs'
import { dirname } from 'node:path'
import type Database from 'better-sqlite3'
import { StoreError } from './errors.js'

/** Problems `quick_check` lists before stopping: enough to diagnose, short enough to print. */
export const QUICK_CHECK_MAX_PROBLEMS = 20

/** `quick_check`'s verdict: ok, or the problems it found (at most {@link QUICK_CHECK_MAX_PROBLEMS}). */
export type Integrity = { ok: true } | { ok: false; problems: string[] }

/**
 * SQLite's `quick_check`: every page and b-tree is walked (no index-vs-table comparison, which is what makes
 * `integrity_check` slow). Linear in the file size: about a second per few hundred MB.
 */
export function quickCheck(db: Database.Database): Integrity {
  const rows = db.pragma(`quick_check(${QUICK_CHECK_MAX_PROBLEMS})`) as Record<string, unknown>[]
  // The first problem row opens with a "*** in database main ***" banner line: noise once split out.
  const problems = rows
    .flatMap((r) => String(Object.values(r)[0]).split('\n'))
    .filter((line) => line !== '' && !/^\*\*\* in database \S+ \*\*\*$/.test(line))
  return problems.length === 1 && problems[0] === 'ok' ? { ok: true } : { ok: false, problems }
}

/** Refuse to start on a damaged file: a node would otherwise fail later, mid-job, in ways that look random. */
export function assertIntact(db: Database.Database, path: string): void {
  const integrity = quickCheck(db)
  if (integrity.ok) return
  throw new StoreError(
    { code: 'STORE_CORRUPT', path, problems: integrity.problems },
    `database ${path} is damaged (quick_check: ${integrity.problems[0]}${integrity.problems.length > 1 ? `, and ${integrity.problems.length - 1} more` : ''})`,
  )
}

/** Free bytes for an unprivileged writer on the filesystem holding `path`. */
export function freeBytes(path: string): number {
  const s = statfsSync(dirname(path))
  return Number(s.bavail) * Number(s.bsize)
}

/**
 * Refuse to start with less than `minFreeBytes` free where the database lives. SQLite fails a write on a full
 * disk with SQLITE_FULL and rolls it back, so nothing committed is lost; but a node that starts there only
 * fails every job it claims. Saying so at start, with the figure, is the clear message.
 */
export function assertFreeSpace(path: string, minFreeBytes: number): void {
  const free = freeBytes(path)
  if (free >= minFreeBytes) return
  throw new StoreError(
    { code: 'STORE_DISK_FULL', path, freeBytes: free, minFreeBytes },
    `only ${mib(free)} MiB free on the disk holding ${path}; the store needs at least ${mib(minFreeBytes)} MiB`,
  )
}

const mib = (n: number): string => (n / 2 ** 20).toFixed(1)
