import { MAX_PARSE_BYTES } from './constants.js'
import { hasVersionTag, parseK1 } from './kinitro-v1.js'
import { K1U_PREFIX, parseK1u } from './kinitro-v1-url.js'
import type { Commitment, DeploymentRef, OldProvider, ParsedCommitment } from './types.js'

const OLD_PROVIDERS: readonly OldProvider[] = ['HF', 'R2', 'S3']
const PUBKEY_HEX = /^[0-9a-fA-F]{64}$/
const utf8 = new TextDecoder('utf-8', { fatal: true })

/**
 * Parse a raw commitment (the first `Raw` field of `Commitments.CommitmentOf`, as bytes or text) in any
 * format the reference ever wrote, or ours. Never throws: anything unusable comes back as
 * `{format: 'invalid', reason, detail}`.
 *
 * Order: JSON (text starting with `{`), then version-tagged (`k1u:`, `k1:`; the URL format first, since its
 * `digest:https://…` would otherwise split like `repo:rev:deployment`), then the reference's colon rules
 * (kinitro.md C.4, NEW-3 branch order): split on `:` at most 3 times; `e:<blob>` is an encrypted bare
 * deployment; 3+ parts are `repo:rev:deployment`, or `repo:rev:e:<blob>` when the third part is `e` and a
 * fourth exists; a single part is a bare deployment id.
 *
 * Deliberate differences from the reference: text starting with `{` that is not a known JSON commitment is
 * invalid (the reference fell through to the colon split and read garbage); invalid UTF-8 is invalid (the
 * reference dropped bad bytes); empty repo, revision or deployment fields are invalid up front (the
 * reference built them and skipped the miner later, via `is_valid`).
 *
 * @example
 * ```ts
 * parseCommitment('alice/policy:abc12345:95edf2b6-e18b-400a-8398-5573df10e5e4')
 * // { format: 'repo-rev', repo: 'alice/policy', revision: 'abc12345', deployment: { kind: 'plain', id: '95ed…' } }
 * ```
 */
export function parseCommitment(raw: string | Uint8Array): ParsedCommitment {
  let text: string
  if (typeof raw === 'string') {
    text = raw
    if (text.length > MAX_PARSE_BYTES) return invalid('too-long', `longer than ${MAX_PARSE_BYTES} characters`)
  } else {
    if (raw.length > MAX_PARSE_BYTES) return invalid('too-long', `longer than ${MAX_PARSE_BYTES} bytes`)
    try {
      text = utf8.decode(raw)
    } catch {
      return invalid('not-utf8', 'bytes are not valid UTF-8')
    }
  }
  if (text.length === 0) return invalid('empty', 'empty commitment')
  if (text.trimStart().startsWith('{')) return parseJson(text)
  if (text.startsWith(K1U_PREFIX)) return parseK1u(text)
  if (hasVersionTag(text)) return parseK1(text)
  return parseColon(text)
}

function parseColon(text: string): ParsedCommitment {
  const parts = splitMax(text, ':', 3)
  if (parts.length >= 2 && parts[0] === 'e') {
    const blob = text.slice(2)
    return blob
      ? { format: 'deployment', deployment: { kind: 'encrypted', blob } }
      : invalid('missing-field', 'e: without blob')
  }
  if (parts.length >= 3) {
    const [repo = '', revision = '', third = '', fourth] = parts
    // A fourth part after a non-`e` third is ignored, as the reference did (it once held a docker image).
    const deployment: DeploymentRef =
      third === 'e' && fourth !== undefined ? { kind: 'encrypted', blob: fourth } : { kind: 'plain', id: third }
    if (!repo || !revision) return invalid('missing-field', 'repo and revision must be non-empty')
    if ((deployment.kind === 'plain' ? deployment.id : deployment.blob) === '') {
      return invalid('missing-field', 'deployment must be non-empty')
    }
    return { format: 'repo-rev', repo, revision, deployment }
  }
  if (parts.length === 1) return { format: 'deployment', deployment: { kind: 'plain', id: text } }
  return invalid('too-few-parts', 'expected repo:rev:deployment, e:<blob> or a bare deployment id')
}

function parseJson(text: string): ParsedCommitment {
  let data: unknown
  try {
    data = JSON.parse(text)
  } catch {
    return invalid('unrecognised-json', 'text starts with { but is not JSON')
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    return invalid('unrecognised-json', 'JSON commitment must be an object')
  }
  const o = data as Record<string, unknown>
  if ('t' in o || 'type' in o) return parsePubkey(o)
  if ('provider' in o) return parseOldJson(o)
  if ('m' in o || 'model' in o) return parseNewJson(o)
  return invalid('unrecognised-json', 'no known commitment keys')
}

function parsePubkey(o: Record<string, unknown>): ParsedCommitment {
  const short = o['t'] === 'pk'
  if (!short && o['type'] !== 'backend_pubkey') return invalid('unrecognised-json', 'unknown commitment type')
  const key = short ? o['k'] : o['key']
  if (typeof key !== 'string') return invalid('missing-field', 'public key missing')
  if (!PUBKEY_HEX.test(key)) return invalid('bad-field', 'public key must be 64 hex characters')
  return { format: 'backend-pubkey', keys: short ? 'short' : 'long', publicKey: key.toLowerCase() }
}

function parseOldJson(o: Record<string, unknown>): ParsedCommitment {
  const provider = o['provider']
  if (typeof provider !== 'string' || !OLD_PROVIDERS.includes(provider as OldProvider)) {
    return invalid('bad-field', 'provider must be HF, R2 or S3')
  }
  const competitionId = o['comp_id']
  const repoId = o['repo_id']
  if (typeof competitionId !== 'string' || !competitionId || typeof repoId !== 'string' || !repoId) {
    return invalid('missing-field', 'comp_id and repo_id must be non-empty strings')
  }
  const out: Commitment = { format: 'old-json', provider: provider as OldProvider, competitionId, repoId }
  const version = o['v']
  if (version !== undefined && version !== null) {
    if (typeof version !== 'string') return invalid('bad-field', 'v must be a string')
    out.version = version
  }
  return out
}

function parseNewJson(o: Record<string, unknown>): ParsedCommitment {
  // The reference read `model or m`, `revision or r`, `e or encrypted_endpoint`, `deployment_id or d`.
  const repo = firstString(o['model'], o['m'])
  const revision = firstString(o['revision'], o['r'])
  if (!repo || !revision) return invalid('missing-field', 'model/m and revision/r must be non-empty strings')
  const keys = firstString(o['model']) ? 'long' : 'short'
  const blob = firstString(o['e'], o['encrypted_endpoint'])
  if (blob) return { format: 'new-json', keys, repo, revision, deployment: { kind: 'encrypted', blob } }
  const id = firstString(o['deployment_id'], o['d'])
  if (!id) return invalid('missing-field', 'deployment_id/d or e must be a non-empty string')
  return { format: 'new-json', keys, repo, revision, deployment: { kind: 'plain', id } }
}

function firstString(...values: unknown[]): string {
  for (const v of values) if (typeof v === 'string' && v) return v
  return ''
}

/** Python's `str.split(sep, maxsplit)`: at most `maxSplit` cuts, the remainder stays in the last part. */
export function splitMax(text: string, sep: string, maxSplit: number): string[] {
  const parts: string[] = []
  let start = 0
  while (parts.length < maxSplit) {
    const at = text.indexOf(sep, start)
    if (at < 0) break
    parts.push(text.slice(start, at))
    start = at + sep.length
  }
  parts.push(text.slice(start))
  return parts
}

function invalid(reason: Extract<ParsedCommitment, { format: 'invalid' }>['reason'], detail: string): ParsedCommitment {
  return { format: 'invalid', reason, detail }
}
