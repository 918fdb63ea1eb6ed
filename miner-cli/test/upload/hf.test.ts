import { once } from 'node:events'
import { readFile, rm, writeFile } from 'node:fs/promises'
import { createServer as createHttpServer, request } from 'node:http'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createArtifactFetcher, type DevHub, startDevHub } from '#evaluator'
import { UploadError } from '../../src/upload/errors.js'
import { uploadToHub } from '../../src/upload/hf.js'
import { packagedProject, sha256 } from './helpers.js'

const ALICE = 'hf_alice_write_token_0123'
const READER = 'hf_alice_read_only_0456'
const users = { [ALICE]: 'alice', hf_bob_token_789: 'bob', [READER]: { name: 'alice', role: 'read' as const } }

let hub: DevHub
let project: { dir: string; archive: Buffer }
let archivePath: string
beforeAll(async () => {
  hub = await startDevHub({ users })
  project = await packagedProject('hf')
  archivePath = join(project.dir, 'build', 'policy.tar.gz')
})
afterAll(async () => {
  await hub?.stop()
  await rm(project.dir, { recursive: true, force: true })
})

async function failure(p: Promise<unknown>): Promise<UploadError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(err, 'upload should fail with an UploadError').toBeInstanceOf(UploadError)
  // The token must never reach a message a miner pastes into a bug report.
  expect(JSON.stringify({ m: (err as Error).message, meta: (err as UploadError).meta })).not.toMatch(/hf_[a-z]+_[a-z]/u)
  return err as UploadError
}

describe('uploadToHub against the dev hub', () => {
  it('creates the repo, commits the archive, and a validator’s fetcher downloads the same bytes at that revision', async () => {
    const events: string[] = []
    const receipt = await uploadToHub({
      archive: archivePath,
      repo: 'alice/reach-policy',
      hubUrl: hub.url,
      token: ALICE,
      onProgress: (e) => events.push(e.phase),
    })
    expect(receipt).toMatchObject({
      kind: 'hf',
      repo: 'alice/reach-policy',
      file: 'policy.tar.gz',
      sha256: sha256(project.archive),
      bytes: project.archive.length,
      url: `${hub.url}/alice/reach-policy/resolve/${receipt.revision}/policy.tar.gz`,
    })
    expect(receipt.revision).toMatch(/^[0-9a-f]{40}$/u)
    expect(Date.parse(receipt.uploadedAt)).not.toBeNaN()
    expect(events).toContain('uploading')
    expect(events.at(-1)).toBe('verifying')

    // The validator's side: pinned revision + committed sha256, through the evaluator's own fetcher.
    const fetcher = createArtifactFetcher({
      cacheDir: join(project.dir, 'validator-cache'),
      hubUrl: hub.url,
      allowInsecureHttp: true,
    })
    const got = await fetcher.fetch({
      kind: 'hf',
      repo: receipt.repo,
      revision: receipt.revision,
      sha256: receipt.sha256,
    })
    expect(got.sha256).toBe(sha256(project.archive))
    expect(await readFile(join(got.dir, 'server.py'), 'utf8')).toBe('print("hf")\n')
  })

  it('uploads into an existing repo as a new commit, and the old revision keeps serving the old archive', async () => {
    const first = await uploadToHub({ archive: archivePath, repo: 'alice/two-versions', hubUrl: hub.url, token: ALICE })
    const other = join(project.dir, 'other.tar.gz')
    await writeFile(other, Buffer.concat([project.archive, Buffer.alloc(16)]))
    const second = await uploadToHub({ archive: other, repo: 'alice/two-versions', hubUrl: hub.url, token: ALICE })
    expect(second.revision).not.toBe(first.revision)
    const at = (rev: string) =>
      fetch(`${hub.url}/alice/two-versions/resolve/${rev}/policy.tar.gz`).then((r) => r.arrayBuffer())
    expect(sha256(new Uint8Array(await at(first.revision)))).toBe(first.sha256)
    expect(sha256(new Uint8Array(await at(second.revision)))).toBe(second.sha256)
  })

  it('sends the token as Bearer on every hub call except the presigned PUT', async () => {
    const before = hub.requests.length
    await uploadToHub({ archive: archivePath, repo: 'alice/auth-check', hubUrl: hub.url, token: ALICE })
    const seen = hub.requests.slice(before)
    expect(seen.map((r) => r.path)).toContain('/api/whoami-v2')
    for (const r of seen) {
      expect(r.authorization, `${r.method} ${r.path}`).toBe(r.method === 'PUT' ? undefined : `Bearer ${ALICE}`)
    }
  })

  it('maps a rejected token (401) and a read-only token to MINER_UPLOAD_AUTH_FAILED', async () => {
    const wrong = await failure(
      uploadToHub({ archive: archivePath, repo: 'alice/x', hubUrl: hub.url, token: 'hf_wrong_token_xyz' }),
    )
    expect(wrong.meta).toMatchObject({ code: 'MINER_UPLOAD_AUTH_FAILED', status: 401 })
    const reader = await failure(uploadToHub({ archive: archivePath, repo: 'alice/x', hubUrl: hub.url, token: READER }))
    expect(reader.code).toBe('MINER_UPLOAD_AUTH_FAILED')
    expect(reader.message).toContain('read-only')
  })

  it('maps a foreign namespace (the hub’s 403) to MINER_UPLOAD_AUTH_FAILED naming the user and namespace', async () => {
    const err = await failure(uploadToHub({ archive: archivePath, repo: 'bob/stolen', hubUrl: hub.url, token: ALICE }))
    expect(err.meta).toMatchObject({ code: 'MINER_UPLOAD_AUTH_FAILED', status: 403, where: 'bob/stolen' })
    expect(err.message).toContain('the token of alice may not write to bob/')
  })

  it('maps a hub answering 503 and an unreachable hub to MINER_UPLOAD_HUB_UNAVAILABLE', async () => {
    hub.failWith(503)
    try {
      const down = await failure(uploadToHub({ archive: archivePath, repo: 'alice/y', hubUrl: hub.url, token: ALICE }))
      expect(down.meta).toMatchObject({ code: 'MINER_UPLOAD_HUB_UNAVAILABLE', status: 503 })
    } finally {
      hub.failWith(undefined)
    }
    const closed = createServer().listen(0, '127.0.0.1')
    await once(closed, 'listening')
    const { port } = closed.address() as { port: number }
    closed.close()
    await once(closed, 'close')
    const gone = await failure(
      uploadToHub({ archive: archivePath, repo: 'alice/y', hubUrl: `http://127.0.0.1:${port}`, token: ALICE }),
    )
    expect(gone.code).toBe('MINER_UPLOAD_HUB_UNAVAILABLE')
    expect(gone.message).toContain('ECONNREFUSED')
  })

  it('refuses before any request: a missing archive, a malformed token, a bad repo id', async () => {
    const before = hub.requests.length
    const missing = await failure(
      uploadToHub({ archive: join(project.dir, 'nope.tar.gz'), repo: 'alice/z', hubUrl: hub.url, token: ALICE }),
    )
    expect(missing.code).toBe('MINER_UPLOAD_ARCHIVE_MISSING')
    const malformed = await failure(
      uploadToHub({ archive: archivePath, repo: 'alice/z', hubUrl: hub.url, token: 'abc' }),
    )
    expect(malformed.code).toBe('MINER_UPLOAD_TOKEN_MALFORMED')
    const badRepo = await failure(
      uploadToHub({ archive: archivePath, repo: 'no-slash', hubUrl: hub.url, token: ALICE }),
    )
    expect(badRepo.code).toBe('MINER_UPLOAD_REPO_INVALID')
    expect(hub.requests.length).toBe(before)
  })

  it('with createRepo: false, a missing repo is MINER_UPLOAD_REPO_NOT_FOUND and nothing is created', async () => {
    const err = await failure(
      uploadToHub({ archive: archivePath, repo: 'alice/not-there', hubUrl: hub.url, token: ALICE, createRepo: false }),
    )
    expect(err.code).toBe('MINER_UPLOAD_REPO_NOT_FOUND')
    expect((await fetch(`${hub.url}/api/models/alice/not-there`)).status).toBe(404)
  })

  it('creates a private repo on request: anonymous readers are refused, the token reads it', async () => {
    const r = await uploadToHub({
      archive: archivePath,
      repo: 'alice/hidden',
      hubUrl: hub.url,
      token: ALICE,
      private: true,
    })
    const url = `${hub.url}/alice/hidden/resolve/${r.revision}/policy.tar.gz`
    expect((await fetch(url)).status).toBe(401)
    expect((await fetch(url, { headers: { authorization: `Bearer ${ALICE}` } })).status).toBe(200)
  })

  it('reports MINER_UPLOAD_VERIFY_FAILED when the hub then serves a file of another size and digest', async () => {
    // A proxy in front of the dev hub that rewrites what the CDN says about the stored object.
    const target = new URL(hub.url)
    const proxy = createHttpServer((req, res) => {
      const up = request({
        host: target.hostname,
        port: target.port,
        path: req.url,
        method: req.method,
        headers: req.headers,
      })
      up.on('response', (r) => {
        const headers = { ...r.headers }
        if (req.url?.startsWith('/cdn/')) {
          headers['content-range'] = 'bytes 0-0/7'
          headers.etag = `"${'0'.repeat(64)}"`
        }
        res.writeHead(r.statusCode ?? 500, headers)
        r.pipe(res)
      })
      req.pipe(up)
    }).listen(0, '127.0.0.1')
    await once(proxy, 'listening')
    try {
      const url = `http://127.0.0.1:${(proxy.address() as { port: number }).port}`
      const err = await failure(uploadToHub({ archive: archivePath, repo: 'alice/lying', hubUrl: url, token: ALICE }))
      expect(err.code).toBe('MINER_UPLOAD_VERIFY_FAILED')
      expect(err.message).toContain('7 bytes')
    } finally {
      proxy.closeAllConnections()
      proxy.close()
    }
  })

  it('passes a cancelled signal through as MINER_UPLOAD_ABORTED', async () => {
    const ac = new AbortController()
    ac.abort()
    const err = await failure(
      uploadToHub({ archive: archivePath, repo: 'alice/cancelled', hubUrl: hub.url, token: ALICE, signal: ac.signal }),
    )
    expect(err.code).toBe('MINER_UPLOAD_ABORTED')
  })
})
