import { once } from 'node:events'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Chain, createDevChain, type DevChain, type Hotkey, parseCommitment } from '#protocol'
import { CommitError } from '../../src/commit/errors.js'
import { submitCommitment } from '../../src/commit/submit.js'
import { expertArchive, makeHotkey, policyFolder, runMiner, tempDir } from './helpers.js'

describe('k1u commitments for an S3/R2 upload, and submit read-back', () => {
  let tmp: ReturnType<typeof tempDir>
  let dev: DevChain
  let server: Server
  let base: string
  let archive: { bytes: Buffer; sha256: string }
  let wallets: string
  let miner: Hotkey
  let racer: Hotkey
  const objects = new Map<string, Uint8Array>()

  beforeAll(async () => {
    tmp = tempDir('kinitro-miner-k1u-')
    dev = await createDevChain({ path: join(tmp.dir, 'chain.sqlite'), blockTimeMs: 0 })
    archive = await expertArchive()
    // A bucket's public endpoint: plain GETs of object keys.
    server = createServer((req, res) => {
      const body = objects.get(req.url ?? '')
      if (body === undefined) res.writeHead(404).end()
      else res.writeHead(200, { 'content-length': String(body.length) }).end(body)
    })
    server.listen(0, '127.0.0.1')
    await once(server, 'listening')
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    wallets = join(tmp.dir, 'wallets')
    miner = await makeHotkey(wallets, 'miner')
    racer = await makeHotkey(wallets, 'racer')
    await dev.admin.register(1, miner.ss58)
    await dev.admin.register(1, racer.ss58)
  })
  afterAll(async () => {
    server?.closeAllConnections()
    server?.close()
    await dev?.close()
    tmp?.cleanup()
  })

  it('commits the bucket URL as k1u and verify downloads it from there', async () => {
    objects.set('/bucket/p.tgz', archive.bytes)
    const url = `${base}/bucket/p.tgz`
    const dir = policyFolder(tmp.dir, 'policy', {
      kind: 's3',
      bucket: 'bucket',
      key: 'p.tgz',
      url,
      sha256: archive.sha256,
      bytes: archive.bytes.length,
      uploadedAt: new Date().toISOString(),
    })
    const flags = ['--chain-url', dev.url, '--wallet-path', wallets, '--wallet-name', 'miner', '--policy-dir', dir]
    const commit = await runMiner(['commit', '--competition', 'reach-1', ...flags], { cwd: tmp.dir })
    expect(commit.exitCode, commit.err).toBeUndefined()
    const chain = dev.client(1)
    const entry = await chain.commitment(miner.ss58)
    await chain.close()
    expect(parseCommitment(entry?.data ?? new Uint8Array())).toEqual({
      format: 'kinitro-v1-url',
      sha256: archive.sha256,
      url,
      competitionId: 'reach-1',
    })
    const verify = await runMiner(['verify', ...flags], { cwd: tmp.dir })
    expect(verify.exitCode, verify.out + verify.err).toBeUndefined()
    expect(verify.out).toMatch(new RegExp(`ok\\s+download\\s+${archive.bytes.length} bytes from ${url}`, 'u'))
    // The bucket object is overwritten with other bytes: the committed digest no longer matches.
    objects.set('/bucket/p.tgz', Buffer.concat([archive.bytes, Buffer.from('x')]))
    const after = await runMiner(['verify', ...flags], { cwd: tmp.dir })
    expect(after).toMatchObject({ exitCode: 1, code: 'MINER_COMMIT_VERIFY_FAILED' })
  })

  it('reports a read-back that differs from what was sent (a racing commit)', async () => {
    const real = dev.client(1)
    // The chain as seen when another commit from the same hotkey lands right after ours.
    const racing: Chain = Object.create(real, {
      setCommitment: {
        value: async (signer: Hotkey, data: Uint8Array) => {
          const receipt = await real.setCommitment(signer, data)
          await real.setCommitment(signer, new TextEncoder().encode('k1:other/policy@abcdef1'))
          return receipt
        },
      },
    })
    try {
      const err = await submitCommitment({
        chain: racing,
        hotkey: racer,
        text: 'k1:alice/reach@abcdef1',
        readbackAttempts: 2,
        readbackDelayMs: 10,
      }).catch((e: unknown) => e)
      expect(err).toBeInstanceOf(CommitError)
      expect((err as CommitError).meta).toMatchObject({
        code: 'MINER_COMMIT_READBACK_MISMATCH',
        expected: 'k1:alice/reach@abcdef1',
        found: 'k1:other/policy@abcdef1',
      })
    } finally {
      await real.close()
    }
  })
})
