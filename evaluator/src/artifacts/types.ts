import type { Readable } from 'node:stream'

/** What a stored object carries besides its bytes. */
export interface ArtifactMeta {
  contentType?: string
  /** Lower-case hex SHA-256 of the body; stores record it and return it from `head`. */
  sha256?: string
  /** Free-form string metadata (S3 user metadata). */
  metadata?: Record<string, string>
}

/** What `head` and `list` return. */
export interface ArtifactInfo {
  key: string
  size: number
  contentType?: string
  sha256?: string
  metadata: Record<string, string>
}

/**
 * Where episode logs, traces and videos go. Keys are `/`-separated relative paths (no `..`, no leading `/`),
 * e.g. `runs/<validator>/<cycle>/<miner_uid>/<env_id>/<episode_seed>/episode.json`.
 */
export interface ArtifactStore {
  readonly kind: string
  put(key: string, body: Uint8Array | Readable, meta?: ArtifactMeta): Promise<ArtifactInfo>
  get(key: string): Promise<Uint8Array>
  /** Streams large objects without holding them in memory. */
  getStream(key: string): Promise<Readable>
  /** `undefined` when the key does not exist. */
  head(key: string): Promise<ArtifactInfo | undefined>
  list(prefix: string): AsyncIterable<ArtifactInfo>
  delete(key: string): Promise<void>
  /** A URI others can use to fetch the object (file:// path, s3://bucket/key or a presigned https URL). */
  uri(key: string): string
}
