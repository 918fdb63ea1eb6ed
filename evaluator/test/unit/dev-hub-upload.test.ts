import { createHash, randomBytes } from 'node:crypto'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  createRepo,
  downloadFile,
  fileDownloadInfo,
  HubApiError,
  repoExists,
  uploadFile,
  whoAmI,
} from '@huggingface/hub'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createArtifactFetcher, type DevHub, startDevHub } from '#evaluator'
import { policyArchive } from './fetch/archives.js'

const ALICE = 'hf_alice_write_token'
const BOB = 'hf_bob_write_token'
const READER = 'hf_alice_read_token'
const users = {
  [ALICE]: { name: 'alice', orgs: ['kinitro-lab'] },
  [BOB]: 'bob',
  [READER]: { name: 'alice', role: 'read' as const },
}
const model = (name: string) => ({ type: 'model' as const, name })
const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex')

let hub: DevHub
let root: string
beforeAll(async () => {
  hub = await startDevHub({ users })
  root = await mkdtemp(join(tmpdir(), 'kinitro-devhub-up-'))
})
afterAll(async () => {
  await hub?.stop()
  await rm(root, { recursive: true, force: true })
})

async function hubError(p: Promise<unknown>): Promise<HubApiError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(err, 'the call should fail with a HubApiError').toBeInstanceOf(HubApiError)
  return err as HubApiError
}

async function upload(repo: string, body: Uint8Array, opts: { token?: string; useXet?: boolean; path?: string } = {}) {
  const out = await uploadFile({
    repo: model(repo),
    file: { path: opts.path ?? 'policy.tar.gz', content: new Blob([body]) },
    hubUrl: hub.url,
    accessToken: opts.token ?? ALICE,
    ...(opts.useXet !== undefined && { useXet: opts.useXet }),
  })
  return out!.commit.oid
}

describe('dev hub: accounts and repositories', () => {
  it('answers whoAmI with the token’s user, orgs and role; 401 for an unknown token', async () => {
    const me = await whoAmI({ hubUrl: hub.url, accessToken: ALICE })
    expect(me).toMatchObject({ type: 'user', name: 'alice', auth: { accessToken: { role: 'write' } } })
    expect(me.type === 'user' && me.orgs.map((o) => o.name)).toEqual(['kinitro-lab'])
    const reader = await whoAmI({ hubUrl: hub.url, accessToken: READER })
    expect(reader.auth.accessToken?.role).toBe('read')
    const err = await hubError(whoAmI({ hubUrl: hub.url, accessToken: 'hf_nobody' }))
    expect(err.statusCode).toBe(401)
    expect(err.message).toContain('Invalid credentials')
  })

  it('creates a repo in the user’s or an org’s namespace, 409 when it exists, 403 elsewhere', async () => {
    const made = await createRepo({ repo: model('alice/first'), hubUrl: hub.url, accessToken: ALICE })
    expect(made.repoUrl).toBe(`${hub.url}/alice/first`)
    expect(await repoExists({ repo: model('alice/first'), hubUrl: hub.url })).toBe(true)
    expect(await repoExists({ repo: model('alice/nope'), hubUrl: hub.url })).toBe(false)
    await createRepo({ repo: model('kinitro-lab/shared'), hubUrl: hub.url, accessToken: ALICE })

    const again = await hubError(createRepo({ repo: model('alice/first'), hubUrl: hub.url, accessToken: ALICE }))
    expect(again.statusCode).toBe(409)
    const foreign = await hubError(createRepo({ repo: model('bob/mine'), hubUrl: hub.url, accessToken: ALICE }))
    expect(foreign.statusCode).toBe(403)
    expect(foreign.message).toContain('namespace "bob"')
    const readOnly = await hubError(createRepo({ repo: model('alice/ro'), hubUrl: hub.url, accessToken: READER }))
    expect(readOnly.statusCode).toBe(403)
    const anonymous = await hubError(
      fetch(`${hub.url}/api/repos/create`, { method: 'POST', body: JSON.stringify({ name: 'x', type: 'model' }) }).then(
        async (res) => {
          if (!res.ok) throw new HubApiError(res.url, res.status, undefined, await res.text())
        },
      ),
    )
    expect(anonymous.statusCode).toBe(401)
  })
})

describe('dev hub: uploads (preupload → LFS batch → PUT → commit)', () => {
  const archive = policyArchive('uploaded')

  it('commits a binary file through LFS; the oid and main both resolve to the same bytes', async () => {
    await createRepo({ repo: model('alice/policy'), hubUrl: hub.url, accessToken: ALICE })
    const before = hub.requests.length
    const oid = await upload('alice/policy', archive, { useXet: false })
    expect(oid).toMatch(/^[0-9a-f]{40}$/u)
    const writes = hub.requests.slice(before).map((r) => `${r.method} ${r.path.replace(/[0-9a-f-]{36}$/u, '<id>')}`)
    expect(writes).toEqual([
      'POST /api/models/alice/policy/preupload/main',
      'POST /alice/policy.git/info/lfs/objects/batch',
      'PUT /lfs-upload/<id>',
      'POST /api/models/alice/policy/commit/main',
    ])
    // The PUT goes to a presigned-style URL: the client sends no token there.
    const put = hub.requests.slice(before).find((r) => r.method === 'PUT')
    expect(put?.authorization).toBeUndefined()

    for (const revision of [oid, 'main']) {
      const info = await fileDownloadInfo({
        repo: model('alice/policy'),
        path: 'policy.tar.gz',
        revision,
        hubUrl: hub.url,
      })
      expect(info).toMatchObject({ size: archive.length, etag: `"${sha256(archive)}"` })
      const blob = await downloadFile({ repo: model('alice/policy'), path: 'policy.tar.gz', revision, hubUrl: hub.url })
      expect(sha256(new Uint8Array(await blob!.arrayBuffer()))).toBe(sha256(archive))
    }
  })

  it('works with the library’s default (Xet offered): the hub answers transfer "basic" and the client falls back', async () => {
    await createRepo({ repo: model('alice/xet-default'), hubUrl: hub.url, accessToken: ALICE })
    const body = randomBytes(4096)
    const oid = await upload('alice/xet-default', body)
    const blob = await downloadFile({
      repo: model('alice/xet-default'),
      path: 'policy.tar.gz',
      revision: oid,
      hubUrl: hub.url,
    })
    expect(Buffer.from(await blob!.arrayBuffer()).equals(body)).toBe(true)
  })

  it('makes a new commit per upload, keeps old oids resolving to old bytes, and skips a PUT for known objects', async () => {
    await createRepo({ repo: model('alice/history'), hubUrl: hub.url, accessToken: ALICE })
    const v1 = randomBytes(2048)
    const v2 = randomBytes(2048)
    const first = await upload('alice/history', v1, { useXet: false })
    const second = await upload('alice/history', v2, { useXet: false })
    expect(second).not.toBe(first)
    const at = async (revision: string) => {
      const blob = await downloadFile({
        repo: model('alice/history'),
        path: 'policy.tar.gz',
        revision,
        hubUrl: hub.url,
      })
      return sha256(new Uint8Array(await blob!.arrayBuffer()))
    }
    expect(await at(first)).toBe(sha256(v1))
    expect(await at(second)).toBe(sha256(v2))
    expect(await at('main')).toBe(sha256(v2))

    const before = hub.requests.length
    const third = await upload('alice/history', v1, { useXet: false })
    expect(third).not.toBe(first)
    expect(hub.requests.slice(before).some((r) => r.method === 'PUT')).toBe(false)
    expect(await at(third)).toBe(sha256(v1))
  })

  it('derives commit oids from parent and content only: the same history on another hub gives the same oids', async () => {
    const other = await startDevHub({ users })
    try {
      const oids: string[][] = []
      for (const h of [hub, other]) {
        await createRepo({ repo: model('alice/twin'), hubUrl: h.url, accessToken: ALICE })
        const a = await uploadFile({
          repo: model('alice/twin'),
          file: { path: 'policy.tar.gz', content: new Blob([archive]) },
          hubUrl: h.url,
          accessToken: ALICE,
          useXet: false,
        })
        oids.push([a!.commit.oid])
      }
      expect(oids[0]).toEqual(oids[1])
    } finally {
      await other.stop()
    }
  })

  it('uploads a small text file as a regular (inline base64) file', async () => {
    await createRepo({ repo: model('alice/text'), hubUrl: hub.url, accessToken: ALICE })
    const body = Buffer.from('{"format":"kinitro-policy/1"}\n')
    const before = hub.requests.length
    const oid = await upload('alice/text', body, { path: 'policy.json' })
    expect(hub.requests.slice(before).some((r) => r.path.includes('lfs'))).toBe(false)
    const blob = await downloadFile({ repo: model('alice/text'), path: 'policy.json', revision: oid, hubUrl: hub.url })
    expect(await blob!.text()).toBe(body.toString())
  })

  it('refuses writes without a token (401), in a foreign namespace (403) and to a missing repo (404)', async () => {
    await createRepo({ repo: model('bob/owned'), hubUrl: hub.url, accessToken: BOB })
    const unknown = await hubError(upload('bob/owned', archive, { token: 'hf_unknown' }))
    expect(unknown.statusCode).toBe(401)
    const foreign = await hubError(upload('bob/owned', archive, { token: ALICE }))
    expect(foreign.statusCode).toBe(403)
    const reader = await hubError(upload('alice/policy', archive, { token: READER }))
    expect(reader.statusCode).toBe(403)
    const missing = await hubError(upload('alice/never-created', archive))
    expect(missing.statusCode).toBe(404)
  })

  it('rejects an object whose bytes differ from the batch, an unknown upload URL, a stale parent and a dangling LFS pointer', async () => {
    await createRepo({ repo: model('alice/raw'), hubUrl: hub.url, accessToken: ALICE })
    const auth = { authorization: `Bearer ${ALICE}` }
    const body = randomBytes(100)
    const batch = await fetch(`${hub.url}/alice/raw.git/info/lfs/objects/batch`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ operation: 'upload', objects: [{ oid: sha256(body), size: 100 }] }),
    }).then((r) => r.json() as Promise<{ objects: { actions: { upload: { href: string } } }[] }>)
    const href = batch.objects[0]!.actions.upload.href
    expect((await fetch(href, { method: 'PUT', body: randomBytes(100) })).status).toBe(400)
    expect(
      (await fetch(`${hub.url}/lfs-upload/${'0'.repeat(8)}-0000-0000-0000-${'0'.repeat(12)}`, { method: 'PUT', body }))
        .status,
    ).toBe(403)
    expect((await fetch(href, { method: 'PUT', body })).status).toBe(200)

    const commit = (lines: unknown[]) =>
      fetch(`${hub.url}/api/models/alice/raw/commit/main`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/x-ndjson' },
        body: lines.map((l) => JSON.stringify(l)).join('\n'),
      })
    const lfs = { key: 'lfsFile', value: { path: 'x.bin', algo: 'sha256', size: 100, oid: sha256(body) } }
    const stale = await commit([{ key: 'header', value: { summary: 's', parentCommit: 'f'.repeat(40) } }, lfs])
    expect(stale.status).toBe(412)
    const dangling = { key: 'lfsFile', value: { path: 'y.bin', algo: 'sha256', size: 1, oid: 'e'.repeat(64) } }
    expect((await commit([{ key: 'header', value: { summary: 's' } }, dangling])).status).toBe(422)
    const ok = await commit([{ key: 'header', value: { summary: 's' } }, lfs])
    expect(ok.status).toBe(200)
    expect(((await ok.json()) as { commitOid: string }).commitOid).toMatch(/^[0-9a-f]{40}$/u)
  })

  it('answers every write with the forced status while failWith is set', async () => {
    hub.failWith(503)
    try {
      const err = await hubError(upload('alice/policy', archive))
      expect(err.statusCode).toBe(503)
    } finally {
      hub.failWith(undefined)
    }
  })
})

describe('dev hub: private repos and the validators’ fetcher', () => {
  it('hides a private repo from anonymous (401) and foreign (404) readers, serves it to its owner', async () => {
    await createRepo({ repo: model('alice/secret'), hubUrl: hub.url, accessToken: ALICE, visibility: 'private' })
    const oid = await upload('alice/secret', policyArchive('secret'), { useXet: false })
    const get = (token?: string) => fetchStatus(`${hub.url}/alice/secret/resolve/${oid}/policy.tar.gz`, token)
    expect(await get()).toBe(401)
    expect(await get(BOB)).toBe(404)
    expect(await get(ALICE)).toBe(200)
  })

  it('lets createArtifactFetcher download and unpack exactly what was uploaded, pinned to the returned oid', async () => {
    const archive = policyArchive('round-trip')
    await createRepo({ repo: model('alice/round-trip'), hubUrl: hub.url, accessToken: ALICE })
    const revision = await upload('alice/round-trip', archive, { useXet: false })
    const fetcher = createArtifactFetcher({ cacheDir: join(root, 'cache'), hubUrl: hub.url, allowInsecureHttp: true })
    const got = await fetcher.fetch({ kind: 'hf', repo: 'alice/round-trip', revision, sha256: sha256(archive) })
    expect(got).toMatchObject({ sha256: sha256(archive), bytes: archive.length, cached: false })
    expect(await readFile(join(got.dir, 'server.py'), 'utf8')).toBe('print("round-trip")\n')
  })

  it('with `token` set, still demands it on reads but not on the presigned LFS PUT', async () => {
    const gated = await startDevHub({ token: ALICE, users })
    try {
      expect(await fetchStatus(`${gated.url}/api/whoami-v2`)).toBe(401)
      await createRepo({ repo: model('alice/gated'), hubUrl: gated.url, accessToken: ALICE })
      const body = randomBytes(1024)
      const out = await uploadFile({
        repo: model('alice/gated'),
        file: { path: 'policy.tar.gz', content: new Blob([body]) },
        hubUrl: gated.url,
        accessToken: ALICE,
        useXet: false,
      })
      expect(await fetchStatus(`${gated.url}/alice/gated/resolve/${out!.commit.oid}/policy.tar.gz`)).toBe(401)
      expect(await fetchStatus(`${gated.url}/alice/gated/resolve/${out!.commit.oid}/policy.tar.gz`, BOB)).toBe(200)
    } finally {
      await gated.stop()
    }
  })
})

async function fetchStatus(url: string, token?: string): Promise<number> {
  const res = await fetch(url, token === undefined ? {} : { headers: { authorization: `Bearer ${token}` } })
  await res.arrayBuffer()
  return res.status
}
