import type { Logger } from '#protocol'
import type { S3ConnectionOptions } from '../artifacts/s3-store.js'

/**
 * Where a policy artifact comes from, always with the SHA-256 it must have. The digest is checked before
 * anything is unpacked or run.
 */
export type ArtifactRef =
  | {
      kind: 'hf'
      /** `<namespace>/<name>` on the Hugging Face hub (a model repo). */
      repo: string
      /** A full 40-hex commit sha; branch names, tags and short prefixes are refused (they can move). */
      revision: string
      /** Path inside the repo. @default 'policy.tar.gz' */
      file?: string
      sha256: string
    }
  | { kind: 'https'; url: string; sha256: string }
  | { kind: 's3'; bucket: string; key: string; sha256: string }

/** What {@link ArtifactFetcher.fetch} returns. */
export interface FetchedArtifact {
  /** The unpacked archive: `<cacheDir>/<sha256>/`. Treat as read-only; other fetches share it. */
  dir: string
  sha256: string
  /** Size of the downloaded archive. */
  bytes: number
  /** True when served from the cache without touching the network. */
  cached: boolean
  /** Files and directories unpacked. */
  files: number
  /** Sum of unpacked file sizes. */
  unpackedBytes: number
}

/** Options of {@link ArtifactFetcher.fetch}. */
export interface FetchOptions {
  signal?: AbortSignal
}

/** Downloads, verifies and unpacks policy artifacts into a digest-addressed cache. */
export interface ArtifactFetcher {
  fetch(ref: ArtifactRef, opts?: FetchOptions): Promise<FetchedArtifact>
}

/** Options of `createArtifactFetcher`. Plain data apart from `fetch` and `logger`. */
export interface ArtifactFetcherInit {
  /** Where unpacked artifacts live, one directory per sha256; created when missing. */
  cacheDir: string
  /** Download size limit, enforced while streaming. @default 512 MiB */
  maxDownloadBytes?: number
  /** Sum of unpacked file sizes. @default 2 GiB */
  maxUnpackedBytes?: number
  /** Files plus directories in the archive. @default 10000 */
  maxFiles?: number
  /** @default 'https://huggingface.co' */
  hubUrl?: string
  /** Hugging Face token (`hf_...`) for private or gated repos. */
  hfToken?: string
  /** Connection settings for `kind: 's3'` refs. */
  s3?: S3ConnectionOptions
  /** Whole-download deadline; past it the fetch fails as `network_artifact_unavailable`. @default 600000 */
  timeoutMs?: number
  /** Redirects followed per request. @default 5 */
  maxRedirects?: number
  /** Accept `http://` URLs (hub and https refs). For tests against local servers only. @default false */
  allowInsecureHttp?: boolean
  /** HTTP client used for the hub and https refs. @default globalThis.fetch */
  fetch?: typeof fetch
  /** @default silentLogger */
  logger?: Logger
}
