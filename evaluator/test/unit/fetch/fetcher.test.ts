import { randomBytes } from 'node:crypto'
import { once } from 'node:events'
import { mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createS3ArtifactStore } from '../../../src/artifacts/s3-store.js'
import { FetchError } from '../../../src/fetch/errors.js'
import { createArtifactFetcher } from '../../../src/fetch/fetcher.js'
import type { ArtifactFetcherInit, ArtifactRef } from '../../../src/fetch/types.js'
import { type HubStandin, startHubStandin } from '../../utils/hub-standin.js'
import { type S3rverHandle, startS3rver } from '../../utils/s3rver.js'
import { policyArchive, sha256, tarGz } from './archives.js'

const TOKEN = 'hf_standin_token'
const REV = 'a'.repeat(40)
const REPO = 'alice/reach-policy'
let root: string
let hub: HubStandin
let web: Server
let webUrl: string
let webHits = 0
const webRoutes = new Map<string, (res: import('node:http').ServerResponse) => void>()

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'kinitro-fetch-'))
  hub = await startHubStandin({ token: TOKEN })
  web = createServer((req, res) => {
    webHits++
    const route = webRoutes.get(req.url ?? '')
    if (route) route(res)
    else res.writeHead(404).end()
  })
  web.listen(0, '127.0.0.1')
  await once(web, 'listening')
  webUrl = `http://127.0.0.1:${(web.address() as AddressInfo).port}`
})
afterAll(async () => {
  await hub?.stop()
  web?.closeAllConnections()
  web?.close()
  await rm(root, { recursive: true, force: true })
})

let n = 0
async function fetcher(extra: Partial<ArtifactFetcherInit> = {}) {
  const cacheDir = join(root, `cache-${n++}`)
  const f = createArtifactFetcher({
    cacheDir,
    hubUrl: hub.url,
    hfToken: TOKEN,
    allowInsecureHttp: true,
    maxDownloadBytes: 1024 * 1024,
    maxUnpackedBytes: 4 * 1024 * 1024,
    maxFiles: 100,
    ...extra,
  })
  return { f, cacheDir }
}

async function failure(p: Promise<unknown>): Promise<FetchError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(err, 'fetch should fail').toBeInstanceOf(FetchError)
  return err as FetchError
}

function serve(path: string, body: Buffer, headers: Record<string, string> = {}) {
  webRoutes.set(path, (res) => {
    res.writeHead(200, { 'content-length': String(body.length), ...headers })
    res.end(body)
  })
  return `${webUrl}${path}`
}

describe('artifact fetcher: Hugging Face hub', () => {
  const archive = policyArchive('hub')
  const ref: ArtifactRef = { kind: 'hf', repo: REPO, revision: REV, sha256: sha256(archive) }

  beforeAll(() => {
    hub.addFile(REPO, REV, 'policy.tar.gz', archive)
  })

  it('downloads policy.tar.gz at the pinned revision with the token, unpacks it, then serves the cache', async () => {
    const { f, cacheDir } = await fetcher()
    const before = hub.requests.length
    const first = await f.fetch(ref)
    expect(first).toMatchObject({ sha256: ref.sha256, bytes: archive.length, cached: false, files: 4 })
    expect(first.dir).toBe(join(cacheDir, ref.sha256))
    expect(await readFile(join(first.dir, 'server.py'), 'utf8')).toBe('print("hub")\n')
    const seen = hub.requests.slice(before)
    expect(seen[0]?.path).toBe(`/${REPO}/resolve/${REV}/policy.tar.gz`)
    expect(seen.every((r) => r.authorization === `Bearer ${TOKEN}`)).toBe(true)

    const during = hub.requests.length
    const second = await f.fetch(ref)
    expect(second).toMatchObject({ cached: true, dir: first.dir, bytes: archive.length })
    expect(hub.requests.length).toBe(during)
  })

  it('refuses a branch name or short prefix before any request', async () => {
    const { f } = await fetcher()
    const before = hub.requests.length
    for (const revision of ['main', REV.slice(0, 8), REV.toUpperCase()]) {
      const err = await failure(f.fetch({ ...ref, revision }))
      expect(err.code).toBe('EVAL_FETCH_REVISION_NOT_PINNED')
      expect(err.meta.failure).toBe('policy_artifact_invalid')
    }
    expect(hub.requests.length).toBe(before)
  })

  it('reports a rejected token as EVAL_FETCH_AUTH_FAILED (not the miner’s fault)', async () => {
    const { f } = await fetcher({ hfToken: 'hf_wrong' })
    const err = await failure(f.fetch(ref))
    expect(err.code).toBe('EVAL_FETCH_AUTH_FAILED')
    expect(err.meta).toMatchObject({ status: 401, failure: 'network_artifact_unavailable' })
    expect(err.message).toContain('Invalid credentials')
  })

  it('maps a missing file or revision to policy_artifact_invalid and a 503 to network_artifact_unavailable', async () => {
    const { f } = await fetcher()
    const missingFile = await failure(f.fetch({ ...ref, file: 'nope.tar.gz' }))
    expect(missingFile.meta).toMatchObject({ code: 'EVAL_FETCH_NOT_FOUND', failure: 'policy_artifact_invalid' })
    const missingRev = await failure(f.fetch({ ...ref, revision: 'b'.repeat(40) }))
    expect(missingRev.meta).toMatchObject({ code: 'EVAL_FETCH_NOT_FOUND', status: 404 })
    hub.failWith(503)
    try {
      const down = await failure(f.fetch(ref))
      expect(down.meta).toMatchObject({ code: 'EVAL_FETCH_UNAVAILABLE', failure: 'network_artifact_unavailable' })
    } finally {
      hub.failWith(undefined)
    }
  })

  it('shares one download between concurrent fetches of the same digest', async () => {
    const { f } = await fetcher()
    const before = hub.requests.length
    const results = await Promise.all([f.fetch(ref), f.fetch(ref), f.fetch({ ...ref })])
    expect(new Set(results.map((r) => r.dir)).size).toBe(1)
    const resolves = hub.requests.slice(before).filter((r) => r.path.includes('/resolve/'))
    expect(resolves.length).toBe(1)
  })

  it('discards a partial cache entry (no completion marker) and fetches again', async () => {
    const { f, cacheDir } = await fetcher()
    await mkdir(join(cacheDir, ref.sha256, 'half'), { recursive: true })
    const got = await f.fetch(ref)
    expect(got.cached).toBe(false)
    expect((await readdir(got.dir)).sort()).toEqual(['server.py', 'weights'])
  })
})

describe('artifact fetcher: https and s3', () => {
  let s3: S3rverHandle
  beforeAll(async () => {
    s3 = await startS3rver()
  })
  afterAll(async () => {
    await s3?.stop()
  })

  it('fetches over http(s) and refuses plain http unless allowed', async () => {
    const archive = policyArchive('web')
    const url = serve('/web.tar.gz', archive)
    const { f } = await fetcher()
    const got = await f.fetch({ kind: 'https', url, sha256: sha256(archive) })
    expect(await readFile(join(got.dir, 'server.py'), 'utf8')).toBe('print("web")\n')
    const { f: strict } = await fetcher({ allowInsecureHttp: false })
    const err = await failure(strict.fetch({ kind: 'https', url, sha256: sha256(archive) }))
    expect(err.code).toBe('EVAL_FETCH_INSECURE_URL')
  })

  it('checks the digest before unpacking: a mismatch leaves nothing unpacked and nothing cached', async () => {
    const archive = policyArchive('evil')
    const url = serve('/mismatch.tar.gz', archive)
    const { f, cacheDir } = await fetcher()
    const wrong = sha256(Buffer.from('something else'))
    const err = await failure(f.fetch({ kind: 'https', url, sha256: wrong }))
    expect(err.meta).toMatchObject({
      code: 'EVAL_FETCH_DIGEST_MISMATCH',
      failure: 'policy_artifact_mismatch',
      expected: wrong,
      actual: sha256(archive),
    })
    expect(await readdir(cacheDir)).toEqual([])
  })

  it('aborts an oversized download, whether or not the server declares its length', async () => {
    const big = tarGz([{ path: 'noise.bin', body: randomBytes(1536 * 1024) }])
    expect(big.length).toBeGreaterThan(1024 * 1024)
    const declared = serve('/big.tar.gz', big)
    webRoutes.set('/big-chunked.tar.gz', (res) => {
      res.writeHead(200)
      res.end(big)
    })
    const { f, cacheDir } = await fetcher()
    for (const url of [declared, `${webUrl}/big-chunked.tar.gz`]) {
      const err = await failure(f.fetch({ kind: 'https', url, sha256: sha256(big) }))
      expect(err.meta).toMatchObject({ code: 'EVAL_FETCH_TOO_LARGE', failure: 'policy_artifact_invalid' })
    }
    expect(await readdir(cacheDir)).toEqual([])
  })

  it('follows a bounded number of redirects', async () => {
    const archive = policyArchive('redirect')
    serve('/final.tar.gz', archive)
    webRoutes.set('/hop.tar.gz', (res) => res.writeHead(302, { location: '/final.tar.gz' }).end())
    webRoutes.set('/loop', (res) => res.writeHead(302, { location: '/loop' }).end())
    const { f } = await fetcher()
    const ok = await f.fetch({ kind: 'https', url: `${webUrl}/hop.tar.gz`, sha256: sha256(archive) })
    expect(ok.cached).toBe(false)
    const hits = webHits
    const err = await failure(
      f.fetch({ kind: 'https', url: `${webUrl}/loop`, sha256: sha256(archive).replace(/^./u, '0') }),
    )
    expect(err.meta).toMatchObject({ code: 'EVAL_FETCH_UNAVAILABLE', failure: 'network_artifact_unavailable' })
    expect(webHits - hits).toBe(6)
  })

  it('reports an unreachable host as network_artifact_unavailable', async () => {
    const probe = createServer()
    probe.listen(0, '127.0.0.1')
    await once(probe, 'listening')
    const port = (probe.address() as AddressInfo).port
    probe.close()
    await once(probe, 'close')
    const { f } = await fetcher()
    const err = await failure(f.fetch({ kind: 'https', url: `http://127.0.0.1:${port}/x`, sha256: 'c'.repeat(64) }))
    expect(err.meta).toMatchObject({ code: 'EVAL_FETCH_UNAVAILABLE', failure: 'network_artifact_unavailable' })
  })

  it('fetches from S3 (s3rver) and maps a missing key to policy_artifact_invalid', async () => {
    await s3.createBucket('policies')
    const s3opts = { endpoint: s3.endpoint, region: s3.region, forcePathStyle: true, credentials: s3.credentials }
    const store = createS3ArtifactStore({ bucket: 'policies', ...s3opts })
    const archive = policyArchive('s3')
    await store.put('miners/7/policy.tar.gz', archive)
    await store.close?.()
    const { f } = await fetcher({ s3: s3opts })
    const got = await f.fetch({
      kind: 's3',
      bucket: 'policies',
      key: 'miners/7/policy.tar.gz',
      sha256: sha256(archive),
    })
    expect(await readFile(join(got.dir, 'server.py'), 'utf8')).toBe('print("s3")\n')
    const err = await failure(f.fetch({ kind: 's3', bucket: 'policies', key: 'nope', sha256: 'd'.repeat(64) }))
    expect(err.meta).toMatchObject({ code: 'EVAL_FETCH_NOT_FOUND', failure: 'policy_artifact_invalid' })
  })

  it('rejects an unsafe archive with the right digest and caches nothing', async () => {
    const evil = tarGz([
      { path: 'ok.txt', body: 'x' },
      { path: 'ln', type: 'SymbolicLink', linkpath: '/etc/passwd' },
    ])
    const url = serve('/evil.tar.gz', evil)
    const { f, cacheDir } = await fetcher()
    const err = await failure(f.fetch({ kind: 'https', url, sha256: sha256(evil) }))
    expect(err.meta).toMatchObject({ code: 'EVAL_FETCH_ARCHIVE_UNSAFE', failure: 'policy_artifact_invalid' })
    expect(await readdir(cacheDir)).toEqual([])
  })

  it('stops waiting when the caller aborts', async () => {
    webRoutes.set('/slow', (res) => {
      res.writeHead(200)
      res.write('x')
      setTimeout(() => res.end(), 300)
    })
    const { f } = await fetcher()
    const ac = new AbortController()
    const p = f.fetch({ kind: 'https', url: `${webUrl}/slow`, sha256: 'e'.repeat(64) }, { signal: ac.signal })
    ac.abort()
    const err = await failure(p)
    expect(err.meta).toMatchObject({ code: 'EVAL_FETCH_ABORTED', failure: 'validator_cancelled' })
  })
})
