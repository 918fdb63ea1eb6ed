import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  buildCommitment,
  type Commitment,
  CommitmentError,
  MAX_COMMITMENT_BYTES,
  parseCommitment,
} from '../../../src/commitments/index.js'
import { artifactOf } from '../../../src/jobs/artifact.js'

const HEX = '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08'
const B64 = Buffer.from(HEX, 'hex').toString('base64url')

function metaOf(fn: () => unknown): unknown {
  try {
    fn()
  } catch (err) {
    if (err instanceof CommitmentError) return err.meta
    throw err
  }
  return 'no error'
}

describe('k1u: the URL commitment', () => {
  it('reads digest, competition and a URL that keeps its own colons', () => {
    expect(parseCommitment(`k1u:${B64}/reach-2026:https://pub-1.r2.dev:8443/k/p.tar.gz`)).toEqual({
      format: 'kinitro-v1-url',
      sha256: HEX,
      competitionId: 'reach-2026',
      url: 'https://pub-1.r2.dev:8443/k/p.tar.gz',
    })
    expect(parseCommitment(`k1u:${B64}:https://h.example/a`)).toEqual({
      format: 'kinitro-v1-url',
      sha256: HEX,
      url: 'https://h.example/a',
    })
  })

  it('is never read as the reference colon format (digest:https://… would split like repo:rev:deployment)', () => {
    const text = `k1u:${B64}:https://h.example/a`
    expect(parseCommitment(text).format).toBe('kinitro-v1-url')
    // Other one-letter variants are reserved, not colon-split.
    expect(parseCommitment(`k1x:${B64}:https://h.example/a`)).toMatchObject({ reason: 'unsupported-version' })
  })

  it('parses http:// (tests) but builds it only when asked', () => {
    const c: Commitment = { format: 'kinitro-v1-url', sha256: HEX, url: 'http://127.0.0.1:9000/b/p.tar.gz' }
    expect(parseCommitment(`k1u:${B64}:http://127.0.0.1:9000/b/p.tar.gz`)).toEqual(c)
    expect(metaOf(() => buildCommitment(c))).toMatchObject({ code: 'COMMITMENT_FIELD_INVALID', field: 'url' })
    expect(buildCommitment(c, { allowHttpUrl: true })).toBe(`k1u:${B64}:http://127.0.0.1:9000/b/p.tar.gz`)
  })

  it('refuses bad digests, competitions and URLs when parsing and when building', () => {
    const bad = [
      `k1u:${B64.slice(1)}:https://h.example/a`,
      `k1u:${B64}/:https://h.example/a`,
      `k1u:${B64}/a/b:https://h.example/a`,
      `k1u:${B64}/-x:https://h.example/a`,
      `k1u:${B64}:ftp://h.example/a`,
      `k1u:${B64}:s3://bucket/key`,
      `k1u:${B64}:https://h.example/a b`,
      `k1u:${B64}:https://user:pw@h.example/a`,
      `k1u:${B64}:https://`,
      `k1u:${B64}:https://h.example/é`,
      `k1u:${B64}:`,
    ]
    for (const text of bad)
      expect(parseCommitment(text), text).toMatchObject({ format: 'invalid', reason: 'bad-field' })
    expect(parseCommitment(`k1u:${B64}`)).toMatchObject({ format: 'invalid', reason: 'missing-field' })
    expect(
      metaOf(() => buildCommitment({ format: 'kinitro-v1-url', sha256: 'AB'.repeat(32), url: 'https://h/a' })),
    ).toMatchObject({ field: 'sha256' })
    expect(
      metaOf(() =>
        buildCommitment({ format: 'kinitro-v1-url', sha256: HEX, url: 'https://h/a', competitionId: 'a/b' }),
      ),
    ).toMatchObject({ field: 'competitionId' })
  })

  it('fits a URL of 80 bytes without a competition, and not 81', () => {
    const url = (n: number) => `https://h.example/${'a'.repeat(n - 'https://h.example/'.length)}`
    const fits = buildCommitment({ format: 'kinitro-v1-url', sha256: HEX, url: url(80) })
    expect(Buffer.byteLength(fits)).toBe(MAX_COMMITMENT_BYTES)
    expect(metaOf(() => buildCommitment({ format: 'kinitro-v1-url', sha256: HEX, url: url(81) }))).toMatchObject({
      code: 'COMMITMENT_TOO_LONG',
      bytes: 129,
    })
  })

  it('is identified for jobs by its digest and competition, not its URL', () => {
    const at = (url: string, comp?: string) =>
      artifactOf({
        format: 'kinitro-v1-url',
        sha256: HEX,
        url,
        ...(comp === undefined ? {} : { competitionId: comp }),
      })
    const a = at('https://one.example/p.tar.gz', 'c1')
    expect(a?.competitionId).toBe('c1')
    expect(at('https://two.example/x', 'c1')?.digest).toBe(a?.digest)
    expect(artifactOf(`k1u:${B64}/c1:https://one.example/p.tar.gz`)).toEqual(a)
    const other = artifactOf({ format: 'kinitro-v1-url', sha256: 'ab'.repeat(32), url: 'https://one.example/p.tar.gz' })
    expect(other?.digest).not.toBe(a?.digest)
  })

  it('round-trips build → parse for generated commitments whenever they fit', () => {
    const hex = fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 64, maxLength: 64 })
    const idChar = fc.constantFrom(...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-')
    const alnum = fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789')
    const comp = fc.option(
      fc.tuple(alnum, fc.string({ unit: idChar, maxLength: 31 })).map(([a, b]) => a + b),
      { nil: undefined },
    )
    // fast-check's web URLs are valid and ASCII; keep https ones without credentials.
    const url = fc
      .webUrl({ validSchemes: ['https'], withQueryParameters: true, withFragments: true })
      .filter((u) => /^[\x21-\x7e]+$/u.test(u) && new URL(u).username === '' && new URL(u).password === '')
    fc.assert(
      fc.property(hex, url, comp, (sha256, u, competitionId) => {
        const c: Commitment =
          competitionId === undefined
            ? { format: 'kinitro-v1-url', sha256, url: u }
            : { format: 'kinitro-v1-url', sha256, url: u, competitionId }
        let text: string
        try {
          text = buildCommitment(c)
        } catch (err) {
          expect((err as CommitmentError).code).toBe('COMMITMENT_TOO_LONG')
          return
        }
        expect(parseCommitment(text)).toEqual(c)
      }),
      { numRuns: 300 },
    )
  })

  it('never throws on garbage after the k1u: prefix', () => {
    const tail = fc.oneof(
      fc.string({ maxLength: 200 }),
      fc.string({ unit: fc.constantFrom(...':/@#%?.-_aZ09 \u00e9\u0000'), maxLength: 120 }),
      fc.string({ unit: 'binary', maxLength: 120 }),
    )
    fc.assert(
      fc.property(tail, (t) => {
        const out = parseCommitment(`k1u:${t}`)
        expect(['kinitro-v1-url', 'invalid']).toContain(out.format)
        const again = parseCommitment(`k1u:${B64}:${t}`)
        expect(['kinitro-v1-url', 'invalid']).toContain(again.format)
      }),
      { numRuns: 500 },
    )
  })
})
