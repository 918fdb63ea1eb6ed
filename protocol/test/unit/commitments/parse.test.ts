import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { parseCommitment } from '../../../src/commitments/index.js'

const UUID = '95edf2b6-e18b-400a-8398-5573df10e5e4'
const BLOB = 'R}^-g5o`BkHm-EMc|9yJtr-Kwn#CtL1;^rPi$M%FuJGXlY6;#{$-5p(N%iBrX%e3ZE+u8<6$O_`iY!q9'
const PK = '07a37cbc142093c8b755dc1b10e86cb426374ad16aa853ed0bdfc0b2b86d1c7c'

describe('parseCommitment: reference colon format (kinitro.md C.4)', () => {
  it('reads repo:rev8:deployment_id (reference test_legacy_commitment_format)', () => {
    expect(parseCommitment(`user/policy:abc123:${UUID}`)).toEqual({
      format: 'repo-rev',
      repo: 'user/policy',
      revision: 'abc123',
      deployment: { kind: 'plain', id: UUID },
    })
  })

  it('reads repo:rev8:e:<blob> as encrypted (reference test_legacy_encrypted_format)', () => {
    expect(parseCommitment(`user/policy:abc123:e:${BLOB}`)).toEqual({
      format: 'repo-rev',
      repo: 'user/policy',
      revision: 'abc123',
      deployment: { kind: 'encrypted', blob: BLOB },
    })
  })

  it('splits at most 3 times: the fourth part keeps any further colons', () => {
    expect(parseCommitment('r/m:abcd1234:e:x:y')).toMatchObject({ deployment: { kind: 'encrypted', blob: 'x:y' } })
  })

  it('third part "e" without a fourth is a plain deployment named "e"; a fourth after a non-e third is ignored', () => {
    expect(parseCommitment('r/m:abcd1234:e')).toMatchObject({ deployment: { kind: 'plain', id: 'e' } })
    expect(parseCommitment('r/m:abcd1234:dep:docker/img')).toMatchObject({ deployment: { kind: 'plain', id: 'dep' } })
  })

  it('reads the NEW-3 bare deployment id and e:<blob> (reference test_plain_commitment_still_works)', () => {
    expect(parseCommitment(UUID)).toEqual({ format: 'deployment', deployment: { kind: 'plain', id: UUID } })
    expect(parseCommitment(`e:${BLOB}`)).toEqual({
      format: 'deployment',
      deployment: { kind: 'encrypted', blob: BLOB },
    })
  })

  it('rejects two parts, empty fields, and e: without a blob', () => {
    expect(parseCommitment('a:b')).toMatchObject({ format: 'invalid', reason: 'too-few-parts' })
    expect(parseCommitment(':abcd1234:dep')).toMatchObject({ format: 'invalid', reason: 'missing-field' })
    expect(parseCommitment('r/m:abcd1234:')).toMatchObject({ format: 'invalid', reason: 'missing-field' })
    expect(parseCommitment('e:')).toMatchObject({ format: 'invalid', reason: 'missing-field' })
    expect(parseCommitment('')).toMatchObject({ format: 'invalid', reason: 'empty' })
  })
})

describe('parseCommitment: JSON formats', () => {
  it('reads the OLD ChainCommitment JSON, with and without v', () => {
    expect(parseCommitment('{"provider":"HF","comp_id":"c1","repo_id":"u/m","v":"1.0"}')).toEqual({
      format: 'old-json',
      provider: 'HF',
      competitionId: 'c1',
      repoId: 'u/m',
      version: '1.0',
    })
    expect(parseCommitment('{"provider":"S3","comp_id":"c1","repo_id":"123","extra":1}')).toMatchObject({
      format: 'old-json',
      provider: 'S3',
    })
    expect(parseCommitment('{"provider":"GCS","comp_id":"c1","repo_id":"x"}')).toMatchObject({ reason: 'bad-field' })
  })

  it('reads NEW-1 compact and long-key JSON, plain and encrypted', () => {
    expect(parseCommitment(`{"m":"u/m","r":"abc","d":"${UUID}"}`)).toEqual({
      format: 'new-json',
      keys: 'short',
      repo: 'u/m',
      revision: 'abc',
      deployment: { kind: 'plain', id: UUID },
    })
    expect(parseCommitment(`{"m":"u/m","r":"abc","e":"${BLOB}"}`)).toMatchObject({
      deployment: { kind: 'encrypted', blob: BLOB },
    })
    expect(parseCommitment(`{"model":"u/m","revision":"abc","deployment_id":"https://x.example/"}`)).toEqual({
      format: 'new-json',
      keys: 'long',
      repo: 'u/m',
      revision: 'abc',
      deployment: { kind: 'plain', id: 'https://x.example/' },
    })
    expect(parseCommitment('{"m":"u/m","r":"abc"}')).toMatchObject({ reason: 'missing-field' })
  })

  it('reads backend public-key commitments in both spellings', () => {
    expect(parseCommitment(`{"t":"pk","k":"${PK.toUpperCase()}"}`)).toEqual({
      format: 'backend-pubkey',
      keys: 'short',
      publicKey: PK,
    })
    expect(parseCommitment(`{"type":"backend_pubkey","key":"${PK}"}`)).toMatchObject({ keys: 'long', publicKey: PK })
    expect(parseCommitment('{"t":"pk","k":"abcd"}')).toMatchObject({ reason: 'bad-field' })
  })

  it('treats unknown or broken JSON as invalid instead of colon-splitting it', () => {
    expect(parseCommitment('{"a":"b","c":"d"}')).toMatchObject({ format: 'invalid', reason: 'unrecognised-json' })
    expect(parseCommitment('{not json')).toMatchObject({ format: 'invalid', reason: 'unrecognised-json' })
    expect(parseCommitment('[1,2]')).toMatchObject({ format: 'deployment' })
  })
})

describe('parseCommitment: k1 and bytes', () => {
  it('reads k1 with and without a competition', () => {
    expect(parseCommitment('k1:alice/reach@3f2a9c1:reach-2026')).toEqual({
      format: 'kinitro-v1',
      repo: 'alice/reach',
      revision: '3f2a9c1',
      competitionId: 'reach-2026',
    })
    expect(parseCommitment('k1:alice/reach@3f2a9c1')).toEqual({
      format: 'kinitro-v1',
      repo: 'alice/reach',
      revision: '3f2a9c1',
    })
  })

  it('reads the optional artifact digest (SHA-256, unpadded base64url) between revision and competition', () => {
    const hex = '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08'
    const b64 = Buffer.from(hex, 'hex').toString('base64url')
    expect(b64).toHaveLength(43)
    expect(parseCommitment(`k1:alice/reach@3f2a9c1e0b7d#${b64}:reach-2026`)).toEqual({
      format: 'kinitro-v1',
      repo: 'alice/reach',
      revision: '3f2a9c1e0b7d',
      sha256: hex,
      competitionId: 'reach-2026',
    })
    expect(parseCommitment(`k1:alice/reach@3f2a9c1#${b64}`)).toMatchObject({ sha256: hex })
    // Short, padded, or non-canonical (spare low bits set) digests are not digests.
    expect(parseCommitment(`k1:alice/reach@3f2a9c1#${b64.slice(1)}`)).toMatchObject({
      format: 'invalid',
      reason: 'bad-field',
    })
    expect(parseCommitment(`k1:alice/reach@3f2a9c1#${b64}=`)).toMatchObject({ format: 'invalid', reason: 'bad-field' })
    expect(parseCommitment(`k1:alice/reach@3f2a9c1#${b64.slice(0, 42)}9`)).toMatchObject({ format: 'invalid' })
    expect(parseCommitment('k1:alice/reach@3f2a9c1#')).toMatchObject({ format: 'invalid', reason: 'bad-field' })
  })

  it('rejects malformed k1 and reserves other version tags', () => {
    expect(parseCommitment('k1:alice/reach@XYZ')).toMatchObject({ format: 'invalid', reason: 'bad-field' })
    expect(parseCommitment('k1:alice/reach')).toMatchObject({ format: 'invalid', reason: 'missing-field' })
    expect(parseCommitment('k2:alice/reach@3f2a9c1:x')).toMatchObject({
      format: 'invalid',
      reason: 'unsupported-version',
    })
  })

  it('decodes bytes as UTF-8 and rejects invalid UTF-8 or oversize input', () => {
    expect(parseCommitment(new TextEncoder().encode(`u/m:abcd1234:${UUID}`))).toMatchObject({ format: 'repo-rev' })
    expect(parseCommitment(new Uint8Array([0xff, 0xfe]))).toMatchObject({ format: 'invalid', reason: 'not-utf8' })
    expect(parseCommitment(new Uint8Array(513).fill(0x61))).toMatchObject({ format: 'invalid', reason: 'too-long' })
  })

  it('never throws on arbitrary strings or bytes', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 600 }), fc.string({ unit: 'binary', maxLength: 200 })), (s) => {
        expect(typeof parseCommitment(s).format).toBe('string')
      }),
    )
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (b) => {
        expect(typeof parseCommitment(b).format).toBe('string')
      }),
    )
    const jsonish = fc.json().map((j) => j)
    fc.assert(
      fc.property(jsonish, (j) => {
        expect(typeof parseCommitment(j).format).toBe('string')
      }),
    )
  })
})
