import { b85decode } from './base85.js'
import { ENCRYPTED_PACKAGE_BYTES, MAX_COMMITMENT_BYTES, REVISION_PREFIX_CHARS } from './constants.js'
import { CommitmentError } from './errors.js'
import { checkK1Fields, digestToK1, formatK1 } from './kinitro-v1.js'
import { checkK1uFields, formatK1u } from './kinitro-v1-url.js'
import type { Commitment, DeploymentRef } from './types.js'

const utf8 = new TextEncoder()
// Whitespace, C0 control characters and DEL are never part of an id, a repo or a blob.
const WHITESPACE = /\s/u
const PUBKEY_HEX = /^[0-9a-fA-F]{64}$/
const SHA256_HEX = /^[0-9a-f]{64}$/

/** Options of {@link buildCommitment}. */
export interface BuildCommitmentOptions {
  /**
   * Let a `kinitro-v1-url` commitment name an `http://` URL. Validators refuse to download over plain http
   * unless they run with `allowInsecureHttp` (tests, local devnets), so only set this for loopback servers.
   * @default false
   */
  allowHttpUrl?: boolean
}

/**
 * The text of a commitment, checked against the chain's 128-byte limit (UTF-8 bytes, not characters) and
 * the format's field rules. `parseCommitment(buildCommitment(c))` gives `c` back, except that `repo-rev`
 * keeps only the first 8 revision characters, as the reference did.
 *
 * @throws {@link CommitmentError} `COMMITMENT_TOO_LONG`, `COMMITMENT_FORBIDDEN_CHARACTER`,
 * `COMMITMENT_FIELD_INVALID`.
 * @example
 * ```ts
 * buildCommitment({ format: 'kinitro-v1', repo: 'alice/reach', revision: '3f2a9c1', competitionId: 'reach-1' })
 * // 'k1:alice/reach@3f2a9c1:reach-1'
 * ```
 */
export function buildCommitment(c: Commitment, options: BuildCommitmentOptions = {}): string {
  const text = formatCommitment(c, options)
  const bytes = utf8.encode(text).length
  if (bytes > MAX_COMMITMENT_BYTES) {
    throw new CommitmentError(
      { code: 'COMMITMENT_TOO_LONG', bytes, limit: MAX_COMMITMENT_BYTES },
      `commitment is ${bytes} bytes; the chain stores at most ${MAX_COMMITMENT_BYTES}`,
    )
  }
  return text
}

/** {@link buildCommitment} as the UTF-8 bytes to put in a `RawN` field. */
export function encodeCommitment(c: Commitment, options: BuildCommitmentOptions = {}): Uint8Array {
  return utf8.encode(buildCommitment(c, options))
}

function formatCommitment(c: Commitment, options: BuildCommitmentOptions): string {
  switch (c.format) {
    case 'old-json': {
      if (!['HF', 'R2', 'S3'].includes(c.provider)) fieldInvalid('provider', c.provider, 'HF, R2 or S3')
      nonEmpty('competitionId', c.competitionId)
      nonEmpty('repoId', c.repoId)
      const doc: Record<string, string> = { provider: c.provider, comp_id: c.competitionId, repo_id: c.repoId }
      if (c.version !== undefined) doc['v'] = nonEmpty('version', c.version)
      // pydantic's model_dump_json: compact, UTF-8 kept as is.
      return JSON.stringify(doc)
    }
    case 'new-json': {
      nonEmpty('repo', c.repo)
      nonEmpty('revision', c.revision)
      const long = c.keys === 'long'
      const doc: Record<string, string> = { [long ? 'model' : 'm']: c.repo, [long ? 'revision' : 'r']: c.revision }
      if (c.deployment.kind === 'encrypted') doc[long ? 'encrypted_endpoint' : 'e'] = blob(c.deployment.blob)
      else doc[long ? 'deployment_id' : 'd'] = nonEmpty('deployment.id', c.deployment.id)
      return pythonJsonDumps(doc)
    }
    case 'repo-rev': {
      const repo = noColon('repo', nonEmpty('repo', c.repo))
      const revision = noColon('revision', nonEmpty('revision', c.revision)).slice(0, REVISION_PREFIX_CHARS)
      return `${repo}:${revision}:${deploymentText(c.deployment)}`
    }
    case 'deployment': {
      if (c.deployment.kind === 'plain' && c.deployment.id.startsWith('{')) {
        fieldInvalid('deployment.id', c.deployment.id, 'not starting with "{" (read as JSON)')
      }
      return deploymentText(c.deployment)
    }
    case 'backend-pubkey': {
      if (!PUBKEY_HEX.test(c.publicKey)) fieldInvalid('publicKey', c.publicKey, '64 hex characters')
      const key = c.publicKey.toLowerCase()
      return c.keys === 'long' ? JSON.stringify({ type: 'backend_pubkey', key }) : JSON.stringify({ t: 'pk', k: key })
    }
    case 'kinitro-v1': {
      if (c.sha256 !== undefined && !SHA256_HEX.test(c.sha256)) {
        fieldInvalid('sha256', c.sha256, '64 lower-case hex characters (SHA-256)')
      }
      const bad = checkK1Fields(c.repo, c.revision, c.competitionId)
      if (bad) fieldInvalid(bad.field, bad.value, bad.expected)
      return formatK1(c.repo, c.revision, c.competitionId, c.sha256)
    }
    case 'kinitro-v1-url': {
      if (!SHA256_HEX.test(c.sha256)) fieldInvalid('sha256', c.sha256, '64 lower-case hex characters (SHA-256)')
      const bad = checkK1uFields(digestToK1(c.sha256), c.url, c.competitionId, options.allowHttpUrl ?? false)
      if (bad) fieldInvalid(bad.field, bad.value, bad.expected)
      return formatK1u(c.sha256, c.url, c.competitionId)
    }
  }
}

function deploymentText(d: DeploymentRef): string {
  return d.kind === 'encrypted' ? `e:${blob(d.blob)}` : noColon('deployment.id', nonEmpty('deployment.id', d.id))
}

/** An encrypted deployment must be b85 of exactly one 64-byte package; anything else cannot be opened. */
function blob(value: string): string {
  nonEmpty('deployment.blob', value)
  let bytes: Uint8Array | undefined
  try {
    bytes = b85decode(value)
  } catch {
    bytes = undefined
  }
  if (bytes?.length !== ENCRYPTED_PACKAGE_BYTES) {
    fieldInvalid('deployment.blob', value, `base85 of ${ENCRYPTED_PACKAGE_BYTES} bytes (80 characters)`)
  }
  return value
}

function nonEmpty(field: string, value: string): string {
  if (value.length === 0) fieldInvalid(field, value, 'a non-empty string')
  for (let i = 0; i < value.length; i++) {
    const ch = value[i] as string
    const code = ch.charCodeAt(0)
    if (code < 0x20 || code === 0x7f || WHITESPACE.test(ch)) forbidden(field, ch, i)
  }
  return value
}

function noColon(field: string, value: string): string {
  const at = value.indexOf(':')
  if (at >= 0) forbidden(field, ':', at)
  return value
}

function forbidden(field: string, character: string, index: number): never {
  throw new CommitmentError(
    { code: 'COMMITMENT_FORBIDDEN_CHARACTER', field, character, index },
    `${field} contains a forbidden character ${JSON.stringify(character)} at ${index}`,
  )
}

function fieldInvalid(field: string, value: string, expected: string): never {
  throw new CommitmentError(
    { code: 'COMMITMENT_FIELD_INVALID', field, value: value.slice(0, 200), expected },
    `${field} is invalid: expected ${expected}`,
  )
}

/** `json.dumps(doc, separators=(",", ":"))`: compact, and non-ASCII escaped as `\uXXXX` (ensure_ascii). */
function pythonJsonDumps(doc: Record<string, string>): string {
  return JSON.stringify(doc).replace(/[\u0080-\uffff]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`)
}
