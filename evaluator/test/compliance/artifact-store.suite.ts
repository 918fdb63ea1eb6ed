import { createHash, randomBytes } from 'node:crypto'
import { Readable } from 'node:stream'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { hasCode } from '#protocol'
import type { ArtifactStore } from '../../src/artifacts/types.js'

/** What a backend under test provides to {@link artifactStoreSuite}. */
export interface ArtifactStoreFixture {
  store: ArtifactStore
  teardown(): Promise<void>
}

const BAD_KEYS = ['', '/abs', '../x', 'a/../b', './a', 'a//b', 'a/', 'a\\b', 'a/\u0000b', 'a\nb', 'C:/x']

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex')
const text = (s: string) => new TextEncoder().encode(s)

async function collect(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const c of stream) chunks.push(Buffer.from(c as Uint8Array))
  return Buffer.concat(chunks)
}

async function keysOf(store: ArtifactStore, prefix: string, pageSize?: number): Promise<string[]> {
  const out: string[] = []
  for await (const item of store.list(prefix, pageSize === undefined ? {} : { pageSize })) out.push(item.key)
  return out
}

/** Chunks of a deterministic body, so a 12 MiB upload is streamed rather than handed over whole. */
function chunked(body: Uint8Array, chunk: number): Readable {
  return Readable.from(
    (function* () {
      for (let i = 0; i < body.length; i += chunk) yield Buffer.from(body.subarray(i, i + chunk))
    })(),
  )
}

async function expectCode(p: Promise<unknown> | (() => unknown), code: string): Promise<void> {
  try {
    await (typeof p === 'function' ? p() : p)
  } catch (err) {
    expect(hasCode(err, code), `expected ${code}, got ${String(err)}`).toBe(true)
    return
  }
  throw new Error(`expected ${code}, nothing was thrown`)
}

/**
 * The behaviour every {@link ArtifactStore} must share. Each backend's test file calls this once per
 * configuration; `setup` runs once per suite and gets a fresh, empty store.
 */
export function artifactStoreSuite(name: string, setup: () => Promise<ArtifactStoreFixture>): void {
  describe(`ArtifactStore compliance: ${name}`, () => {
    let fx: ArtifactStoreFixture
    let store: ArtifactStore
    beforeAll(async () => {
      fx = await setup()
      store = fx.store
    })
    afterAll(async () => {
      await fx?.teardown()
    })

    it('round-trips bytes with content type, metadata and sha256', async () => {
      const body = text('{"hello":"world"}')
      const put = await store.put('rt/episode.json', body, {
        contentType: 'application/json',
        metadata: { cycle: '7' },
      })
      expect(put).toMatchObject({ key: 'rt/episode.json', size: body.length, sha256: sha(body) })
      expect(Buffer.from(await store.get('rt/episode.json'))).toEqual(Buffer.from(body))
      const head = await store.head('rt/episode.json')
      expect(head).toMatchObject({ key: 'rt/episode.json', size: body.length, sha256: sha(body) })
      expect(head?.contentType).toBe('application/json')
      expect(head?.metadata).toEqual({ cycle: '7' })
    })

    it('stores an empty body', async () => {
      await store.put('rt/empty', new Uint8Array(0))
      expect((await store.get('rt/empty')).length).toBe(0)
      expect(await store.head('rt/empty')).toMatchObject({ size: 0, sha256: sha(new Uint8Array(0)) })
    })

    it('reports missing keys: head undefined, get and getStream EVAL_ARTIFACT_NOT_FOUND', async () => {
      expect(await store.head('missing/nothing')).toBeUndefined()
      await expectCode(store.get('missing/nothing'), 'EVAL_ARTIFACT_NOT_FOUND')
      await expectCode(store.getStream('missing/nothing'), 'EVAL_ARTIFACT_NOT_FOUND')
    })

    it('overwrites: the second put wins', async () => {
      await store.put('ow/k', text('first version'))
      await store.put('ow/k', text('v2'))
      expect(new TextDecoder().decode(await store.get('ow/k'))).toBe('v2')
      expect(await store.head('ow/k')).toMatchObject({ size: 2, sha256: sha(text('v2')) })
      expect(await keysOf(store, 'ow/')).toEqual(['ow/k'])
    })

    it('deletes, and deleting a missing key is not an error', async () => {
      await store.put('del/a', text('x'))
      await store.delete('del/a')
      expect(await store.head('del/a')).toBeUndefined()
      await expectCode(store.get('del/a'), 'EVAL_ARTIFACT_NOT_FOUND')
      await store.delete('del/a')
      expect(await keysOf(store, 'del/')).toEqual([])
    })

    it('lists by string prefix in key order', async () => {
      for (const k of ['ls/b/1', 'ls/a/2', 'ls/a/1', 'ls/a/sub/3', 'ls/ab/1', 'lsx/1']) await store.put(k, text(k))
      expect(await keysOf(store, 'ls/a/')).toEqual(['ls/a/1', 'ls/a/2', 'ls/a/sub/3'])
      expect(await keysOf(store, 'ls/a')).toEqual(['ls/a/1', 'ls/a/2', 'ls/a/sub/3', 'ls/ab/1'])
      expect(await keysOf(store, 'ls/')).toEqual(['ls/a/1', 'ls/a/2', 'ls/a/sub/3', 'ls/ab/1', 'ls/b/1'])
      expect(await keysOf(store, 'ls/nothing/')).toEqual([])
      const items: { key: string; size: number }[] = []
      for await (const i of store.list('ls/b/')) items.push(i)
      expect(items).toMatchObject([{ key: 'ls/b/1', size: 6 }])
      expect(await keysOf(store, '')).toEqual(expect.arrayContaining(['ls/b/1', 'lsx/1', 'rt/episode.json']))
    })

    it('pages through listings larger than one page', async () => {
      const keys = Array.from({ length: 7 }, (_, i) => `pg/k${i}`)
      for (const k of keys) await store.put(k, text(k))
      expect(await keysOf(store, 'pg/', 2)).toEqual(keys)
      expect(await keysOf(store, 'pg/', 1000)).toEqual(keys)
    })

    it('rejects bad keys with EVAL_ARTIFACT_BAD_KEY on every operation', async () => {
      for (const key of BAD_KEYS) {
        await expectCode(store.put(key, text('x')), 'EVAL_ARTIFACT_BAD_KEY')
        await expectCode(store.get(key), 'EVAL_ARTIFACT_BAD_KEY')
        await expectCode(store.getStream(key), 'EVAL_ARTIFACT_BAD_KEY')
        await expectCode(store.head(key), 'EVAL_ARTIFACT_BAD_KEY')
        await expectCode(store.delete(key), 'EVAL_ARTIFACT_BAD_KEY')
        await expectCode(() => store.uri(key), 'EVAL_ARTIFACT_BAD_KEY')
      }
      await expectCode(keysOf(store, '../'), 'EVAL_ARTIFACT_BAD_KEY')
    })

    it('streams in and out', async () => {
      const body = randomBytes(300_000)
      const put = await store.put('st/blob.bin', chunked(body, 65_536), { contentType: 'application/octet-stream' })
      expect(put).toMatchObject({ size: body.length, sha256: sha(body) })
      const back = await collect(await store.getStream('st/blob.bin'))
      expect(back.equals(body)).toBe(true)
    })

    it('refuses a body whose meta.sha256 is wrong and stores nothing', async () => {
      const wrong = sha(text('something else'))
      await expectCode(store.put('dm/a', text('body'), { sha256: wrong }), 'EVAL_ARTIFACT_DIGEST_MISMATCH')
      await expectCode(store.put('dm/b', chunked(text('body'), 2), { sha256: wrong }), 'EVAL_ARTIFACT_DIGEST_MISMATCH')
      expect(await keysOf(store, 'dm/')).toEqual([])
      const ok = await store.put('dm/c', text('body'), { sha256: sha(text('body')).toUpperCase() })
      expect(ok.sha256).toBe(sha(text('body')))
    })

    it('round-trips a 12 MiB streamed body with its sha256', async () => {
      const body = randomBytes(12 * 1024 * 1024)
      const digest = sha(body)
      const put = await store.put('big/12mib.bin', chunked(body, 1024 * 1024))
      expect(put).toMatchObject({ size: body.length, sha256: digest })
      expect(await store.head('big/12mib.bin')).toMatchObject({ size: body.length, sha256: digest })
      const hash = createHash('sha256')
      let size = 0
      for await (const c of await store.getStream('big/12mib.bin')) {
        hash.update(c as Uint8Array)
        size += (c as Uint8Array).length
      }
      expect(size).toBe(body.length)
      expect(hash.digest('hex')).toBe(digest)
    })

    it('names objects by a URI that contains the key', () => {
      const uri = store.uri('runs/v/1/2/reach/3/episode.json')
      expect(uri.endsWith('runs/v/1/2/reach/3/episode.json')).toBe(true)
      expect(uri).toMatch(/^(file|s3|https):\/\//u)
    })
  })
}
