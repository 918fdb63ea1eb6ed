/**
 * Our own commitment format, `k1`:
 *
 * ```
 * k1:<hf repo>@<revision>[#<artifact digest>][:<competition id>]
 * k1:alice/reach-policy@3f2a9c1:reach-2026
 * k1:alice/reach-policy@3f2a9c1e0b7d#q1Xf…43 chars…:reach-2026
 * ```
 *
 * - `hf repo`: `<namespace>/<name>`, each `[A-Za-z0-9][A-Za-z0-9._-]*` (Hugging Face's id characters).
 * - `revision`: 7 to 40 lower-case hex characters, a git commit prefix or the full SHA. A full SHA removes
 *   the reference's 8-character ambiguity; a prefix is allowed when bytes are tight.
 * - `artifact digest` (optional, recommended): the SHA-256 of the policy archive (`policy.tar.gz`) in
 *   unpadded base64url (43 characters). Validators verify the download against it before anything runs, so
 *   the revision only locates the file and a 12-character prefix is enough. Without it the digest comes
 *   from the hub's metadata at the pinned revision, which trusts the hub.
 * - `competition id` (optional): `[A-Za-z0-9][A-Za-z0-9._-]{0,31}`; absent means "every competition".
 * - No deployment id: validators run the policy themselves from the repo, so nothing secret is committed.
 *
 * Separators cannot occur inside fields (`@` and `:` are not id, hex or competition characters), so
 * parsing is one split each way. `k<digits>:` and `k<digits><letter>:` are reserved for versions and their
 * variants (`k1u:` is the URL variant, `kinitro-v1-url.ts`); unknown ones parse as `unsupported-version`
 * instead of being mistaken for the reference's colon format.
 *
 * Byte budget (all ASCII, so bytes = characters), within 128: `k1:` 3 + `@` 1 + revision 7–40
 * + `:`competition 0–33 ⇒ repo ≤ 84 bytes with a full SHA and no competition, ≤ 84 − 33 = 51 with a
 * full SHA and a 32-character competition, ≤ 116 with an 8-character prefix and no competition. A digest adds
 * 44 (`#` + 43): with a 12-character revision and a 16-character competition the repo may be ≤ 50 bytes.
 */
import { K1_DIGEST_CHARS, K1_MAX_COMPETITION_CHARS, K1_MAX_REVISION_CHARS, K1_MIN_REVISION_CHARS } from './constants.js'
import type { Commitment, ParsedCommitment } from './types.js'

/** Version tag of this format. */
export const K1_PREFIX = 'k1:'

/** A Hugging Face repo id with a namespace. */
export const HF_REPO_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]*\/[A-Za-z0-9][A-Za-z0-9._-]*$/
/** Git revision, prefix or full. */
export const K1_REVISION_PATTERN = new RegExp(`^[0-9a-f]{${K1_MIN_REVISION_CHARS},${K1_MAX_REVISION_CHARS}}$`)
/** Competition id as carried by `k1`. */
export const K1_COMPETITION_PATTERN = new RegExp(`^[A-Za-z0-9][A-Za-z0-9._-]{0,${K1_MAX_COMPETITION_CHARS - 1}}$`)

/** Artifact digest as carried by `k1`: SHA-256 in unpadded base64url. */
export const K1_DIGEST_PATTERN = new RegExp(`^[A-Za-z0-9_-]{${K1_DIGEST_CHARS - 1}}[AEIMQUYcgkosw048]$`)

const VERSION_TAG = /^k\d+[a-z]?:/

/** Lower-case hex SHA-256 → the 43-character base64url form `k1` carries. */
export function digestToK1(sha256Hex: string): string {
  return Buffer.from(sha256Hex, 'hex').toString('base64url')
}

/** The `k1` digest form → lower-case hex SHA-256. */
export function digestFromK1(digest: string): string {
  return Buffer.from(digest, 'base64url').toString('hex')
}

/** True when `raw` claims a `k<n>:` version tag, so the colon-format parser must not see it. */
export function hasVersionTag(raw: string): boolean {
  return VERSION_TAG.test(raw)
}

/** Parse a string that starts with a version tag. Never throws. */
export function parseK1(raw: string): ParsedCommitment {
  if (!raw.startsWith(K1_PREFIX)) {
    return { format: 'invalid', reason: 'unsupported-version', detail: `unknown version tag ${raw.split(':')[0]}` }
  }
  const body = raw.slice(K1_PREFIX.length)
  const at = body.indexOf('@')
  if (at < 0) return { format: 'invalid', reason: 'missing-field', detail: 'k1 needs <repo>@<revision>' }
  const repo = body.slice(0, at)
  const rest = body.slice(at + 1).split(':')
  if (rest.length > 2) return { format: 'invalid', reason: 'bad-field', detail: 'k1 has at most one competition id' }
  const [located = '', competitionId] = rest
  const hash = located.indexOf('#')
  const revision = hash < 0 ? located : located.slice(0, hash)
  const digest = hash < 0 ? undefined : located.slice(hash + 1)
  const bad = checkK1Fields(repo, revision, competitionId, digest)
  if (bad) return { format: 'invalid', reason: 'bad-field', detail: `${bad.field}: expected ${bad.expected}` }
  const out: Commitment = { format: 'kinitro-v1', repo, revision }
  if (digest !== undefined) out.sha256 = digestFromK1(digest)
  if (competitionId !== undefined) out.competitionId = competitionId
  return out
}

/** The first field of a `k1` commitment that does not match its pattern, or undefined when all do. */
export function checkK1Fields(
  repo: string,
  revision: string,
  competitionId: string | undefined,
  digest?: string,
): { field: string; value: string; expected: string } | undefined {
  if (!HF_REPO_PATTERN.test(repo))
    return { field: 'repo', value: repo, expected: '<namespace>/<name> (Hugging Face id)' }
  if (!K1_REVISION_PATTERN.test(revision)) {
    return {
      field: 'revision',
      value: revision,
      expected: `${K1_MIN_REVISION_CHARS}-${K1_MAX_REVISION_CHARS} lower-case hex characters`,
    }
  }
  if (digest !== undefined && !K1_DIGEST_PATTERN.test(digest)) {
    return { field: 'sha256', value: digest, expected: `SHA-256 in unpadded base64url (${K1_DIGEST_CHARS} characters)` }
  }
  if (competitionId !== undefined && !K1_COMPETITION_PATTERN.test(competitionId)) {
    return {
      field: 'competitionId',
      value: competitionId,
      expected: `1-${K1_MAX_COMPETITION_CHARS} characters of [A-Za-z0-9._-], starting alphanumeric`,
    }
  }
  return undefined
}

/** The text of a `k1` commitment; fields must already be valid. */
export function formatK1(repo: string, revision: string, competitionId?: string, sha256Hex?: string): string {
  const digest = sha256Hex === undefined ? '' : `#${digestToK1(sha256Hex)}`
  return `${K1_PREFIX}${repo}@${revision}${digest}${competitionId === undefined ? '' : `:${competitionId}`}`
}
