import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { b85decode, b85encode, CommitmentError } from '../../../src/commitments/index.js'

const enc = new TextEncoder()
const bytes = (...xs: number[]) => new Uint8Array(xs)

// Vectors from CPython's Lib/test/test_base64.py (test_b85encode / test_b85decode), i.e. what
// `base64.b85encode` produces with the RFC 1924 alphabet the reference used.
const PYTHON_VECTORS: Array<[Uint8Array, string]> = [
  [bytes(), ''],
  [enc.encode('www.python.org'), 'cXxL#aCvlSZ*DGca%T'],
  [enc.encode('no padding..'), 'Zf_uPVPs@!Zf7no'],
  [enc.encode('zero compression\x00\x00\x00\x00'), 'dS!BNAY*TBaB^jHb7^mG00000'],
  [enc.encode('zero compression\x00\x00\x00'), 'dS!BNAY*TBaB^jHb7^mG0000'],
  [enc.encode('Boundary:\x00\x00\x00\x00'), 'LT`0$WMOi7IsgCw00'],
  [enc.encode('Space compr:    '), 'Q*dEpWgug3ZE$irARr(h'],
  [bytes(0xff), '{{'],
  [bytes(0xff, 0xff), '|Nj'],
  [bytes(0xff, 0xff, 0xff), '|Ns9'],
  [bytes(0xff, 0xff, 0xff, 0xff), '|NsC0'],
  [enc.encode('this is a test'), 'bZBXFAZc?TVIXv6b94'],
]

describe('b85encode / b85decode (Python alphabet)', () => {
  it('matches CPython test vectors both ways', () => {
    for (const [raw, text] of PYTHON_VECTORS) {
      expect(b85encode(raw), `encode ${text}`).toBe(text)
      expect(b85decode(text), `decode ${text}`).toEqual(raw)
    }
  })

  it('encodes bytes 0..255 like CPython (first 40 characters of its vector)', () => {
    const all = new Uint8Array(256).map((_, i) => i)
    expect(b85encode(all).slice(0, 40)).toBe('009C61O)~M2nh-c3=Iws5D^j+6crX17#SKH9337X')
  })

  it('derives a one-byte group by hand: 0x00 → "00"', () => {
    // 0x00000000 → digits 0,0,0,0,0; two of three padding characters dropped → "00".
    expect(b85encode(bytes(0))).toBe('00')
    expect(b85decode('00')).toEqual(bytes(0))
  })

  it('rejects characters outside the alphabet with their position', () => {
    try {
      b85decode('abc"e')
      expect.unreachable()
    } catch (err) {
      expect(err).toBeInstanceOf(CommitmentError)
      expect((err as CommitmentError).meta).toEqual({
        code: 'COMMITMENT_BASE85_INVALID',
        position: 3,
        reason: 'character',
      })
    }
  })

  it('rejects a group worth more than 2^32 - 1 (Python: "base85 overflow")', () => {
    expect(() => b85decode('~~~~~')).toThrow(/overflow/)
  })

  it('round-trips arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (data) => {
        expect(b85decode(b85encode(data))).toEqual(data)
      }),
    )
  })
})
