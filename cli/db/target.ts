import { statSync } from 'node:fs'
import { join } from 'node:path'
import { parseStoreUrl } from '#indexer'
import { expandHome } from '#protocol'
import { DbError } from './errors.js'

/** Which store a database belongs to: it decides the migration list and how the schema version is read. */
export type DbStore = 'node' | 'indexer'

/** The database a `kinitro db` command works on. */
export type DbTarget =
  | { store: DbStore; kind: 'sqlite'; path: string }
  | {
      store: 'indexer'
      kind: 'postgres'
      /** Connection string without `?schema=`. */
      url: string
      schema: string
      /** `host:port/database/schema`: safe to print (no password). */
      label: string
    }

/** The flags that name a database. */
export interface DbTargetFlags {
  /** The node's data directory (holding `node.sqlite`) or the file itself. */
  nodeData?: string
  /** The indexer's store: a `postgres://` URL, `sqlite:<path>`, a file, or its data directory. */
  indexer?: string
}

/** The file names the node and the indexer give their SQLite databases inside their data directories. */
export const DB_FILE_NAMES: Readonly<Record<DbStore, string>> = { node: 'node.sqlite', indexer: 'indexer.sqlite' }

/**
 * Read `--node-data` / `--indexer` into a {@link DbTarget}. A directory means the data directory the node or
 * the indexer was started with, so operators can pass the same `--data-dir` value they run with.
 *
 * @throws DbError `DB_NO_TARGET` unless exactly one is given (or for an in-memory database), and
 * `INDEXER_STORE_BAD_URL` for an unsupported URL.
 */
export function resolveTarget(flags: DbTargetFlags): DbTarget {
  const { nodeData, indexer } = flags
  if ((nodeData === undefined) === (indexer === undefined)) {
    const reason = nodeData === undefined ? 'no database named' : 'both --node-data and --indexer given'
    throw new DbError({ code: 'DB_NO_TARGET', reason }, `${reason}: pass exactly one of --node-data or --indexer`)
  }
  if (nodeData !== undefined) return { store: 'node', kind: 'sqlite', path: fileIn(expandHome(nodeData), 'node') }
  const at = parseStoreUrl(indexer as string)
  if (at.kind === 'postgres') {
    const schema = at.schema ?? 'public'
    return { store: 'indexer', kind: 'postgres', url: at.url, schema, label: describePostgres(at.url, schema) }
  }
  if (at.path === ':memory:') {
    const reason = 'an in-memory database exists only inside the process that opened it'
    throw new DbError({ code: 'DB_NO_TARGET', reason }, `${reason}: pass the indexer's file or postgres:// URL`)
  }
  return { store: 'indexer', kind: 'sqlite', path: fileIn(expandHome(at.path), 'indexer') }
}

/** What to print for a target. */
export function targetLabel(t: DbTarget): string {
  return t.kind === 'sqlite' ? t.path : t.label
}

function fileIn(path: string, store: DbStore): string {
  return isDirectory(path) ? join(path, DB_FILE_NAMES[store]) : path
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory()
  } catch {
    return false
  }
}

function describePostgres(url: string, schema: string): string {
  const u = new URL(url)
  return `${u.hostname}:${u.port || '5432'}${u.pathname}/${schema}`
}
