import { randomBytes } from 'node:crypto'
import { createReadStream, createWriteStream } from 'node:fs'
import { mkdir, open, readdir, readFile, rename, rm, rmdir, stat, writeFile } from 'node:fs/promises'
import { dirname, join, resolve, sep } from 'node:path'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { pathToFileURL } from 'node:url'
import { type Logger, silentLogger } from '#protocol'
import { digestStream } from './digest-stream.js'
import { ArtifactError } from './errors.js'
import { assertValidKey, assertValidPrefix } from './keys.js'
import type { ArtifactInfo, ArtifactListOptions, ArtifactMeta, ArtifactOpOptions, ArtifactStore } from './types.js'

/** Options of {@link createFolderArtifactStore}. */
export interface FolderArtifactStoreInit {
  /** Directory that holds the objects; created when missing. Objects live at `<root>/<key>`. */
  root: string
  /** @default silentLogger */
  logger?: Logger
}

/**
 * Sidecar metadata and temp files live under dot-directories of the root, on the same filesystem so that
 * `rename` is atomic; keys whose first segment is one of these are refused.
 */
const META_DIR = '.kinitro-meta'
const TMP_DIR = '.kinitro-tmp'
const RESERVED = new Set([META_DIR, TMP_DIR])

interface Sidecar {
  size: number
  sha256: string
  contentType?: string
  metadata: Record<string, string>
}

/**
 * The default artifact store: plain files under a folder, with the SHA-256 and metadata in a JSON sidecar
 * (`<root>/.kinitro-meta/<key>.json`), so no extended attributes are needed. Writes go to a temp file and are
 * renamed into place, so a reader sees the old object or the new one, never half of one. One limitation
 * compared with S3: a key cannot be both an object and a "directory" (`a` and `a/b`).
 *
 * @example
 * ```ts
 * const store = createFolderArtifactStore({ root: '/var/lib/kinitro/artifacts' })
 * await store.put('runs/v/1/7/reach/42/episode.json', bytes, { contentType: 'application/json' })
 * ```
 */
export function createFolderArtifactStore(init: FolderArtifactStoreInit): ArtifactStore {
  if (!init.root) {
    throw new ArtifactError(
      { code: 'EVAL_ARTIFACT_CONFIG_INVALID', store: 'folder', field: 'root', reason: 'empty' },
      'folder store needs a root directory',
    )
  }
  return new FolderArtifactStore(resolve(init.root), init.logger ?? silentLogger)
}

class FolderArtifactStore implements ArtifactStore {
  readonly kind = 'folder'
  readonly #root: string
  readonly #log: Logger

  constructor(root: string, logger: Logger) {
    this.#root = root
    this.#log = logger.child('evaluator:artifacts:folder')
  }

  async put(key: string, body: Uint8Array | Readable, meta: ArtifactMeta = {}, opts: ArtifactOpOptions = {}) {
    this.#check(key)
    opts.signal?.throwIfAborted()
    const tmpDir = join(this.#root, TMP_DIR)
    await this.#io('put', key, () => mkdir(tmpDir, { recursive: true }))
    const tmp = join(tmpDir, `${randomBytes(8).toString('hex')}.part`)
    try {
      const digest = digestStream()
      const source = body instanceof Uint8Array ? Readable.from([Buffer.from(body)]) : body
      await this.#io('put', key, () =>
        pipeline(source, digest.stream, createWriteStream(tmp, { mode: 0o644 }), { signal: opts.signal }),
      )
      const sha256 = digest.sha256()
      const size = digest.size()
      if (meta.sha256 !== undefined && meta.sha256.toLowerCase() !== sha256) {
        throw new ArtifactError(
          { code: 'EVAL_ARTIFACT_DIGEST_MISMATCH', store: this.kind, key, expected: meta.sha256, actual: sha256 },
          'body does not match meta.sha256',
        )
      }
      const sidecar: Sidecar = { size, sha256, metadata: { ...meta.metadata } }
      if (meta.contentType !== undefined) sidecar.contentType = meta.contentType
      const metaTmp = `${tmp}.json`
      await this.#io('put', key, async () => {
        await writeFile(metaTmp, JSON.stringify(sidecar))
        await mkdir(dirname(this.#path(key)), { recursive: true })
        await mkdir(dirname(this.#metaPath(key)), { recursive: true })
        // Data first: a crash between the renames leaves new data with the old sidecar, which head() detects
        // by size and reports without a digest rather than with a wrong one.
        await rename(tmp, this.#path(key))
        await rename(metaTmp, this.#metaPath(key))
      })
      this.#log.debug('artifact stored', { key, size })
      return info(key, sidecar)
    } finally {
      await rm(tmp, { force: true })
      await rm(`${tmp}.json`, { force: true })
    }
  }

  async get(key: string, opts: ArtifactOpOptions = {}): Promise<Uint8Array> {
    this.#check(key)
    opts.signal?.throwIfAborted()
    const data = await this.#io('get', key, () => readFile(this.#path(key), { signal: opts.signal }))
    return new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
  }

  async getStream(key: string, opts: ArtifactOpOptions = {}): Promise<Readable> {
    this.#check(key)
    opts.signal?.throwIfAborted()
    // Opening first makes a missing key fail here, not later as a stream error.
    const handle = await this.#io('get', key, () => open(this.#path(key), 'r'))
    const isFile = await handle.stat().then((s) => s.isFile())
    if (!isFile) {
      await handle.close()
      throw notFound(key)
    }
    return createReadStream('', { fd: handle, signal: opts.signal })
  }

  async head(key: string, opts: ArtifactOpOptions = {}): Promise<ArtifactInfo | undefined> {
    this.#check(key)
    opts.signal?.throwIfAborted()
    try {
      return await this.#info(key)
    } catch (err) {
      if (err instanceof ArtifactError && err.code === 'EVAL_ARTIFACT_NOT_FOUND') return undefined
      throw err
    }
  }

  async *list(prefix: string, opts: ArtifactListOptions = {}): AsyncIterable<ArtifactInfo> {
    assertValidPrefix(prefix)
    // Only the directory the prefix names needs walking; the rest of the prefix filters names.
    const slash = prefix.lastIndexOf('/')
    const base = slash < 0 ? '' : prefix.slice(0, slash)
    const keys: string[] = []
    await this.#walk(base, keys)
    keys.sort()
    for (const key of keys) {
      if (!key.startsWith(prefix)) continue
      opts.signal?.throwIfAborted()
      const item = await this.head(key)
      if (item) yield item
    }
  }

  async delete(key: string, opts: ArtifactOpOptions = {}): Promise<void> {
    this.#check(key)
    opts.signal?.throwIfAborted()
    await this.#io('delete', key, async () => {
      await rm(this.#path(key), { force: true })
      await rm(this.#metaPath(key), { force: true })
    })
    await this.#prune(dirname(this.#path(key)))
    await this.#prune(dirname(this.#metaPath(key)))
  }

  uri(key: string): string {
    this.#check(key)
    return pathToFileURL(this.#path(key)).href
  }

  #check(key: string): void {
    assertValidKey(key)
    const first = key.split('/', 1)[0] as string
    if (RESERVED.has(first)) {
      throw new ArtifactError(
        { code: 'EVAL_ARTIFACT_BAD_KEY', key, reason: 'reserved' },
        `bad key: ${first} is reserved`,
      )
    }
  }

  #path(key: string): string {
    return join(this.#root, ...key.split('/'))
  }

  #metaPath(key: string): string {
    return `${join(this.#root, META_DIR, ...key.split('/'))}.json`
  }

  async #info(key: string): Promise<ArtifactInfo> {
    const st = await this.#io('head', key, () => stat(this.#path(key)))
    if (!st.isFile()) throw notFound(key)
    let sidecar: Sidecar | undefined
    try {
      sidecar = JSON.parse(await readFile(this.#metaPath(key), 'utf8')) as Sidecar
    } catch {
      // Objects copied in by hand have no sidecar; they still list, without a digest.
    }
    if (!sidecar || sidecar.size !== st.size) return { key, size: st.size, metadata: {} }
    return info(key, sidecar)
  }

  async #walk(rel: string, out: string[]): Promise<void> {
    let entries: import('node:fs').Dirent[]
    try {
      entries = await readdir(rel === '' ? this.#root : this.#path(rel), { withFileTypes: true })
    } catch (err) {
      if (isMissing(err)) return
      throw ioError('list', rel, err)
    }
    for (const e of entries) {
      if (rel === '' && RESERVED.has(e.name)) continue
      const key = rel === '' ? e.name : `${rel}/${e.name}`
      if (e.isDirectory()) await this.#walk(key, out)
      else if (e.isFile()) out.push(key)
    }
  }

  /** Removes now-empty directories up to the root, so deleted runs leave no skeleton behind. */
  async #prune(dir: string): Promise<void> {
    let d = dir
    while (d.startsWith(this.#root + sep) && d !== join(this.#root, META_DIR)) {
      try {
        await rmdir(d)
      } catch {
        return
      }
      d = dirname(d)
    }
  }

  async #io<T>(op: string, key: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn()
    } catch (err) {
      if (err instanceof ArtifactError) throw err
      if (err instanceof Error && err.name === 'AbortError') throw err
      if (op !== 'put' && isMissing(err)) throw notFound(key)
      throw ioError(op, key, err)
    }
  }
}

function info(key: string, s: Sidecar): ArtifactInfo {
  const out: ArtifactInfo = { key, size: s.size, sha256: s.sha256, metadata: { ...s.metadata } }
  if (s.contentType !== undefined) out.contentType = s.contentType
  return out
}

function isMissing(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | undefined)?.code
  return code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR'
}

function notFound(key: string): ArtifactError {
  return new ArtifactError({ code: 'EVAL_ARTIFACT_NOT_FOUND', store: 'folder', key }, `no artifact at ${key}`)
}

function ioError(op: string, key: string, err: unknown): ArtifactError {
  const reason = err instanceof Error ? err.message : String(err)
  return new ArtifactError(
    { code: 'EVAL_ARTIFACT_IO_FAILED', store: 'folder', op, key, reason },
    `folder store ${op} failed: ${reason}`,
    { cause: err },
  )
}
