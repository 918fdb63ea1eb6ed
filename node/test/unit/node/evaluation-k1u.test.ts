import { once } from 'node:events'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { evaluatorConfigSchema, packPolicyDir, samplePolicyDir } from '#evaluator'
import { createEvaluation } from '#node'
import { buildCommitment } from '#protocol'
import { makeTempDir, type TempDir } from '../../../../test/utils/temp-dir.js'
import { type EvaluationJob, fetchRefOf } from '../../../src/node/evaluation.js'
import { reachJob } from './fixtures.js'

const ENV = 'toy/point-reach-v1'

function job(commitment: string): EvaluationJob {
  return reachJob({ commitment }, { envId: ENV })
}

describe('validator evaluation of a k1u (URL) commitment', () => {
  let tmp: TempDir
  let server: Server
  let base: string
  let sha256: string
  const served = new Map<string, Uint8Array>()
  const hits: string[] = []

  beforeAll(async () => {
    tmp = makeTempDir('kinitro-node-k1u-')
    const packed = await packPolicyDir(samplePolicyDir('expert'))
    sha256 = packed.sha256
    served.set('/bucket/policy.tar.gz', packed.bytes)
    // Same length, other bytes: what a bucket serves after the miner overwrote the object.
    served.set('/bucket/swapped.tar.gz', Buffer.from(packed.bytes).reverse())
    server = createServer((req, res) => {
      hits.push(req.url ?? '')
      const body = served.get(req.url ?? '')
      if (body === undefined) {
        res.writeHead(404).end()
        return
      }
      res.writeHead(200, { 'content-type': 'application/gzip', 'content-length': String(body.length) }).end(body)
    })
    server.listen(0, '127.0.0.1')
    await once(server, 'listening')
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  })
  afterAll(async () => {
    server?.closeAllConnections()
    server?.close()
    tmp?.cleanup()
  })

  const commit = (path: string) =>
    buildCommitment(
      { format: 'kinitro-v1-url', sha256, url: `${base}${path}`, competitionId: 'reach-1' },
      { allowHttpUrl: true },
    )

  it('maps k1u to an https ref and keeps the k1 hub ref unchanged', () => {
    expect(fetchRefOf(commit('/bucket/policy.tar.gz'))).toEqual({
      ref: { kind: 'https', url: `${base}/bucket/policy.tar.gz`, sha256 },
    })
    const k1 = buildCommitment({ format: 'kinitro-v1', repo: 'alice/reach', revision: 'c'.repeat(40), sha256 })
    expect(fetchRefOf(k1)).toEqual({ ref: { kind: 'hf', repo: 'alice/reach', revision: 'c'.repeat(40), sha256 } })
    expect(fetchRefOf('k1:alice/reach@cccccccc')).toMatchObject({ reason: expect.stringContaining('digest') })
  })

  it('downloads the archive from the URL, checks its digest and runs the policy', { timeout: 120_000 }, async () => {
    const config = evaluatorConfigSchema.parse({ runtime: { sandbox: 'none' }, fetch: { allowInsecureHttp: true } })
    const evaluation = createEvaluation({ config, dataDir: tmp.file('ok'), artifacts: false })
    try {
      const out = await evaluation.evaluate(job(commit('/bucket/policy.tar.gz')), {
        signal: new AbortController().signal,
      })
      expect(hits).toContain('/bucket/policy.tar.gz')
      expect(out.episodes).toHaveLength(1)
      expect(out.episodes[0]?.error, out.episodes[0]?.errorDetail).toBeUndefined()
      expect(out.episodes[0]?.steps).toBeGreaterThan(0)
      expect(out.isolation).not.toBe('none')
    } finally {
      await evaluation.close()
    }
  })

  it('fails the job as the miner’s artifact mismatch when the URL serves other bytes', async () => {
    const config = evaluatorConfigSchema.parse({ runtime: { sandbox: 'none' }, fetch: { allowInsecureHttp: true } })
    const evaluation = createEvaluation({ config, dataDir: tmp.file('swapped'), artifacts: false })
    try {
      const out = await evaluation.evaluate(job(commit('/bucket/swapped.tar.gz')), {
        signal: new AbortController().signal,
      })
      expect(out.isolation).toBe('none')
      expect(out.episodes.map((e) => e.error)).toEqual(['policy_artifact_mismatch'])
    } finally {
      await evaluation.close()
    }
  })

  it('refuses the http URL when the validator does not allow insecure downloads', async () => {
    const config = evaluatorConfigSchema.parse({ runtime: { sandbox: 'none' } })
    const evaluation = createEvaluation({ config, dataDir: tmp.file('strict'), artifacts: false })
    const before = hits.length
    try {
      const out = await evaluation.evaluate(job(commit('/bucket/policy.tar.gz')), {
        signal: new AbortController().signal,
      })
      expect(out.episodes.map((e) => e.error)).toEqual(['policy_artifact_invalid'])
      expect(hits.length).toBe(before)
    } finally {
      await evaluation.close()
    }
  })
})
