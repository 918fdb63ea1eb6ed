/** Keys whose values are secrets wherever they sit, compared case-insensitively. */
const SECRET_KEYS = new Set([
  'secretphrase',
  'secretseed',
  'privatekey',
  'secretkey',
  'mnemonic',
  'token',
  'password',
  'apikey',
  'accesskey',
  'secretaccesskey',
  'authorization',
])

/** `scheme://user:pass@host…`: the userinfo of a URL (chain endpoints and database URLs carry them). */
const URL_USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)[^/\s@]+@/giu

/** What replaces a secret. */
export const REDACTED = '[redacted]'

/** Nested deeper than this is left as is (log contexts and configs are shallow; this bounds a cycle). */
const MAX_DEPTH = 8

/**
 * A copy of `value` with secrets replaced by {@link REDACTED}: the value of every key named like a secret
 * (any depth, any case), and the user and password in any URL inside a string. Plain objects and arrays
 * are copied; everything else (errors, byte arrays, dates) is returned as is.
 *
 * One rule for log lines and for config dumps: pino's path-based redaction only reaches the depths it is
 * told, and a config printed for a bug report is as public as a log.
 */
export function redactSecrets<T>(value: T, depth = 0): T {
  if (typeof value === 'string') return value.replace(URL_USERINFO, `$1${REDACTED}@`) as T
  if (depth >= MAX_DEPTH || value === null || typeof value !== 'object') return value
  if (Array.isArray(value)) return value.map((v) => redactSecrets(v, depth + 1)) as T
  const proto = Object.getPrototypeOf(value)
  if (proto !== Object.prototype && proto !== null) return value
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(value)) {
    out[k] = SECRET_KEYS.has(k.toLowerCase()) && v !== undefined && v !== null ? REDACTED : redactSecrets(v, depth + 1)
  }
  return out as T
}
