import { Readable } from 'node:stream'
import { ArtifactError, type ArtifactInfo, type ArtifactOpOptions, type ArtifactStore } from '#evaluator'
import { DEFAULT_MAX_ARTIFACT_BYTES } from './constants.js'
import { type ArtifactReader, ArtifactTooLargeError, checkInflatedSize, episodePrefix } from './readers.js'

/** Options of {@link httpArtifactReader}. */
export interface HttpArtifactReaderInit {
  /** @default DEFAULT_MAX_ARTIFACT_BYTES (16 MiB) */
  maxBytes?: number
  /** Accept `http://` URIs (a local devnet or test server only). @default false */
  allowInsecureHttp?: boolean
  /** @default globalThis.fetch */
  fetch?: typeof fetch
}

/**
 * Reads `https://…/episode.json` URIs (a public R2/S3 bucket or any static file server): the sibling files
 * are fetched from the same directory, with the size limit enforced while streaming. URIs with a query
 * string (presigned URLs) are refused, since their signature does not cover the sibling files.
 */
export function httpArtifactReader(init: HttpArtifactReaderInit = {}): ArtifactReader {
  const limit = init.maxBytes ?? DEFAULT_MAX_ARTIFACT_BYTES
  const doFetch = init.fetch ?? globalThis.fetch
  return {
    protocols: init.allowInsecureHttp ? ['https:', 'http:'] : ['https:'],
    locate(url) {
      if (url.search !== '' || url.username !== '' || url.password !== '') return undefined
      const prefix = episodePrefix(url.pathname.replace(/^\//u, ''))
      if (prefix === undefined) return undefined
      return { store: httpStore(new URL(`/${prefix}`, url), limit, doFetch), prefix: '' }
    },
  }
}

/** A read-only store over one URL directory; only `get` (what the episode reader uses) talks to the server. */
function httpStore(base: URL, limit: number, doFetch: typeof fetch): ArtifactStore {
  const readOnly = (op: string, key: string) =>
    new ArtifactError(
      { code: 'EVAL_ARTIFACT_IO_FAILED', store: 'http', op, key, reason: 'read-only' },
      `http reader cannot ${op}`,
    )
  const get = async (key: string, opts: ArtifactOpOptions = {}): Promise<Uint8Array> => {
    const url = new URL(key, base)
    let res: Response
    try {
      res = await doFetch(url, { signal: opts.signal ?? null, redirect: 'error' })
    } catch (err) {
      if (opts.signal?.aborted) throw err
      throw ioFailed(key, err instanceof Error ? err.message : String(err))
    }
    if (res.status === 404 || res.status === 410) {
      await res.body?.cancel()
      throw new ArtifactError({ code: 'EVAL_ARTIFACT_NOT_FOUND', store: 'http', key }, `no artifact at ${key}`)
    }
    if (!res.ok) {
      await res.body?.cancel()
      throw ioFailed(key, `HTTP ${res.status}`)
    }
    if (Number(res.headers.get('content-length') ?? 0) > limit) {
      await res.body?.cancel()
      throw new ArtifactTooLargeError('http', key, limit)
    }
    const chunks: Uint8Array[] = []
    let size = 0
    if (res.body !== null) {
      const reader = res.body.getReader()
      for (;;) {
        const { done, value } = await reader.read()
        if (done) break
        size += value.byteLength
        if (size > limit) {
          await reader.cancel()
          throw new ArtifactTooLargeError('http', key, limit)
        }
        chunks.push(value)
      }
    }
    const body = new Uint8Array(Buffer.concat(chunks))
    checkInflatedSize('http', key, body, limit)
    return body
  }
  return {
    kind: 'http',
    put: async (key) => {
      throw readOnly('put', key)
    },
    get,
    getStream: async (key, opts) => Readable.from([Buffer.from(await get(key, opts))]),
    head: async (key): Promise<ArtifactInfo | undefined> => {
      throw readOnly('head', key)
    },
    // biome-ignore lint/correctness/useYield: a read-only reader has nothing to list
    list: async function* (prefix: string): AsyncIterable<ArtifactInfo> {
      throw readOnly('list', prefix)
    },
    delete: async (key) => {
      throw readOnly('delete', key)
    },
    uri: (key) => new URL(key, base).href,
  }
}

function ioFailed(key: string, reason: string): ArtifactError {
  return new ArtifactError(
    { code: 'EVAL_ARTIFACT_IO_FAILED', store: 'http', op: 'get', key, reason },
    `http get failed: ${reason}`,
  )
}
