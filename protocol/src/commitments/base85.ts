import { CommitmentError } from './errors.js'

/**
 * The alphabet of Python's `base64.b85encode` (RFC 1924 order), which the reference used for encrypted
 * commitments. It has no `:` and no quote, so a blob can sit inside the colon format and inside JSON.
 */
export const B85_ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz!#$%&()*+-;<=>?@^_`{|}~'

const DIGIT_OF = new Map<string, number>([...B85_ALPHABET].map((c, i) => [c, i]))
const POW85 = [85 ** 4, 85 ** 3, 85 ** 2, 85, 1] as const
const U32_MAX = 0xffff_ffff

/**
 * Encode bytes exactly like Python's `base64.b85encode(data)` (no padding flag): each 4-byte big-endian
 * group becomes 5 characters; a short last group is zero-padded, encoded, and the extra characters dropped.
 *
 * @example
 * ```ts
 * b85encode(new TextEncoder().encode('www.python.org')) // 'cXxL#aCvlSZ*DGca%T'
 * ```
 */
export function b85encode(data: Uint8Array): string {
  const padding = (4 - (data.length % 4)) % 4
  const out: string[] = []
  for (let i = 0; i < data.length; i += 4) {
    // >>> 0 keeps the group unsigned; bitwise ops on bytes alone would go negative at 0x80.
    const value =
      (((data[i] ?? 0) << 24) | ((data[i + 1] ?? 0) << 16) | ((data[i + 2] ?? 0) << 8) | (data[i + 3] ?? 0)) >>> 0
    for (const p of POW85) out.push(B85_ALPHABET[Math.floor(value / p) % 85] as string)
  }
  return out.slice(0, out.length - padding).join('')
}

/**
 * Decode Python-b85 text, with the same rules as `base64.b85decode`: a short last group is padded with `~`,
 * and a group worth more than 2^32 − 1 is an error.
 *
 * @throws {@link CommitmentError} `COMMITMENT_BASE85_INVALID` with the offending position.
 */
export function b85decode(text: string): Uint8Array {
  const padding = (5 - (text.length % 5)) % 5
  const padded = text + '~'.repeat(padding)
  const out = new Uint8Array((padded.length / 5) * 4)
  for (let i = 0; i < padded.length; i += 5) {
    let acc = 0
    for (let j = 0; j < 5; j++) {
      const digit = DIGIT_OF.get(padded[i + j] as string)
      if (digit === undefined) {
        throw new CommitmentError(
          { code: 'COMMITMENT_BASE85_INVALID', position: i + j, reason: 'character' },
          `bad base85 character at position ${i + j}`,
        )
      }
      acc = acc * 85 + digit
    }
    if (acc > U32_MAX) {
      throw new CommitmentError(
        { code: 'COMMITMENT_BASE85_INVALID', position: i, reason: 'overflow' },
        `base85 overflow in group starting at ${i}`,
      )
    }
    const o = (i / 5) * 4
    out[o] = acc >>> 24
    out[o + 1] = (acc >>> 16) & 0xff
    out[o + 2] = (acc >>> 8) & 0xff
    out[o + 3] = acc & 0xff
  }
  return out.subarray(0, out.length - padding)
}
