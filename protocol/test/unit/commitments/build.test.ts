import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  buildCommitment,
  type Commitment,
  CommitmentError,
  encodeCommitment,
  MAX_COMMITMENT_BYTES,
  parseCommitment,
} from '../../../src/commitments/index.js'

const UUID = '95edf2b6-e18b-400a-8398-5573df10e5e4'
const BLOB = 'R}^-g5o`BkHm-EMc|9yJtr-Kwn#CtL1;^rPi$M%FuJGXlY6;#{$-5p(N%iBrX%e3ZE+u8<6$O_`iY!q9'
const PK = '07a37cbc142093c8b755dc1b10e86cb426374ad16aa853ed0bdfc0b2b86d1c7c'

function metaOf(fn: () => unknown): unknown {
  try {
    fn()
  } catch (err) {
    if (err instanceof CommitmentError) return err.meta
    throw err
  }
  return 'no error'
}

const EVERY_FORMAT: Commitment[] = [
  { format: 'old-json', provider: 'HF', competitionId: 'c1', repoId: 'alice/m', version: 'v-1' },
  { format: 'old-json', provider: 'S3', competitionId: 'c1', repoId: '7339582374' },
  { format: 'new-json', keys: 'short', repo: 'alice/m', revision: 'abc12345', deployment: { kind: 'plain', id: UUID } },
  {
    format: 'new-json',
    keys: 'short',
    repo: 'alice/m',
    revision: 'abc12345',
    deployment: { kind: 'encrypted', blob: BLOB },
  },
  { format: 'new-json', keys: 'long', repo: 'alice/m', revision: 'abc12345', deployment: { kind: 'plain', id: UUID } },
  { format: 'repo-rev', repo: 'alice/m', revision: 'abc12345', deployment: { kind: 'plain', id: UUID } },
  { format: 'repo-rev', repo: 'alice/m', revision: 'abc12345', deployment: { kind: 'encrypted', blob: BLOB } },
  { format: 'deployment', deployment: { kind: 'plain', id: UUID } },
  { format: 'deployment', deployment: { kind: 'encrypted', blob: BLOB } },
  { format: 'backend-pubkey', keys: 'short', publicKey: PK },
  { format: 'backend-pubkey', keys: 'long', publicKey: PK },
  { format: 'kinitro-v1', repo: 'alice/reach', revision: 'abcdef1234567890abcdef1234567890abcdef12' },
  { format: 'kinitro-v1', repo: 'alice/reach', revision: '3f2a9c1', competitionId: 'reach-2026' },
  {
    format: 'kinitro-v1',
    repo: 'alice/reach',
    revision: '3f2a9c1e0b7d',
    competitionId: 'reach-2026',
    sha256: '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08',
  },
  {
    format: 'kinitro-v1-url',
    sha256: '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08',
    url: 'https://pub-1.r2.dev/k/p.tar.gz',
    competitionId: 'reach-2026',
  },
]

describe('buildCommitment', () => {
  it('round-trips build → parse for every format', () => {
    for (const c of EVERY_FORMAT) expect(parseCommitment(buildCommitment(c)), JSON.stringify(c)).toEqual(c)
  })

  it('writes the exact texts the reference wrote', () => {
    const byFormat = (format: string, i = 0) => EVERY_FORMAT.filter((c) => c.format === format)[i] as Commitment
    expect(buildCommitment(byFormat('old-json', 1))).toBe('{"provider":"S3","comp_id":"c1","repo_id":"7339582374"}')
    expect(buildCommitment(byFormat('new-json'))).toBe(`{"m":"alice/m","r":"abc12345","d":"${UUID}"}`)
    expect(buildCommitment(byFormat('repo-rev', 1))).toBe(`alice/m:abc12345:e:${BLOB}`)
    expect(buildCommitment(byFormat('backend-pubkey'))).toBe(`{"t":"pk","k":"${PK}"}`)
    // json.dumps(ensure_ascii=True) escapes non-ASCII in the NEW-1 JSON.
    expect(
      buildCommitment({
        format: 'new-json',
        keys: 'short',
        repo: 'u/é',
        revision: 'r',
        deployment: { kind: 'plain', id: 'd' },
      }),
    ).toBe('{"m":"u/\\u00e9","r":"r","d":"d"}')
  })

  it('cannot fit an encrypted blob in long-key JSON (the reference only sealed into short keys)', () => {
    const c: Commitment = {
      format: 'new-json',
      keys: 'long',
      repo: 'a/m',
      revision: 'abc',
      deployment: { kind: 'encrypted', blob: BLOB },
    }
    expect(metaOf(() => buildCommitment(c))).toMatchObject({ code: 'COMMITMENT_TOO_LONG' })
    const parsed = parseCommitment(`{"model":"a/m","revision":"abc","encrypted_endpoint":"${BLOB}"}`)
    expect(parsed).toEqual(c)
  })

  it('keeps only 8 revision characters in the colon format, like the reference', () => {
    const text = buildCommitment({
      format: 'repo-rev',
      repo: 'alice/m',
      revision: 'abcdef1234567890',
      deployment: { kind: 'plain', id: UUID },
    })
    expect(text).toBe(`alice/m:abcdef12:${UUID}`)
  })

  it('enforces 128 bytes, counting UTF-8 bytes rather than characters', () => {
    const id = 'ü'.repeat(60) // 60 characters, 120 bytes
    const c: Commitment = { format: 'repo-rev', repo: 'a/b', revision: 'abcd1234', deployment: { kind: 'plain', id } }
    expect(`a/b:abcd1234:${id}`.length).toBeLessThanOrEqual(MAX_COMMITMENT_BYTES)
    expect(metaOf(() => buildCommitment(c))).toEqual({ code: 'COMMITMENT_TOO_LONG', bytes: 133, limit: 128 })
    const ok: Commitment = { format: 'kinitro-v1', repo: `a/${'b'.repeat(82)}`, revision: 'f'.repeat(40) }
    expect(encodeCommitment(ok)).toHaveLength(128)
    expect(metaOf(() => buildCommitment({ ...ok, repo: `a/${'b'.repeat(83)}` }))).toMatchObject({ bytes: 129 })
  })

  it('encrypted colon commitments leave 36 bytes for the repo (kinitro.md C.4 budget)', () => {
    const mk = (n: number): Commitment => ({
      format: 'repo-rev',
      repo: `a/${'r'.repeat(n - 2)}`,
      revision: 'abcd1234',
      deployment: { kind: 'encrypted', blob: BLOB },
    })
    expect(encodeCommitment(mk(36))).toHaveLength(128)
    expect(metaOf(() => buildCommitment(mk(37)))).toMatchObject({ code: 'COMMITMENT_TOO_LONG' })
  })

  it('names forbidden characters: ":" in colon fields, whitespace and controls anywhere', () => {
    expect(
      metaOf(() =>
        buildCommitment({ format: 'repo-rev', repo: 'a:b', revision: 'r', deployment: { kind: 'plain', id: 'd' } }),
      ),
    ).toEqual({ code: 'COMMITMENT_FORBIDDEN_CHARACTER', field: 'repo', character: ':', index: 1 })
    expect(
      metaOf(() => buildCommitment({ format: 'deployment', deployment: { kind: 'plain', id: 'https://x.example' } })),
    ).toMatchObject({ field: 'deployment.id', character: ':' })
    expect(
      metaOf(() => buildCommitment({ format: 'old-json', provider: 'HF', competitionId: 'c\n1', repoId: 'x' })),
    ).toMatchObject({ code: 'COMMITMENT_FORBIDDEN_CHARACTER', field: 'competitionId', character: '\n', index: 1 })
  })

  it('rejects malformed fields with the expected shape', () => {
    expect(metaOf(() => buildCommitment({ format: 'kinitro-v1', repo: 'noslash', revision: 'abcdef1' }))).toMatchObject(
      {
        code: 'COMMITMENT_FIELD_INVALID',
        field: 'repo',
      },
    )
    expect(metaOf(() => buildCommitment({ format: 'kinitro-v1', repo: 'a/b', revision: 'ABCDEF1' }))).toMatchObject({
      field: 'revision',
    })
    expect(
      metaOf(() => buildCommitment({ format: 'deployment', deployment: { kind: 'encrypted', blob: 'abc' } })),
    ).toMatchObject({ field: 'deployment.blob' })
    expect(metaOf(() => buildCommitment({ format: 'backend-pubkey', keys: 'short', publicKey: 'ab' }))).toMatchObject({
      field: 'publicKey',
    })
    expect(
      metaOf(() => buildCommitment({ format: 'deployment', deployment: { kind: 'plain', id: '{x}' } })),
    ).toMatchObject({
      field: 'deployment.id',
    })
  })

  it('round-trips generated k1 and colon commitments whenever they fit', () => {
    const idChar = fc.constantFrom(...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-')
    const alnum = fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789')
    const part = fc.tuple(alnum, fc.string({ unit: idChar, maxLength: 30 })).map(([a, b]) => a + b)
    const repo = fc.tuple(part, part).map(([a, b]) => `${a}/${b}`)
    const rev = fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 7, maxLength: 40 })
    const comp = fc.option(
      fc.tuple(alnum, fc.string({ unit: idChar, maxLength: 31 })).map(([a, b]) => a + b),
      {
        nil: undefined,
      },
    )
    fc.assert(
      fc.property(repo, rev, comp, (r, v, c) => {
        const k1: Commitment =
          c === undefined
            ? { format: 'kinitro-v1', repo: r, revision: v }
            : { format: 'kinitro-v1', repo: r, revision: v, competitionId: c }
        let text: string
        try {
          text = buildCommitment(k1)
        } catch (err) {
          expect((err as CommitmentError).code).toBe('COMMITMENT_TOO_LONG')
          return
        }
        expect(parseCommitment(text)).toEqual(k1)
        const colon: Commitment = {
          format: 'repo-rev',
          repo: r,
          revision: v.slice(0, 8),
          deployment: { kind: 'plain', id: UUID },
        }
        if (new TextEncoder().encode(`${r}:${v.slice(0, 8)}:${UUID}`).length <= 128) {
          expect(parseCommitment(buildCommitment(colon))).toEqual(colon)
        }
      }),
    )
  })
})
