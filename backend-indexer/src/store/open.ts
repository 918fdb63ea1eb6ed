import type { Logger } from '#protocol'
import { IndexerStoreError } from './errors.js'
import type { IndexerStoreMetrics } from './metrics.js'
import { createPostgresStore } from './postgres/store.js'
import { createSqliteStore } from './sqlite/store.js'
import type { IndexerStore } from './types.js'

/** Options of {@link openIndexerStore} besides the URL. */
export interface OpenIndexerStoreInit {
  /** @default silentLogger */
  logger?: Logger
  /** Ingest timings and counts. @default undefined */
  metrics?: IndexerStoreMetrics
}

/** Where a store URL points, as {@link parseStoreUrl} reads it. */
export type StoreLocation =
  | { kind: 'sqlite'; path: string }
  | { kind: 'postgres'; url: string; schema: string | undefined }

const SCHEME = /^([a-z][a-z0-9+.-]*):\/\//i

/**
 * Read a store URL: `postgres://…` / `postgresql://…` (an optional `?schema=` picks the schema), `sqlite:<path>`,
 * `sqlite::memory:`, `:memory:`, or a plain file path.
 * @throws IndexerStoreError `INDEXER_STORE_BAD_URL` for any other scheme or an empty string.
 */
export function parseStoreUrl(url: string): StoreLocation {
  if (url === ':memory:') return { kind: 'sqlite', path: url }
  if (url.startsWith('sqlite:')) {
    const path = url.slice('sqlite:'.length).replace(/^\/\//, '')
    if (path.length > 0) return { kind: 'sqlite', path }
  }
  const scheme = SCHEME.exec(url)?.[1]?.toLowerCase()
  if (scheme === 'postgres' || scheme === 'postgresql') {
    const u = new URL(url)
    const schema = u.searchParams.get('schema') ?? undefined
    u.searchParams.delete('schema')
    return { kind: 'postgres', url: u.toString(), schema }
  }
  if (scheme === undefined && url.length > 0 && !url.startsWith('sqlite:')) return { kind: 'sqlite', path: url }
  throw new IndexerStoreError(
    { code: 'INDEXER_STORE_BAD_URL', url: redact(url) },
    `unsupported indexer store URL ${redact(url)}: pass sqlite:<path>, a file path, :memory: or postgres://…`,
  )
}

/**
 * Open and migrate the store a URL names (SQLite file or memory, or PostgreSQL).
 *
 * @example
 * ```ts
 * const store = await openIndexerStore(process.env.KINITRO_INDEXER_DB ?? 'sqlite:./indexer.sqlite')
 * ```
 */
export async function openIndexerStore(url: string, init: OpenIndexerStoreInit = {}): Promise<IndexerStore> {
  const at = parseStoreUrl(url)
  const { logger, metrics } = init
  if (at.kind === 'sqlite') return createSqliteStore({ path: at.path, logger, metrics })
  return createPostgresStore({ url: at.url, schema: at.schema, logger, metrics })
}

// Error metadata may be logged: keep the scheme and host, drop credentials.
function redact(url: string): string {
  return url.replace(/\/\/[^@/]*@/, '//***@')
}
