import { ArtifactError } from './errors.js'

/** Longest key we accept: S3's limit is 1024 UTF-8 bytes. */
export const MAX_KEY_BYTES = 1024

/**
 * Throws `EVAL_ARTIFACT_BAD_KEY` unless `key` is a relative `/`-separated path that means the same thing on
 * every backend: no `..`/`.` segments, no leading `/`, no empty segments, no backslashes (a Windows separator,
 * and S3 would keep it literally), no NUL or other control characters.
 */
export function assertValidKey(key: string): void {
  const reason = keyProblem(key)
  if (reason !== undefined)
    throw new ArtifactError({ code: 'EVAL_ARTIFACT_BAD_KEY', key, reason }, `bad key: ${reason}`)
}

/** Same as {@link assertValidKey} for a `list` prefix, which may be empty or end with `/`. */
export function assertValidPrefix(prefix: string): void {
  if (prefix === '') return
  assertValidKey(prefix.endsWith('/') ? prefix.slice(0, -1) : prefix)
}

function keyProblem(key: string): string | undefined {
  if (key.length === 0) return 'empty'
  if (Buffer.byteLength(key, 'utf8') > MAX_KEY_BYTES) return `longer than ${MAX_KEY_BYTES} bytes`
  // biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point
  if (/[\u0000-\u001f\u007f]/u.test(key)) return 'control character'
  if (key.includes('\\')) return 'backslash'
  if (key.startsWith('/')) return 'absolute'
  if (/^[A-Za-z]:/u.test(key)) return 'drive letter'
  for (const segment of key.split('/')) {
    if (segment === '') return 'empty segment'
    if (segment === '.' || segment === '..') return 'dot segment'
  }
  return undefined
}

/** The parts of an episode's key prefix. */
export interface EpisodeKeyParts {
  /** Validator hotkey (SS58) or another stable validator id. */
  validator: string
  cycle: number | string
  minerUid: number | string
  envId: string
  seed: number | string
}

/**
 * `runs/<validator>/<cycle>/<miner_uid>/<env_id>/<seed>/` — where one episode's files go. Every part becomes one
 * segment, so a part containing `/` or `..` is refused rather than silently nesting.
 */
export function episodeKeyPrefix(parts: EpisodeKeyParts): string {
  const segments = [parts.validator, parts.cycle, parts.minerUid, parts.envId, parts.seed].map(String)
  for (const s of segments) {
    if (s.includes('/') || s === '' || s === '.' || s === '..') {
      throw new ArtifactError({ code: 'EVAL_ARTIFACT_BAD_KEY', key: s, reason: 'bad key segment' }, 'bad key segment')
    }
  }
  const prefix = `runs/${segments.join('/')}/`
  assertValidPrefix(prefix)
  return prefix
}

/** `prefix` + `name`, accepting a prefix with or without its trailing `/`. */
export function joinKey(prefix: string, name: string): string {
  if (prefix === '') return name
  return prefix.endsWith('/') ? `${prefix}${name}` : `${prefix}/${name}`
}
