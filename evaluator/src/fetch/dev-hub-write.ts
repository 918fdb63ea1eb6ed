import { randomUUID } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { baseUrl, HubReply, json, readBody, readJson, sha256 } from './dev-hub-http.js'
import { type DevHubAuth, type DevHubChange, type DevHubRepos, LFS_SUFFIXES } from './dev-hub-repos.js'

/*
 * The write side of the hub API, exactly the requests `@huggingface/hub` 2.17.5 makes (read from its shipped
 * src/lib/{who-am-i,create-repo,repo-exists,commit}.ts):
 *
 * - `whoAmI`: `GET /api/whoami-v2` with the Bearer token → the user, its orgs and `auth.accessToken.role`.
 * - `repoExists`: `GET /api/models/{ns}/{name}?expand[]=likes`; 401 and 404 both mean "no".
 * - `createRepo`: `POST /api/repos/create` `{ name, organization, type, visibility }` → `{ url, name, id }`;
 *   409 when it exists, 403 for a namespace the token's user does not own.
 * - `uploadFile`/`commit` of one file, in three steps:
 *   1. `POST /api/models/{repo}/preupload/{branch}` `{ files: [{ path, size, sample (base64 of ≤512 bytes) }] }`
 *      → `{ files: [{ path, uploadMode: 'lfs' | 'regular' }] }`.
 *   2. For `lfs` files: `POST /{repo}.git/info/lfs/objects/batch` (git-lfs batch API: `{ operation: 'upload',
 *      transfers, objects: [{ oid: sha256, size }] }`) → per object either no `actions` (already stored) or
 *      `actions.upload.href`, which the client `PUT`s the raw bytes to without a token (a presigned URL on the
 *      real hub; a one-time id here). A `header.chunk_size` would switch the client to multipart; we never send it.
 *   3. `POST /api/models/{repo}/commit/{branch}` with NDJSON: a `header` line `{ summary, description,
 *      parentCommit }`, then `lfsFile {path, algo, size, oid}`, `file {path, content, encoding}` or
 *      `deletedFile {path}` lines → `{ success, commitOid, commitUrl, hookOutput }`.
 *
 * Xet: `commit` defaults to `useXet: true`, which only adds `'xet'` to the batch request's `transfers`; when the
 * server answers `transfer: 'basic'` the client falls back to the PUT above. The dev hub always answers
 * `basic`, so uploads work either way; the miner CLI passes `useXet: false` so the path it takes against
 * huggingface.co is the one tested here.
 */

/** What the write routes share with the server. */
export interface DevHubWriteContext {
  repos: DevHubRepos
  auth: DevHubAuth
  /** One-time LFS upload ids → the object they may receive. */
  pending: Map<string, { oid: string; size: number }>
}

const SEGMENT = /^[A-Za-z0-9][A-Za-z0-9._-]{0,95}$/u
/** Files at least this large always go to LFS, as on the hub. */
const LFS_MIN_BYTES = 10 * 1024 * 1024

/** Handles a write-side route; false when `path` is not one. Failures are thrown as {@link HubReply}. */
export async function handleWrite(
  ctx: DevHubWriteContext,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
): Promise<boolean> {
  const method = req.method ?? 'GET'
  const auth = req.headers.authorization
  if (method === 'GET' && path === '/api/whoami-v2') return whoAmI(ctx, auth, res)
  if (method === 'POST' && path === '/api/repos/create') return createRepo(ctx, req, res)
  const upload = /^\/lfs-upload\/([0-9a-f-]{36})$/u.exec(path)
  if (method === 'PUT' && upload) return putObject(ctx, req, res, upload[1] as string)
  const info = /^\/api\/models\/([^/]+\/[^/]+)$/u.exec(path)
  if (method === 'GET' && info) return repoInfo(ctx, auth, res, info[1] as string)
  const batch = /^\/([^/]+\/[^/]+)\.git\/info\/lfs\/objects\/batch$/u.exec(path)
  if (method === 'POST' && batch) return lfsBatch(ctx, req, res, batch[1] as string)
  const op = /^\/api\/models\/([^/]+\/[^/]+)\/(preupload|commit)\/([^/]+)$/u.exec(path)
  if (method === 'POST' && op) {
    const [, repo, kind, branch] = op as unknown as [string, string, string, string]
    if (new URL(req.url ?? '/', 'http://x').searchParams.has('create_pr')) {
      throw new HubReply(400, 'the dev hub does not open pull requests; commit to a branch')
    }
    writableRepo(ctx, auth, repo, branch)
    return kind === 'preupload' ? preupload(req, res) : commit(ctx, req, res, repo, branch)
  }
  return false
}

function whoAmI(ctx: DevHubWriteContext, auth: string | undefined, res: ServerResponse): true {
  const user = ctx.auth.userOf(auth)
  if (!user) throw new HubReply(401, 'Invalid credentials in Authorization header')
  json(res, 200, {
    type: 'user',
    id: sha256(Buffer.from(user.name)).slice(0, 24),
    name: user.name,
    fullname: user.name,
    email: `${user.name}@dev-hub.invalid`,
    emailVerified: true,
    isPro: false,
    canPay: false,
    avatarUrl: '',
    periodEnd: null,
    billingMode: 'prepaid',
    orgs: (user.orgs ?? []).map((name) => ({ type: 'org', id: name, name, fullname: name, avatarUrl: '' })),
    auth: { type: 'access_token', accessToken: { displayName: 'dev-hub', role: user.role ?? 'write' } },
  })
  return true
}

async function createRepo(ctx: DevHubWriteContext, req: IncomingMessage, res: ServerResponse): Promise<true> {
  const body = await readJson<{ name?: unknown; organization?: unknown; type?: unknown; visibility?: unknown }>(req)
  const user = ctx.auth.userOf(req.headers.authorization)
  if (!user) throw new HubReply(401, 'Invalid credentials in Authorization header')
  const namespace = typeof body.organization === 'string' ? body.organization : user.name
  if (typeof body.name !== 'string' || !SEGMENT.test(body.name) || !SEGMENT.test(namespace)) {
    throw new HubReply(400, 'Invalid repo name: use letters, digits, "-", "_" and "." (at most 96)')
  }
  if ((body.type ?? 'model') !== 'model') throw new HubReply(400, 'the dev hub hosts model repos only')
  ctx.auth.writer(req.headers.authorization, namespace)
  const id = `${namespace}/${body.name}`
  const url = `${baseUrl(req)}/${id}`
  if (ctx.repos.get(id)) {
    json(res, 409, { error: 'You already created this model repo', url })
    return true
  }
  ctx.repos.create(id, body.visibility === 'private')
  json(res, 200, { url, name: id, id: sha256(Buffer.from(id)).slice(0, 24) })
  return true
}

function repoInfo(ctx: DevHubWriteContext, auth: string | undefined, res: ServerResponse, id: string): true {
  const repo = ctx.repos.get(id)
  if (!repo) throw new HubReply(404, 'Repository not found', 'RepositoryNotFound')
  ctx.auth.checkRead(repo, auth)
  const main = repo.trees.get('main')
  json(res, 200, {
    _id: sha256(Buffer.from(id)).slice(0, 24),
    id,
    modelId: id,
    private: repo.private,
    sha: repo.heads.get('main'),
    siblings: [...(main?.keys() ?? [])].sort().map((rfilename) => ({ rfilename })),
  })
  return true
}

/** The repo must exist (404 first, as the hub hides what you cannot see) and the token must own its namespace. */
function writableRepo(ctx: DevHubWriteContext, auth: string | undefined, id: string, branch?: string): void {
  const repo = ctx.repos.get(id)
  if (!repo) throw new HubReply(404, 'Repository not found', 'RepositoryNotFound')
  ctx.auth.checkRead(repo, auth)
  ctx.auth.writer(auth, id.split('/')[0] as string)
  if (branch !== undefined && !repo.trees.has(branch)) throw new HubReply(404, 'Invalid rev id', 'RevisionNotFound')
}

async function preupload(req: IncomingMessage, res: ServerResponse): Promise<true> {
  const body = await readJson<{ files?: { path?: unknown; size?: unknown; sample?: unknown }[] }>(req)
  if (!Array.isArray(body.files)) throw new HubReply(400, 'files: expected an array')
  const files = body.files.map((f) => {
    if (typeof f.path !== 'string' || typeof f.size !== 'number' || typeof f.sample !== 'string') {
      throw new HubReply(400, 'each file needs path, size and sample')
    }
    // The hub's rule: big files, binary-looking content and .gitattributes-tracked names go to LFS.
    const binary = Buffer.from(f.sample, 'base64').includes(0)
    const lfs = f.size >= LFS_MIN_BYTES || binary || LFS_SUFFIXES.some((s) => (f.path as string).endsWith(s))
    return { path: f.path, uploadMode: lfs ? 'lfs' : 'regular', shouldIgnore: false }
  })
  json(res, 200, { files })
  return true
}

async function lfsBatch(ctx: DevHubWriteContext, req: IncomingMessage, res: ServerResponse, id: string) {
  writableRepo(ctx, req.headers.authorization, id)
  const body = await readJson<{ operation?: unknown; objects?: { oid?: unknown; size?: unknown }[] }>(req)
  if (body.operation !== 'upload') throw new HubReply(400, 'the dev hub serves LFS uploads only')
  if (!Array.isArray(body.objects)) throw new HubReply(400, 'objects: expected an array')
  const objects = body.objects.map(({ oid, size }) => {
    if (
      typeof oid !== 'string' ||
      !/^[0-9a-f]{64}$/u.test(oid) ||
      !Number.isSafeInteger(size) ||
      (size as number) < 0
    ) {
      throw new HubReply(400, 'each object needs a sha256 oid and a size')
    }
    if (ctx.repos.blobs.has(oid)) return { oid, size, authenticated: true }
    const upload = randomUUID()
    ctx.pending.set(upload, { oid, size: size as number })
    return { oid, size, authenticated: true, actions: { upload: { href: `${baseUrl(req)}/lfs-upload/${upload}` } } }
  })
  res.writeHead(200, { 'content-type': 'application/vnd.git-lfs+json' })
  res.end(JSON.stringify({ transfer: 'basic', objects }))
  return true
}

async function putObject(ctx: DevHubWriteContext, req: IncomingMessage, res: ServerResponse, upload: string) {
  const expected = ctx.pending.get(upload)
  const body = await readBody(req)
  if (!expected) throw new HubReply(403, 'unknown or used upload URL')
  const actual = sha256(body)
  if (body.length !== expected.size || actual !== expected.oid) {
    throw new HubReply(400, `object is ${body.length} bytes with sha256 ${actual}; the batch announced another`)
  }
  ctx.pending.delete(upload)
  ctx.repos.putBlob(body)
  res.writeHead(200, { etag: `"${actual}"` })
  res.end()
  return true
}

async function commit(ctx: DevHubWriteContext, req: IncomingMessage, res: ServerResponse, id: string, branch: string) {
  const lines = (await readBody(req)).toString('utf8').split('\n').filter(Boolean)
  const parsed = lines.map((line) => {
    try {
      return JSON.parse(line) as { key?: unknown; value?: Record<string, unknown> }
    } catch {
      throw new HubReply(400, 'commit body: every line must be JSON')
    }
  })
  const [head, ...ops] = parsed
  if (head?.key !== 'header' || typeof head.value?.summary !== 'string') {
    throw new HubReply(400, 'commit body: the first line must be the header with a summary')
  }
  const changes = ops.map((op) => change(ctx, op.key, op.value ?? {}))
  const parentCommit = typeof head.value.parentCommit === 'string' ? head.value.parentCommit : undefined
  const oid = ctx.repos.commit(
    id,
    branch,
    { summary: head.value.summary, ...(parentCommit && { parentCommit }) },
    changes,
  )
  json(res, 200, { success: true, commitOid: oid, commitUrl: `${baseUrl(req)}/${id}/commit/${oid}`, hookOutput: '' })
  return true
}

function change(ctx: DevHubWriteContext, key: unknown, value: Record<string, unknown>): DevHubChange {
  const path = value.path
  if (typeof path !== 'string' || path === '' || path.startsWith('/') || path.split('/').includes('..')) {
    throw new HubReply(400, `invalid path ${JSON.stringify(path)}`)
  }
  if (key === 'deletedFile') return { kind: 'delete', path }
  if (key === 'file') {
    if (typeof value.content !== 'string') throw new HubReply(400, `${path}: content missing`)
    const encoding = value.encoding === 'base64' ? 'base64' : 'utf8'
    return { kind: 'put', path, sha256: ctx.repos.putBlob(Buffer.from(value.content, encoding)) }
  }
  if (key === 'lfsFile') {
    const blob = typeof value.oid === 'string' ? ctx.repos.blobs.get(value.oid) : undefined
    if (!blob || (value.size !== undefined && value.size !== blob.length)) {
      throw new HubReply(
        422,
        `Your push was rejected because an LFS pointer pointed to a file that does not exist: ${path}`,
      )
    }
    return { kind: 'put', path, sha256: value.oid as string }
  }
  throw new HubReply(400, `unknown commit operation ${JSON.stringify(key)}`)
}
