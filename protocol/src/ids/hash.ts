import { createHash } from 'node:crypto'
import { fromString } from 'uint8arrays/from-string'

/** SHA-256 of the concatenation of `parts`, as a plain Uint8Array (not a Buffer, so deep equality works). */
export function sha256(...parts: Uint8Array[]): Uint8Array {
  const h = createHash('sha256')
  for (const p of parts) h.update(p)
  const d = h.digest()
  return new Uint8Array(d.buffer, d.byteOffset, d.length)
}

/** Big-endian u16. */
export function u16be(n: number): Uint8Array {
  return Uint8Array.of((n >>> 8) & 0xff, n & 0xff)
}

/** Big-endian u32. */
export function u32be(n: number): Uint8Array {
  const out = new Uint8Array(4)
  new DataView(out.buffer).setUint32(0, n)
  return out
}

/** Big-endian u64 from a non-negative safe integer or bigint. */
export function u64be(n: number | bigint): Uint8Array {
  const out = new Uint8Array(8)
  new DataView(out.buffer).setBigUint64(0, BigInt(n))
  return out
}

/** A byte string prefixed with its length as a big-endian u32, so concatenations stay unambiguous. */
export function lengthPrefixed(bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + bytes.length)
  new DataView(out.buffer).setUint32(0, bytes.length)
  out.set(bytes, 4)
  return out
}

/** A UTF-8 string, length-prefixed (see {@link lengthPrefixed}). */
export function lengthPrefixedUtf8(text: string): Uint8Array {
  return lengthPrefixed(fromString(text, 'utf8'))
}
