import { createHash } from 'node:crypto'
import { once } from 'node:events'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

/** One request the stand-in saw. */
export interface DevHubRequest {
  method: string
  path: string
  authorization?: string
  range?: string
}

/** A running development hub (Hugging Face's download protocol): the devnet's and the tests' artifact host. */
export interface DevHub {
  /** Base URL to pass as `hubUrl`. */
  url: string
  requests: DevHubRequest[]
  /** Serves `body` as `<repo>/resolve/<revision>/<path>`. */
  addFile(repo: string, revision: string, path: string, body: Uint8Array): void
  /** Answer every request with this status until cleared (`undefined`). */
  failWith(status: number | undefined): void
  stop(): Promise<void>
}

export interface DevHubInit {
  /** When set, every request must carry `Authorization: Bearer <token>`, as for a private repo. */
  token?: string
  /** TCP port on 127.0.0.1; 0 picks a free one. @default 0 */
  port?: number
}

/**
 * A real node:http server speaking the part of the hub protocol `@huggingface/hub` 2.17's `downloadFile`
 * uses (read from its dist/index.js, `fileDownloadInfo` and `WebBlob`):
 *
 * 1. `GET /{ns}/{name}/resolve/{rev}/{path}` with `Range: bytes=0-0`: the hub answers 302 to the LFS/CDN
 *    location; that answers 206 with `Content-Range: bytes 0-0/<size>` and an `ETag`. A missing file is 404
 *    with `X-Error-Code: EntryNotFound` (the library turns that into `null`); a missing repo or revision is
 *    404 `RepositoryNotFound` / `RevisionNotFound`; a bad token is 401 with a JSON error.
 * 2. `GET` of the resolved URL without Range for the bytes.
 *
 * The CDN side lives on the same server under `/cdn/<sha256>`.
 */
export async function startDevHub(init: DevHubInit = {}): Promise<DevHub> {
  const files = new Map<string, Uint8Array>()
  const blobs = new Map<string, Uint8Array>()
  const requests: DevHubRequest[] = []
  let forced: number | undefined

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x')
    const entry: DevHubRequest = { method: req.method ?? 'GET', path: decodeURIComponent(url.pathname) }
    if (req.headers.authorization !== undefined) entry.authorization = req.headers.authorization
    if (req.headers.range !== undefined) entry.range = req.headers.range
    requests.push(entry)
    if (forced !== undefined) return json(res, forced, { error: `forced ${forced}` })
    if (init.token !== undefined && req.headers.authorization !== `Bearer ${init.token}`) {
      return json(res, 401, { error: 'Invalid credentials in Authorization header' })
    }
    const cdn = /^\/cdn\/([0-9a-f]{64})$/u.exec(entry.path)
    if (cdn) return serveBlob(req, res, blobs.get(cdn[1] as string))
    const m = /^\/([^/]+\/[^/]+)\/resolve\/([^/]+)\/(.+)$/u.exec(entry.path)
    if (!m) return json(res, 404, { error: 'not found' })
    const [, repo, revision, path] = m as unknown as [string, string, string, string]
    const repoKnown = [...files.keys()].some((k) => k.startsWith(`${repo}@`))
    const revKnown = [...files.keys()].some((k) => k.startsWith(`${repo}@${revision}/`))
    const body = files.get(`${repo}@${revision}/${path}`)
    if (!repoKnown) return json(res, 404, { error: 'Repository not found' }, 'RepositoryNotFound')
    if (!revKnown) return json(res, 404, { error: 'Invalid rev id' }, 'RevisionNotFound')
    if (!body) return json(res, 404, { error: 'Entry not found' }, 'EntryNotFound')
    const sha = sha256(body)
    res.writeHead(302, {
      location: `/cdn/${sha}`,
      'x-repo-commit': revision,
      'x-linked-etag': `"${sha}"`,
      'x-linked-size': String(body.length),
    })
    res.end()
  })
  server.listen(init.port ?? 0, '127.0.0.1')
  await once(server, 'listening')
  const { port } = server.address() as AddressInfo

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    addFile(repo, revision, path, body) {
      files.set(`${repo}@${revision}/${path}`, body)
      blobs.set(sha256(body), body)
    },
    failWith(status) {
      forced = status
    },
    async stop() {
      server.closeAllConnections()
      server.close()
      await once(server, 'close')
    },
  }
}

function serveBlob(req: IncomingMessage, res: ServerResponse, body: Uint8Array | undefined): void {
  if (!body) {
    json(res, 404, { error: 'blob not found' })
    return
  }
  const etag = `"${sha256(body)}"`
  const range = /^bytes=(\d+)-(\d*)$/u.exec(req.headers.range ?? '')
  if (range) {
    const start = Number(range[1])
    const end = range[2] ? Math.min(Number(range[2]), body.length - 1) : body.length - 1
    res.writeHead(206, {
      'content-type': 'application/octet-stream',
      'content-range': `bytes ${start}-${end}/${body.length}`,
      'content-length': String(end - start + 1),
      etag,
    })
    res.end(body.subarray(start, end + 1))
    return
  }
  res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(body.length), etag })
  res.end(body)
}

function json(res: ServerResponse, status: number, body: unknown, errorCode?: string): void {
  res.writeHead(status, { 'content-type': 'application/json', ...(errorCode && { 'x-error-code': errorCode }) })
  res.end(JSON.stringify(body))
}

function sha256(b: Uint8Array): string {
  return createHash('sha256').update(b).digest('hex')
}
