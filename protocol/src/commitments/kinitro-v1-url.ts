/**
 * The URL variant of our format, `k1u`, for a policy archive the miner serves from storage it controls
 * (its own S3/R2 bucket behind a public https URL) instead of a Hugging Face repo:
 *
 * ```
 * k1u:<artifact digest>[/<competition id>]:<https url>
 * k1u:q1Xf…43 chars…/reach-2026:https://pub-1a2b.r2.dev/kinitro/9f86….tar.gz
 * ```
 *
 * - `artifact digest` (required): SHA-256 of the archive in unpadded base64url (43 characters). The URL
 *   only locates the bytes; the digest is what validators check before anything is unpacked, so a URL
 *   whose content changes simply fails verification.
 * - `competition id` (optional): as in `k1`, `[A-Za-z0-9][A-Za-z0-9._-]{0,31}`.
 * - `url`: everything after the first `:` that follows the prefix. Neither the digest nor the competition
 *   can hold `/` or `:`, so that `:` is always the separator and the URL may contain any further colons.
 *   It must be `https://` with a host, printable ASCII, no whitespace and no `user:password@`
 *   (a commitment is public). `http://` parses (tests and devnets serve from loopback; validators'
 *   fetchers refuse it unless `allowInsecureHttp`), but `buildCommitment` writes it only on request.
 *
 * Byte budget within 128: `k1u:` 4 + digest 43 + `:` 1 = 48 ⇒ URL ≤ 80 bytes without a competition, ≤ 80 − 33
 * = 47 with a 32-character one. An R2 public URL (`https://pub-<32 hex>.r2.dev/` is 44 bytes) leaves 36 for
 * the key without a competition; a content-addressed key (`<sha256 hex>.tar.gz`, 71) does not fit, so keep
 * keys short (the digest in the commitment already names the content).
 */

import { K1_MAX_COMPETITION_CHARS } from './constants.js'
import { digestFromK1, digestToK1, K1_COMPETITION_PATTERN, K1_DIGEST_PATTERN } from './kinitro-v1.js'
import type { Commitment, ParsedCommitment } from './types.js'

/** Version tag of the URL format. */
export const K1U_PREFIX = 'k1u:'

// Printable ASCII without space: a URL as `new URL().href` writes it (non-ASCII is percent-encoded).
const URL_CHARS = /^[\x21-\x7e]+$/u

/** Parse a string that starts with {@link K1U_PREFIX}. Never throws. */
export function parseK1u(raw: string): ParsedCommitment {
  const body = raw.slice(K1U_PREFIX.length)
  const colon = body.indexOf(':')
  if (colon < 0) return { format: 'invalid', reason: 'missing-field', detail: 'k1u needs <digest>:<url>' }
  const head = body.slice(0, colon)
  const url = body.slice(colon + 1)
  const parts = head.split('/')
  if (parts.length > 2) return { format: 'invalid', reason: 'bad-field', detail: 'k1u has at most one competition id' }
  const [digest = '', competitionId] = parts
  const bad = checkK1uFields(digest, url, competitionId, true)
  if (bad) return { format: 'invalid', reason: 'bad-field', detail: `${bad.field}: expected ${bad.expected}` }
  const out: Commitment = { format: 'kinitro-v1-url', sha256: digestFromK1(digest), url }
  if (competitionId !== undefined) out.competitionId = competitionId
  return out
}

/**
 * The first field of a `k1u` commitment that does not match its rule, or undefined when all do. `digest`
 * is the base64url form carried in the text.
 */
export function checkK1uFields(
  digest: string,
  url: string,
  competitionId: string | undefined,
  allowHttp: boolean,
): { field: string; value: string; expected: string } | undefined {
  if (!K1_DIGEST_PATTERN.test(digest)) {
    return { field: 'sha256', value: digest, expected: 'SHA-256 in unpadded base64url (43 characters)' }
  }
  if (competitionId !== undefined && !K1_COMPETITION_PATTERN.test(competitionId)) {
    return {
      field: 'competitionId',
      value: competitionId,
      expected: `1-${K1_MAX_COMPETITION_CHARS} characters of [A-Za-z0-9._-], starting alphanumeric`,
    }
  }
  const why = urlProblem(url, allowHttp)
  if (why !== undefined) return { field: 'url', value: url, expected: why }
  return undefined
}

/** Why `url` cannot be committed, or undefined when it can. */
function urlProblem(url: string, allowHttp: boolean): string | undefined {
  const scheme = allowHttp ? 'an https:// (or http://) URL' : 'an https:// URL'
  if (!URL_CHARS.test(url)) return `${scheme} of printable ASCII without spaces`
  const lower = url.slice(0, 8).toLowerCase()
  const https = lower.startsWith('https://')
  if (!https && !(allowHttp && lower.startsWith('http://'))) return scheme
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    return `${scheme} that parses`
  }
  if (parsed.hostname === '') return `${scheme} with a host`
  // A commitment is public: credentials in it would be published to everyone.
  if (parsed.username !== '' || parsed.password !== '') return `${scheme} without user:password@`
  return undefined
}

/** The text of a `k1u` commitment; fields must already be valid. */
export function formatK1u(sha256Hex: string, url: string, competitionId?: string): string {
  return `${K1U_PREFIX}${digestToK1(sha256Hex)}${competitionId === undefined ? '' : `/${competitionId}`}:${url}`
}
