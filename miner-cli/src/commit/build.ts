import { buildCommitment, type Commitment, CommitmentError, encryptDeploymentId } from '#protocol'
import { CommitError, type CommitmentParts } from './errors.js'
import type { UploadReceipt } from './receipt.js'

/** Options of {@link buildMinerCommitment}. */
export interface MinerCommitmentOptions {
  /** Competition the policy enters; absent enters every competition. */
  competition?: string
  /**
   * Revision characters a `k1` commitment carries. Mesh validators evaluate only full revisions (40), which
   * cannot move; shorter prefixes exist for reading older commitments, not for new ones.
   * @default 40
   */
  revisionChars?: number
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]'])

/**
 * The commitment text for an upload, in the format mesh validators evaluate: from a Hugging Face receipt
 * `k1:<repo>@<revision>#<digest>[:<competition>]`, from an S3/R2 receipt with a public URL
 * `k1u:<digest>[/<competition>]:<url>`. The digest makes validators check the download before running it.
 *
 * @throws {@link CommitError} `MINER_COMMIT_TOO_LARGE` (with the bytes over and what to shorten),
 * `MINER_COMMIT_URL_NOT_PUBLIC`; {@link CommitmentError} for a malformed field (e.g. competition id).
 */
export function buildMinerCommitment(receipt: UploadReceipt, options: MinerCommitmentOptions = {}): string {
  const competition = options.competition
  const compPart = competition === undefined ? {} : { competitionId: competition }
  if (receipt.kind === 'hf') {
    const revision = receipt.revision.slice(0, options.revisionChars ?? receipt.revision.length)
    const c: Commitment = { format: 'kinitro-v1', repo: receipt.repo, revision, sha256: receipt.sha256, ...compPart }
    return sized(c, { repo: bytes(receipt.repo), ...competitionPart(competition) }, {})
  }
  const url = publicUrl(receipt.url)
  const c: Commitment = { format: 'kinitro-v1-url', sha256: receipt.sha256, url: url.href, ...compPart }
  return sized(c, { url: bytes(url.href), ...competitionPart(competition) }, { allowHttpUrl: url.loopback })
}

/** Options of {@link buildReferenceCommitment}. */
export interface ReferenceCommitmentOptions {
  /** The deployment (policy endpoint) id the reference backend routes to; a UUID when encrypted. */
  deploymentId: string
  /** Seal the deployment id to this X25519 public key (64 hex), as the reference's newer format does. */
  backendPublicKey?: string
}

/**
 * The reference system's commitment, `<repo>:<rev8>:<deployment>` or `<repo>:<rev8>:e:<base85>`, for
 * reference-compatible backends. Mesh validators do not evaluate it (it names no digest).
 *
 * @throws {@link CommitError} `MINER_COMMIT_OPTIONS_INVALID` (S3 receipts have no repo),
 * `MINER_COMMIT_TOO_LARGE`; {@link CommitmentError} for a non-UUID id to encrypt or a bad key.
 */
export function buildReferenceCommitment(receipt: UploadReceipt, options: ReferenceCommitmentOptions): string {
  if (receipt.kind !== 'hf') {
    throw new CommitError(
      { code: 'MINER_COMMIT_OPTIONS_INVALID', option: '--format', reason: 'reference needs a Hugging Face upload' },
      'the reference format names a Hugging Face repo and revision; this upload went to S3/R2 (commit it as k1u instead)',
    )
  }
  const deployment =
    options.backendPublicKey === undefined
      ? { kind: 'plain' as const, id: options.deploymentId }
      : { kind: 'encrypted' as const, blob: encryptDeploymentId(options.deploymentId, options.backendPublicKey) }
  const c: Commitment = { format: 'repo-rev', repo: receipt.repo, revision: receipt.revision, deployment }
  return sized(c, { repo: bytes(receipt.repo) }, {})
}

function sized(c: Commitment, parts: CommitmentParts, options: { allowHttpUrl?: boolean }): string {
  try {
    return buildCommitment(c, options)
  } catch (err) {
    if (!(err instanceof CommitmentError) || err.meta.code !== 'COMMITMENT_TOO_LONG') throw err
    const { bytes: total, limit } = err.meta
    throw new CommitError(
      { code: 'MINER_COMMIT_TOO_LARGE', bytes: total, limit, over: total - limit, format: c.format, parts },
      `the ${c.format} commitment would be ${total} bytes, ${total - limit} over the chain's ${limit}: ${advice(parts, total - limit)}`,
      { cause: err },
    )
  }
}

/**
 * What to shorten: each part that could absorb the excess alone, with the size it may have (its size minus
 * the bytes over), since the rest of the format is fixed.
 */
function advice(parts: CommitmentParts, over: number): string {
  const tips: string[] = []
  if (parts.repo !== undefined && parts.repo - over >= 3) {
    tips.push(`shorten the repo name from ${parts.repo} to at most ${parts.repo - over} bytes`)
  }
  if (parts.url !== undefined && parts.url - over >= 12) {
    tips.push(`shorten the URL from ${parts.url} to at most ${parts.url - over} bytes (a shorter public domain or key)`)
  }
  const comp = parts.competition
  if (comp !== undefined && comp - over >= 1) {
    tips.push(`shorten the competition id from ${comp} to at most ${comp - over} bytes`)
  } else if (comp !== undefined && comp + 1 >= over) {
    tips.push('drop the competition id (the policy then enters every competition)')
  }
  if (tips.length > 0) return tips.join(', or ')
  const sizes = Object.entries(parts).map(([name, n]) => `${name} ${n} bytes`)
  return `shorten several parts together (${sizes.join(', ')})`
}

function competitionPart(competition: string | undefined): CommitmentParts {
  return competition === undefined ? {} : { competition: bytes(competition) }
}

function bytes(text: string): number {
  return Buffer.byteLength(text, 'utf8')
}

/** The receipt's URL if validators can download it: https, or http on loopback (tests and devnets). */
function publicUrl(url: string): { href: string; loopback: boolean } {
  let parsed: URL | undefined
  try {
    parsed = new URL(url)
  } catch {
    parsed = undefined
  }
  const loopback = parsed?.protocol === 'http:' && LOOPBACK_HOSTS.has(parsed.hostname)
  if (parsed === undefined || (parsed.protocol !== 'https:' && !loopback)) {
    throw new CommitError(
      { code: 'MINER_COMMIT_URL_NOT_PUBLIC', url },
      `the upload's URL ${url} is not a public https:// URL validators can download from`,
    )
  }
  return { href: url, loopback }
}
