import { chmod, mkdir, mkdtemp, readFile, rename, rm, stat, writeFile } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import type { S3Client } from '@aws-sdk/client-s3'
import { type Logger, silentLogger } from '#protocol'
import { createS3Client } from '../artifacts/s3-store.js'
import { describeRef, openSource, type SourceContext, saveBody } from './download.js'
import { FetchError, fetchError } from './errors.js'
import type { ArtifactFetcher, ArtifactFetcherInit, ArtifactRef, FetchedArtifact, FetchOptions } from './types.js'
import { safeUnpack } from './unpack.js'

/** Defaults of {@link ArtifactFetcherInit}; provenance in the README ("Limits"). */
export const DEFAULT_FETCHER_OPTIONS = {
  maxDownloadBytes: 512 * 1024 * 1024,
  maxUnpackedBytes: 2 * 1024 * 1024 * 1024,
  maxFiles: 10_000,
  hubUrl: 'https://huggingface.co',
  timeoutMs: 600_000,
  maxRedirects: 5,
} as const

const SHA256_HEX = /^[0-9a-f]{64}$/u
const COMMIT_SHA = /^[0-9a-f]{40}$/u
const HF_REPO = /^[A-Za-z0-9][A-Za-z0-9._-]*\/[A-Za-z0-9][A-Za-z0-9._-]*$/u

/** The completion marker, written after the unpacked tree is in place; an entry without it is discarded. */
interface Marker {
  sha256: string
  bytes: number
  files: number
  unpackedBytes: number
  source: string
}

/**
 * A fetcher that downloads policy artifacts from the Hugging Face hub, https URLs or S3, checks their SHA-256
 * before anything else happens, unpacks them safely and caches them by digest.
 *
 * @example
 * ```ts
 * const fetcher = createArtifactFetcher({ cacheDir: '/var/cache/kinitro/policies', hfToken })
 * const { dir } = await fetcher.fetch({ kind: 'hf', repo: 'alice/reach', revision: '<40 hex>', sha256 })
 * ```
 */
export function createArtifactFetcher(init: ArtifactFetcherInit): ArtifactFetcher {
  if (!init.cacheDir) throw fetchError('EVAL_FETCH_CONFIG_INVALID', 'config', 'cacheDir is required')
  for (const field of ['maxDownloadBytes', 'maxUnpackedBytes', 'maxFiles', 'timeoutMs'] as const) {
    const v = init[field]
    if (v !== undefined && !(Number.isInteger(v) && v > 0)) {
      throw fetchError('EVAL_FETCH_CONFIG_INVALID', 'config', `${field} must be a positive integer`)
    }
  }
  if (init.hubUrl !== undefined && !URL.canParse(init.hubUrl)) {
    throw fetchError('EVAL_FETCH_CONFIG_INVALID', 'config', 'hubUrl is not a URL')
  }
  if (init.hfToken !== undefined && !init.hfToken.startsWith('hf_')) {
    // @huggingface/hub refuses such tokens with a TypeError at request time; say so at startup instead.
    throw fetchError('EVAL_FETCH_CONFIG_INVALID', 'config', 'hfToken must start with hf_')
  }
  return new Fetcher(init)
}

class Fetcher implements ArtifactFetcher {
  readonly #init: ArtifactFetcherInit
  readonly #cacheDir: string
  readonly #log: Logger
  /** One download per digest in this process; later callers wait on the first. */
  readonly #inflight = new Map<string, Promise<FetchedArtifact>>()
  #s3?: S3Client

  constructor(init: ArtifactFetcherInit) {
    this.#init = init
    this.#cacheDir = resolve(init.cacheDir)
    this.#log = (init.logger ?? silentLogger).child('evaluator:fetch')
  }

  async fetch(ref: ArtifactRef, opts: FetchOptions = {}): Promise<FetchedArtifact> {
    const source = describeRef(ref)
    const sha256 = validateRef(ref, source)
    if (opts.signal?.aborted) throw fetchError('EVAL_FETCH_ABORTED', source, 'aborted before start')
    const hit = await this.#cached(sha256)
    if (hit) {
      this.#log.debug('artifact cache hit', { sha256, source })
      return hit
    }
    let shared = this.#inflight.get(sha256)
    if (!shared) {
      shared = this.#download(ref, sha256, source).finally(() => this.#inflight.delete(sha256))
      this.#inflight.set(sha256, shared)
      // Every caller gets the outcome through abortable(); a download nobody waits for any more must not
      // surface as an unhandled rejection.
      shared.catch(() => {})
    }
    // The shared download keeps going when one caller gives up: another may be waiting, and the cache gains.
    return abortable(shared, opts.signal, source)
  }

  async #cached(sha256: string): Promise<FetchedArtifact | undefined> {
    const dir = join(this.#cacheDir, sha256)
    const markerPath = `${dir}.json`
    let marker: Marker | undefined
    try {
      const parsed = JSON.parse(await readFile(markerPath, 'utf8')) as Marker
      if (parsed.sha256 === sha256 && (await stat(dir)).isDirectory()) marker = parsed
    } catch {
      // No marker, a torn one, or no tree: not a usable entry.
    }
    if (marker) {
      return {
        dir,
        sha256,
        bytes: marker.bytes,
        cached: true,
        files: marker.files,
        unpackedBytes: marker.unpackedBytes,
      }
    }
    const leftovers = await Promise.all([exists(dir), exists(markerPath)])
    if (leftovers.some(Boolean)) {
      this.#log.warn('discarding partial cache entry', { sha256 })
      await this.#cacheIo(sha256, async () => {
        await rm(markerPath, { force: true })
        await rm(dir, { recursive: true, force: true })
      })
    }
    return undefined
  }

  async #download(ref: ArtifactRef, sha256: string, source: string): Promise<FetchedArtifact> {
    const o = { ...DEFAULT_FETCHER_OPTIONS, ...definedOnly(this.#init) }
    const started = Date.now()
    const tmp = await this.#cacheIo(source, async () => {
      await mkdir(this.#cacheDir, { recursive: true })
      return mkdtemp(join(this.#cacheDir, '.tmp-'))
    })
    try {
      const signal = AbortSignal.timeout(o.timeoutMs)
      const ctx: SourceContext = {
        fetch: this.#init.fetch ?? globalThis.fetch,
        hubUrl: o.hubUrl.replace(/\/+$/u, ''),
        maxDownloadBytes: o.maxDownloadBytes,
        maxRedirects: o.maxRedirects,
        allowInsecureHttp: this.#init.allowInsecureHttp ?? false,
        signal,
        ...(this.#init.hfToken !== undefined && { hfToken: this.#init.hfToken }),
        ...(this.#init.s3 !== undefined && { s3: () => this.#s3Client() }),
      }
      const archive = join(tmp, 'archive')
      const body = await openSource(ref, ctx)
      const saved = await saveBody(body, archive, o.maxDownloadBytes, source, signal)
      // The digest decides before a single byte is unpacked.
      if (saved.sha256 !== sha256) {
        throw fetchError('EVAL_FETCH_DIGEST_MISMATCH', source, 'artifact sha256 differs from the reference', {
          expected: sha256,
          actual: saved.sha256,
        })
      }
      const tree = join(tmp, 'tree')
      await this.#cacheIo(source, () => mkdir(tree))
      const stats = await safeUnpack(archive, tree, o, source, signal)
      const dir = join(this.#cacheDir, sha256)
      const marker: Marker = { sha256, bytes: saved.bytes, ...stats, source }
      await this.#cacheIo(source, async () => {
        await chmod(tree, 0o755)
        await rm(dir, { recursive: true, force: true })
        await rename(tree, dir)
        await writeFile(join(tmp, 'marker'), JSON.stringify(marker))
        await rename(join(tmp, 'marker'), `${dir}.json`)
      })
      this.#log.info('artifact fetched', { sha256, source, bytes: saved.bytes, ms: Date.now() - started })
      return { dir, sha256, bytes: saved.bytes, cached: false, ...stats }
    } catch (err) {
      this.#log.warn('artifact fetch failed', {
        source,
        code: err instanceof FetchError ? err.code : 'unknown',
        reason: err instanceof Error ? err.message : String(err),
      })
      throw err
    } finally {
      await rm(tmp, { recursive: true, force: true })
    }
  }

  #s3Client(): S3Client {
    this.#s3 ??= createS3Client(this.#init.s3!, 'fetch')
    return this.#s3
  }

  async #cacheIo<T>(source: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn()
    } catch (err) {
      if (err instanceof FetchError) throw err
      throw fetchError('EVAL_FETCH_CACHE_FAILED', source, err instanceof Error ? err.message : String(err), {}, err)
    }
  }
}

/** Checks a ref's shape and returns its normalised digest. */
function validateRef(ref: ArtifactRef, source: string): string {
  const bad = (reason: string) => fetchError('EVAL_FETCH_REF_INVALID', source, reason)
  const sha256 = typeof ref.sha256 === 'string' ? ref.sha256.toLowerCase() : ''
  if (!SHA256_HEX.test(sha256)) throw bad('sha256 must be 64 hex characters')
  switch (ref.kind) {
    case 'hf': {
      if (!HF_REPO.test(ref.repo)) throw bad('repo must be <namespace>/<name>')
      if (!COMMIT_SHA.test(ref.revision)) {
        throw fetchError(
          'EVAL_FETCH_REVISION_NOT_PINNED',
          source,
          `revision ${JSON.stringify(ref.revision)} is not a 40-hex commit sha`,
        )
      }
      const file = ref.file
      if (file !== undefined && (file === '' || file.startsWith('/') || file.split('/').some(badSegment))) {
        throw bad('file must be a relative path inside the repo')
      }
      break
    }
    case 'https':
      if (!URL.canParse(ref.url)) throw bad('url is not a URL')
      break
    case 's3':
      if (!ref.bucket || !ref.key) throw bad('bucket and key are required')
      break
    default:
      throw bad(`unknown kind ${(ref as { kind: unknown }).kind}`)
  }
  return sha256
}

function badSegment(s: string): boolean {
  return s === '' || s === '.' || s === '..' || s.includes('\\')
}

function abortable<T>(p: Promise<T>, signal: AbortSignal | undefined, source: string): Promise<T> {
  if (!signal) return p
  if (signal.aborted) return Promise.reject(fetchError('EVAL_FETCH_ABORTED', source, 'aborted by caller'))
  return new Promise<T>((resolvePromise, reject) => {
    const onAbort = () => reject(fetchError('EVAL_FETCH_ABORTED', source, 'aborted by caller'))
    signal.addEventListener('abort', onAbort, { once: true })
    p.then(resolvePromise, reject).finally(() => signal.removeEventListener('abort', onAbort))
  })
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  )
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>
}
