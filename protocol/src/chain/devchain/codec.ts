/**
 * JSON with bigints, for the dev chain's wire and its SQLite snapshot: a bigint becomes `{"$n":"123"}`.
 * A tagged object (not a bare string) keeps a numeric-looking string field from turning into a bigint.
 */

/** `JSON.stringify` that keeps bigints. */
export function stringify(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? { $n: v.toString() } : v))
}

/** `JSON.parse` that restores what {@link stringify} wrote. */
export function parse<T = unknown>(text: string): T {
  return JSON.parse(text, (_key, v: unknown) => {
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
      const o = v as Record<string, unknown>
      const keys = Object.keys(o)
      if (keys.length === 1 && keys[0] === '$n' && typeof o.$n === 'string' && /^-?\d+$/.test(o.$n)) return BigInt(o.$n)
    }
    return v
  }) as T
}

/** 0x hex of bytes. */
export function toHex(bytes: Uint8Array): string {
  return `0x${Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex')}`
}

/** Bytes of 0x hex (validated by the caller's schema). */
export function fromHex(hex: string): Uint8Array {
  return new Uint8Array(Buffer.from(hex.slice(2), 'hex'))
}
