import { describe, expect, it } from 'vitest'
import { CommitmentError, decryptDeploymentId, generateX25519KeyPair, parseCommitment } from '#protocol'
import { buildMinerCommitment, buildReferenceCommitment } from '../../src/commit/build.js'
import { CommitError } from '../../src/commit/errors.js'
import type { UploadReceipt } from '../../src/commit/receipt.js'

const SHA = '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08'
const AT = '2026-11-26T00:00:00.000Z'
const REV = '0123456789abcdef0123456789abcdef01234567'
const UUID = '95edf2b6-e18b-400a-8398-5573df10e5e4'
const hf = (repo = 'alice/reach'): UploadReceipt => ({
  kind: 'hf',
  repo,
  revision: REV,
  file: 'policy.tar.gz',
  sha256: SHA,
  bytes: 10,
  url: `https://huggingface.co/${repo}/resolve/${REV}/policy.tar.gz`,
  uploadedAt: AT,
})
const s3 = (url: string): UploadReceipt => ({
  kind: 's3',
  bucket: 'b',
  key: 'k',
  url,
  sha256: SHA,
  bytes: 10,
  uploadedAt: AT,
})

function thrown(fn: () => unknown): CommitError | CommitmentError {
  try {
    fn()
  } catch (err) {
    if (err instanceof CommitError || err instanceof CommitmentError) return err
    throw err
  }
  throw new Error('expected an error')
}

describe('buildMinerCommitment', () => {
  it('HF receipt → k1 with the full revision and the digest, competition optional', () => {
    const text = buildMinerCommitment(hf(), { competition: 'reach-1' })
    expect(parseCommitment(text)).toEqual({
      format: 'kinitro-v1',
      repo: 'alice/reach',
      revision: REV,
      sha256: SHA,
      competitionId: 'reach-1',
    })
    expect(parseCommitment(buildMinerCommitment(hf()))).not.toHaveProperty('competitionId')
  })

  it('S3 receipt with a public https URL → k1u; http only on loopback; s3:// never', () => {
    const url = 'https://pub-1.r2.dev/k/p.tgz'
    expect(parseCommitment(buildMinerCommitment(s3(url), { competition: 'c1' }))).toEqual({
      format: 'kinitro-v1-url',
      sha256: SHA,
      url,
      competitionId: 'c1',
    })
    expect(parseCommitment(buildMinerCommitment(s3('http://127.0.0.1:9000/b/k')))).toMatchObject({
      url: 'http://127.0.0.1:9000/b/k',
    })
    expect(thrown(() => buildMinerCommitment(s3('http://bucket.example.com/k'))).code).toBe(
      'MINER_COMMIT_URL_NOT_PUBLIC',
    )
    expect(thrown(() => buildMinerCommitment(s3('s3://b/k'))).code).toBe('MINER_COMMIT_URL_NOT_PUBLIC')
  })

  it('MINER_COMMIT_TOO_LARGE counts the bytes over and sizes each part that could absorb them', () => {
    // 88 fixed + 40-byte repo + ':' + 10-byte competition = 139: 11 over, which dropping ':' + competition absorbs.
    const err = thrown(() => buildMinerCommitment(hf(`alice/${'r'.repeat(34)}`), { competition: 'c'.repeat(10) }))
    expect(err.meta).toEqual({
      code: 'MINER_COMMIT_TOO_LARGE',
      bytes: 139,
      limit: 128,
      over: 11,
      format: 'kinitro-v1',
      parts: { repo: 40, competition: 10 },
    })
    expect(err.message).toContain('shorten the repo name from 40 to at most 29 bytes, or drop the competition id')
    // One byte more and the competition alone cannot make room.
    const more = thrown(() => buildMinerCommitment(hf(`alice/${'r'.repeat(35)}`), { competition: 'c'.repeat(10) }))
    expect(more.message).not.toContain('competition')
    // k1u: 48 fixed + 90-byte URL = 138, 10 over.
    const url = `https://h.example/${'k'.repeat(72)}`
    const u = thrown(() => buildMinerCommitment(s3(url)))
    expect(u.meta).toMatchObject({ code: 'MINER_COMMIT_TOO_LARGE', bytes: 138, over: 10, parts: { url: 90 } })
    expect(u.message).toContain('shorten the URL from 90 to at most 80 bytes')
  })

  it('a malformed competition id is the protocol’s field error, not a size error', () => {
    expect(thrown(() => buildMinerCommitment(hf(), { competition: 'bad id' })).code).toBe('COMMITMENT_FIELD_INVALID')
  })
})

describe('buildReferenceCommitment', () => {
  it('writes repo:rev8:deployment in the clear', () => {
    expect(buildReferenceCommitment(hf(), { deploymentId: UUID })).toBe(`alice/reach:${REV.slice(0, 8)}:${UUID}`)
  })

  it('with a backend key writes repo:rev8:e:<base85> that the backend’s private key opens', () => {
    const pair = generateX25519KeyPair()
    const text = buildReferenceCommitment(hf(), {
      deploymentId: UUID,
      backendPublicKey: Buffer.from(pair.publicKey).toString('hex'),
    })
    const parsed = parseCommitment(text)
    if (parsed.format !== 'repo-rev' || parsed.deployment.kind !== 'encrypted') throw new Error(text)
    expect(decryptDeploymentId(parsed.deployment.blob, pair.privateKey)).toBe(UUID)
    expect(
      thrown(() =>
        decryptDeploymentId(
          parsed.deployment.kind === 'encrypted' ? parsed.deployment.blob : '',
          generateX25519KeyPair().privateKey,
        ),
      ).code,
    ).toBe('COMMITMENT_DECRYPT_FAILED')
  })

  it('refuses an S3 receipt (the reference format names a repo)', () => {
    expect(thrown(() => buildReferenceCommitment(s3('https://h/k'), { deploymentId: UUID })).code).toBe(
      'MINER_COMMIT_OPTIONS_INVALID',
    )
  })
})
