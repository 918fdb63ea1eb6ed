/**
 * Our own commitment format, `k1`:
 *
 * ```
 * k1:<hf repo>@<revision>[:<competition id>]
 * k1:alice/reach-policy@3f2a9c1:reach-2026
 * ```
 *
 * - `hf repo`: `<namespace>/<name>`, each `[A-Za-z0-9][A-Za-z0-9._-]*` (Hugging Face's id characters).
 * - `revision`: 7 to 40 lower-case hex characters, a git commit prefix or the full SHA. A full SHA removes
 *   the reference's 8-character ambiguity; a prefix is allowed when bytes are tight.
 * - `competition id` (optional): `[A-Za-z0-9][A-Za-z0-9._-]{0,31}`; absent means "every competition".
 * - No deployment id: validators run the policy themselves from the repo, so nothing secret is committed.
 *
 * Separators cannot occur inside fields (`@` and `:` are not id, hex or competition characters), so
 * parsing is one split each way. `k<digits>:` is reserved for future versions; other versions parse as
 * `unsupported-version` instead of being mistaken for the reference's colon format.
 *
 * Byte budget (all ASCII, so bytes = characters), within 128: `k1:` 3 + `@` 1 + revision 7–40
 * + `:`competition 0–33 ⇒ repo ≤ 84 bytes with a full SHA and no competition, ≤ 84 − 33 = 51 with a
 * full SHA and a 32-character competition, ≤ 116 with an 8-character prefix and no competition.
 */
import { K1_MAX_COMPETITION_CHARS, K1_MAX_REVISION_CHARS, K1_MIN_REVISION_CHARS } from './constants.js'
import type { Commitment, ParsedCommitment } from './types.js'

/** Version tag of this format. */
export const K1_PREFIX = 'k1:'

/** A Hugging Face repo id with a namespace. */
export const HF_REPO_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]*\/[A-Za-z0-9][A-Za-z0-9._-]*$/
/** Git revision, prefix or full. */
export const K1_REVISION_PATTERN = new RegExp(`^[0-9a-f]{${K1_MIN_REVISION_CHARS},${K1_MAX_REVISION_CHARS}}$`)
/** Competition id as carried by `k1`. */
export const K1_COMPETITION_PATTERN = new RegExp(`^[A-Za-z0-9][A-Za-z0-9._-]{0,${K1_MAX_COMPETITION_CHARS - 1}}$`)

const VERSION_TAG = /^k\d+:/

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
  const [revision = '', competitionId] = rest
  const bad = checkK1Fields(repo, revision, competitionId)
  if (bad) return { format: 'invalid', reason: 'bad-field', detail: `${bad.field}: expected ${bad.expected}` }
  const out: Commitment = { format: 'kinitro-v1', repo, revision }
  if (competitionId !== undefined) out.competitionId = competitionId
  return out
}

/** The first field of a `k1` commitment that does not match its pattern, or undefined when all do. */
export function checkK1Fields(
  repo: string,
  revision: string,
  competitionId: string | undefined,
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
export function formatK1(repo: string, revision: string, competitionId?: string): string {
  return `${K1_PREFIX}${repo}@${revision}${competitionId === undefined ? '' : `:${competitionId}`}`
}
