import { createHash } from 'node:crypto'

/** Domain tag hashed before the canonical input, so this digest never collides with other hashes. */
export const INPUTS_DIGEST_DOMAIN = 'kinitro/v1/scoring-inputs\n'

/**
 * JSON with object keys sorted at every level and `undefined` members dropped. Numbers use JavaScript's
 * shortest round-trip form, identical on every peer.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'number' && !Number.isFinite(value))
      throw new RangeError('non-finite number in canonical JSON')
    return JSON.stringify(value) ?? 'null'
  }
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`
}

/**
 * SHA-256 (hex) of the domain tag, the canonical JSON of `doc`, then `\n` and each of `lines` in turn
 * (callers pass them already canonical and sorted).
 */
export function digestOf(doc: unknown, lines: readonly string[] = []): string {
  const hash = createHash('sha256').update(INPUTS_DIGEST_DOMAIN).update(canonicalJson(doc))
  for (const line of lines) hash.update('\n').update(line)
  return hash.digest('hex')
}
