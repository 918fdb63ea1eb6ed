import { isAbsolute, relative, resolve, sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import { gunzipSync } from 'node:zlib'
import {
  ArtifactError,
  type ArtifactOpOptions,
  type ArtifactStore,
  createFolderArtifactStore,
  createS3ArtifactStore,
  type S3ArtifactStoreInit,
} from '#evaluator'
import { DEFAULT_MAX_ARTIFACT_BYTES, EPISODE_FILE } from './constants.js'

/** Where one episode's files live: a store and the key prefix of its `episode.json`. */
export interface EpisodeLocation {
  store: ArtifactStore
  prefix: string
}

/**
 * Reads episode artifacts for one kind of URI. The replay source picks a reader by the URI's protocol,
 * then reads `episode.json` and its sibling files through the store the reader returns.
 */
export interface ArtifactReader {
  /** URL protocols served, with the colon (`file:`, `s3:`, `https:`). */
  readonly protocols: readonly string[]
  /** The episode whose `episode.json` is at `url`; undefined when this reader refuses it (outside its roots or buckets). */
  locate(url: URL): EpisodeLocation | undefined
  /** Releases connections (S3 clients). */
  close?(): Promise<void>
}

/**
 * Thrown by bounded stores for a file over the size limit. An `EVAL_ARTIFACT_IO_FAILED` artifact error, so
 * the episode reader passes it through unchanged and the replay source treats the trace as unreadable.
 */
export class ArtifactTooLargeError extends ArtifactError {
  constructor(store: string, key: string, limit: number) {
    const reason = `larger than ${limit} bytes`
    super({ code: 'EVAL_ARTIFACT_IO_FAILED', store, op: 'get', key, reason }, `${key} is ${reason}`)
  }
}

/**
 * Refuses gzip files that inflate past `limit` before the episode reader inflates them without a limit:
 * steps files come from other validators, and a few KB of gzip can expand to gigabytes.
 */
export function checkInflatedSize(store: string, key: string, body: Uint8Array, limit: number): void {
  if (!key.endsWith('.gz')) return
  try {
    gunzipSync(body, { maxOutputLength: limit })
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE')
      throw new ArtifactTooLargeError(store, key, limit)
    // Not gzip at all: the episode reader's digest check reports that as a damaged trace.
  }
}

/** `inner` with every `get` checked against `limit` (size from `head`, then the inflated size). */
export function boundedStore(inner: ArtifactStore, limit: number): ArtifactStore {
  return {
    kind: inner.kind,
    put: (key, body, meta, opts) => inner.put(key, body, meta, opts),
    async get(key: string, opts?: ArtifactOpOptions): Promise<Uint8Array> {
      const info = await inner.head(key, opts)
      if (info === undefined) {
        throw new ArtifactError({ code: 'EVAL_ARTIFACT_NOT_FOUND', store: inner.kind, key }, `no artifact at ${key}`)
      }
      if (info.size > limit) throw new ArtifactTooLargeError(inner.kind, key, limit)
      const body = await inner.get(key, opts)
      if (body.length > limit) throw new ArtifactTooLargeError(inner.kind, key, limit)
      checkInflatedSize(inner.kind, key, body, limit)
      return body
    },
    getStream: (key, opts) => inner.getStream(key, opts),
    head: (key, opts) => inner.head(key, opts),
    list: (prefix, opts) => inner.list(prefix, opts),
    delete: (key, opts) => inner.delete(key, opts),
    uri: (key) => inner.uri(key),
    close: async () => inner.close?.(),
  }
}

/** The key prefix of an `episode.json` key, or undefined when the key names another file. */
export function episodePrefix(key: string): string | undefined {
  if (key === EPISODE_FILE) return ''
  return key.endsWith(`/${EPISODE_FILE}`) ? key.slice(0, -EPISODE_FILE.length) : undefined
}

/** Options of {@link folderArtifactReader}. */
export interface FolderArtifactReaderInit {
  /** Directories whose files may be read (the validators' artifact folders, e.g. a devnet's data dir). */
  roots: readonly string[]
  /** @default DEFAULT_MAX_ARTIFACT_BYTES (16 MiB) */
  maxBytes?: number
}

/**
 * Reads `file://` URIs, only under `roots`: artifact URIs come from signed results, and a validator must
 * not be able to make the indexer read arbitrary local files.
 */
export function folderArtifactReader(init: FolderArtifactReaderInit): ArtifactReader {
  const limit = init.maxBytes ?? DEFAULT_MAX_ARTIFACT_BYTES
  const stores = new Map<string, ArtifactStore>()
  const roots = init.roots.map((r) => resolve(r))
  return {
    protocols: ['file:'],
    locate(url) {
      let path: string
      try {
        path = fileURLToPath(url)
      } catch {
        return undefined
      }
      for (const root of roots) {
        const rel = relative(root, path)
        if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) continue
        const prefix = episodePrefix(rel.split(sep).join('/'))
        if (prefix === undefined) return undefined
        let store = stores.get(root)
        if (store === undefined) {
          store = boundedStore(createFolderArtifactStore({ root }), limit)
          stores.set(root, store)
        }
        return { store, prefix }
      }
      return undefined
    },
  }
}

/** Options of {@link s3ArtifactReader}: connection settings plus the buckets that may be read. */
export interface S3ArtifactReaderInit extends Omit<S3ArtifactStoreInit, 'bucket' | 'prefix'> {
  /** Buckets the indexer may read with its credentials; URIs naming any other bucket are refused. */
  buckets: readonly string[]
  /** @default DEFAULT_MAX_ARTIFACT_BYTES (16 MiB) */
  maxBytes?: number
}

/** Reads `s3://bucket/key` URIs through the evaluator's S3 store (one client per bucket). */
export function s3ArtifactReader(init: S3ArtifactReaderInit): ArtifactReader {
  const { buckets, maxBytes, ...connection } = init
  const limit = maxBytes ?? DEFAULT_MAX_ARTIFACT_BYTES
  const stores = new Map<string, ArtifactStore>()
  return {
    protocols: ['s3:'],
    locate(url) {
      const bucket = url.hostname
      if (!buckets.includes(bucket)) return undefined
      const prefix = episodePrefix(decodeURIComponent(url.pathname.replace(/^\//u, '')))
      if (prefix === undefined) return undefined
      let store = stores.get(bucket)
      if (store === undefined) {
        // The URI carries the writer's full key (its bucket prefix included), so the store adds none.
        store = boundedStore(createS3ArtifactStore({ ...connection, bucket }), limit)
        stores.set(bucket, store)
      }
      return { store, prefix }
    },
    async close() {
      for (const s of stores.values()) await s.close?.()
      stores.clear()
    },
  }
}
