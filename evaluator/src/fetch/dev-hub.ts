import { once } from 'node:events'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { HubReply, json, sha256 } from './dev-hub-http.js'
import { DevHubAuth, DevHubRepos, type DevHubUser } from './dev-hub-repos.js'
import { type DevHubWriteContext, handleWrite } from './dev-hub-write.js'

export type { DevHubUser } from './dev-hub-repos.js'

/** One request the stand-in saw. */
export interface DevHubRequest {
  method: string
  path: string
  authorization?: string
  range?: string
}

/**
 * A running development hub speaking Hugging Face's download and upload protocols: the devnet's and the
 * tests' artifact host, and the target of `kinitro miner upload` in tests.
 */
export interface DevHub {
  /** Base URL to pass as `hubUrl`. */
  url: string
  /** Every request, reads and writes alike, in arrival order (bodies are not kept). */
  requests: DevHubRequest[]
  /** Serves `body` as `<repo>/resolve/<revision>/<path>` (a public repo, no commit history, any revision string). */
  addFile(repo: string, revision: string, path: string, body: Uint8Array): void
  /** Answer every request with this status until cleared (`undefined`). */
  failWith(status: number | undefined): void
  stop(): Promise<void>
}

export interface DevHubInit {
  /**
   * When set, every request must carry a known token (this one or a key of `users`), as for a private repo;
   * the LFS upload URLs are exempt (presigned on the real hub). This token's user is `users[token]`, else `dev`.
   */
  token?: string
  /**
   * Token → account, for `whoAmI` and writes: a write needs `Authorization: Bearer <token>` of a user owning the
   * repo's namespace (401 without a known token, 403 for a foreign namespace or a `read` token).
   */
  users?: Record<string, string | DevHubUser>
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
 * The CDN side lives on the same server under `/cdn/<sha256>`. The upload side (whoAmI, create repo, preupload,
 * LFS batch and PUT, commit) is in dev-hub-write.ts; what it uploads resolves through the same two routes, by
 * branch name or by the commit oid the upload returned.
 */
export async function startDevHub(init: DevHubInit = {}): Promise<DevHub> {
  const auth = new DevHubAuth(init)
  const repos = new DevHubRepos()
  const ctx: DevHubWriteContext = { repos, auth, pending: new Map() }
  const requests: DevHubRequest[] = []
  let forced: number | undefined

  const route = async (req: IncomingMessage, res: ServerResponse, path: string): Promise<void> => {
    if (forced !== undefined) throw new HubReply(forced, `forced ${forced}`)
    const presigned = path.startsWith('/lfs-upload/')
    if (init.token !== undefined && !presigned && !auth.userOf(req.headers.authorization)) {
      throw new HubReply(401, 'Invalid credentials in Authorization header')
    }
    const cdn = /^\/cdn\/([0-9a-f]{64})$/u.exec(path)
    if (cdn) return serveBlob(req, res, repos.blobs.get(cdn[1] as string))
    if (await handleWrite(ctx, req, res, path)) return
    const m = /^\/([^/]+\/[^/]+)\/resolve\/([^/]+)\/(.+)$/u.exec(path)
    if (!m) throw new HubReply(404, 'not found')
    const [, id, revision, file] = m as unknown as [string, string, string, string]
    const { repo, tree, commit } = repos.resolve(id, revision)
    auth.checkRead(repo, req.headers.authorization)
    const sha = tree.get(file)
    const body = sha === undefined ? undefined : repos.blobs.get(sha)
    if (!body) throw new HubReply(404, 'Entry not found', 'EntryNotFound')
    res.writeHead(302, {
      location: `/cdn/${sha}`,
      'x-repo-commit': commit,
      'x-linked-etag': `"${sha}"`,
      'x-linked-size': String(body.length),
    })
    res.end()
  }

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x')
    const entry: DevHubRequest = { method: req.method ?? 'GET', path: decodeURIComponent(url.pathname) }
    if (req.headers.authorization !== undefined) entry.authorization = req.headers.authorization
    if (req.headers.range !== undefined) entry.range = req.headers.range
    requests.push(entry)
    route(req, res, entry.path).catch((err: unknown) => {
      // Drain what the client is still sending, so it reads our answer instead of a reset connection.
      req.resume()
      if (res.headersSent) return void res.destroy()
      if (err instanceof HubReply) return json(res, err.status, { error: err.message }, err.errorCode)
      json(res, 500, { error: `dev hub: ${err instanceof Error ? err.message : String(err)}` })
    })
  })
  server.listen(init.port ?? 0, '127.0.0.1')
  await once(server, 'listening')
  const { port } = server.address() as AddressInfo

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    addFile(repo, revision, path, body) {
      repos.addFile(repo, revision, path, body)
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
  if (!body) throw new HubReply(404, 'blob not found')
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
