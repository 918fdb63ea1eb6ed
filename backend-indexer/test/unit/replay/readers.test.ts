import { readFile } from 'node:fs/promises'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join, normalize } from 'node:path'
import { gzipSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  createBuiltinEnvironmentFactory,
  createFolderArtifactStore,
  type EpisodeTrace,
  type JobTask,
  TOY_POINT_REACH_ID,
  toyExpertAction,
} from '#evaluator'
import { hasCode } from '#protocol'
import { makeTempDir, type TempDir } from '../../../../test/utils/temp-dir.js'
import { httpArtifactReader } from '../../../src/replay/http-reader.js'
import {
  type ArtifactReader,
  checkInflatedSize,
  folderArtifactReader,
  s3ArtifactReader,
} from '../../../src/replay/readers.js'
import { createReplaySource } from '../../../src/replay/source.js'
import { evaluateTraces, keyPrefixOf, memoryStore, resultRows, scriptedPolicy, writeTraces } from './fixtures.js'

const TOY: JobTask = { envId: TOY_POINT_REACH_ID, taskId: 'toy-0', params: {} }

describe('artifact readers by URI scheme give the same replay', () => {
  let tmp: TempDir
  let server: Server
  let base: string
  let traces: EpisodeTrace[]
  let store: ReturnType<typeof memoryStore>
  const environments = createBuiltinEnvironmentFactory()
  const root = () => join(tmp.dir, 'artifacts')
  const replay = (id: string, readers: ArtifactReader[]) =>
    createReplaySource({ store, readers, environments }).replay(id, 0)

  beforeAll(async () => {
    tmp = makeTempDir('kinitro-replay-readers-')
    traces = await evaluateTraces([TOY], 1, scriptedPolicy([toyExpertAction]))
    store = memoryStore([TOY])
    store.add(
      resultRows('a1'.repeat(32), traces, await writeTraces(createFolderArtifactStore({ root: root() }), traces)),
    )
    // A plain static file server over the folder, answering chunked so the size limit applies while streaming.
    server = createServer((req, res) => {
      const path = normalize(join(root(), decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)))
      readFile(path).then(
        (body) => {
          res.writeHead(200, { 'content-type': 'application/octet-stream' })
          res.write(body)
          res.end()
        },
        () => res.writeHead(404).end(),
      )
    })
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`
    const http = traces.map((t) => `${base}${keyPrefixOf(t)}episode.json`)
    store.add(resultRows('a2'.repeat(32), traces, http))
    store.add(
      resultRows(
        'a3'.repeat(32),
        traces,
        http.map((u) => `${u}?X-Amz-Signature=abc`),
      ),
    )
  }, 120_000)

  afterAll(async () => {
    await new Promise((r) => server?.close(r))
    tmp?.cleanup()
  })

  it('file:// and http:// URIs of the same episode replay to the same frames', async () => {
    const fromFile = await replay('a1'.repeat(32), [folderArtifactReader({ roots: [root()] })])
    expect(fromFile?.success).toBe(true)
    const fromHttp = await replay('a2'.repeat(32), [httpArtifactReader({ allowInsecureHttp: true })])
    expect(fromHttp?.frames).toEqual(fromFile?.frames)
  })

  it('refuses what it was not told to read', async () => {
    // Plain http is for local servers only, presigned URLs cannot address sibling files, other buckets and
    // folders outside the roots are off limits.
    expect(await replay('a2'.repeat(32), [httpArtifactReader()])).toBeUndefined()
    expect(await replay('a3'.repeat(32), [httpArtifactReader({ allowInsecureHttp: true })])).toBeUndefined()
    const folder = folderArtifactReader({ roots: [root()] })
    expect(folder.locate(new URL(`file://${tmp.dir}/episode.json`))).toBeUndefined()
    expect(folder.locate(new URL(`file://${root()}/runs/x/steps.jsonl.gz`))).toBeUndefined()
    expect(folder.locate(new URL(`file://${root()}/runs/x/episode.json`))?.prefix).toBe('runs/x/')
  })

  it('stops reading past the size limit while streaming', async () => {
    const limited = httpArtifactReader({ allowInsecureHttp: true, maxBytes: 200 })
    expect(await replay('a2'.repeat(32), [limited])).toBeUndefined()
  })

  it('refuses gzip that inflates past the limit, before the episode reader inflates it', () => {
    const bomb = gzipSync(new Uint8Array(1 << 20))
    expect(bomb.length).toBeLessThan(2048)
    let err: unknown
    try {
      checkInflatedSize('folder', 'runs/x/steps.jsonl.gz', bomb, 64 * 1024)
    } catch (e) {
      err = e
    }
    expect(hasCode(err, 'EVAL_ARTIFACT_IO_FAILED'), String(err)).toBe(true)
    expect(() => checkInflatedSize('folder', 'runs/x/steps.jsonl.gz', bomb, 2 << 20)).not.toThrow()
  })

  // Reading through the S3 store is the evaluator's S3 compliance suite (s3rver); here, what the reader
  // accepts and where it looks.
  it('s3:// reads only listed buckets, at the key the writer used (its bucket prefix included)', async () => {
    const reader = s3ArtifactReader({ buckets: ['traces'], region: 'auto', endpoint: 'http://127.0.0.1:9' })
    const at = reader.locate(new URL('s3://traces/kinitro/runs/v0/1/4/toy/7/episode.json'))
    expect(at?.prefix).toBe('kinitro/runs/v0/1/4/toy/7/')
    expect(at?.store.uri(`${at?.prefix}episode.json`)).toBe('s3://traces/kinitro/runs/v0/1/4/toy/7/episode.json')
    expect(reader.locate(new URL('s3://other/kinitro/runs/v0/episode.json'))).toBeUndefined()
    expect(reader.locate(new URL('s3://traces/kinitro/runs/v0/steps.jsonl.gz'))).toBeUndefined()
    await reader.close?.()
  })
})
