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

/** Options every store operation accepts (additive to the original contract). */
export interface ArtifactOpOptions {
  signal?: AbortSignal
}

/** Options of {@link ArtifactStore.list}. */
export interface ArtifactListOptions extends ArtifactOpOptions {
  /** Keys fetched per backend page (S3 `MaxKeys`, at most 1000); results are the same, only paging differs. */
  pageSize?: number
}

/**
 * Where episode logs, traces and videos go. Keys are `/`-separated relative paths (no `..`, no leading `/`),
 * e.g. `runs/<validator>/<cycle>/<miner_uid>/<env_id>/<episode_seed>/episode.json`.
 */
export interface ArtifactStore {
  readonly kind: string
  /** Stores `body` under `key`, replacing any object there; readers never see a partial object. */
  put(key: string, body: Uint8Array | Readable, meta?: ArtifactMeta, opts?: ArtifactOpOptions): Promise<ArtifactInfo>
  /** Throws `EVAL_ARTIFACT_NOT_FOUND` when the key does not exist. */
  get(key: string, opts?: ArtifactOpOptions): Promise<Uint8Array>
  /** Streams large objects without holding them in memory. */
  getStream(key: string, opts?: ArtifactOpOptions): Promise<Readable>
  /** `undefined` when the key does not exist. */
  head(key: string, opts?: ArtifactOpOptions): Promise<ArtifactInfo | undefined>
  /**
   * Every key starting with `prefix` (a plain string prefix, as in S3), in ascending key order. What `list`
   * returns besides `key` and `size` depends on the backend: S3 listings carry no user metadata or sha256.
   */
  list(prefix: string, opts?: ArtifactListOptions): AsyncIterable<ArtifactInfo>
  /** Removes the key; deleting a missing key is not an error. */
  delete(key: string, opts?: ArtifactOpOptions): Promise<void>
  /** A URI others can use to fetch the object (file:// path, s3://bucket/key or a presigned https URL). */
  uri(key: string): string
  /** Releases connections (S3 client sockets); the store is unusable afterwards. */
  close?(): Promise<void>
}
