import { createHash } from 'node:crypto'
import { parseCommitment } from '../commitments/parse.js'
import type { Commitment } from '../commitments/types.js'

/** Domain tag of artifact digests. */
export const ARTIFACT_DIGEST_DOMAIN = 'kinitro/v1/artifact'

/** What a miner's commitment points at, as far as "one evaluation per artifact" is concerned. */
export interface MinerArtifact {
  /** Hex SHA-256 identifying the artifact (see {@link artifactOf}). */
  digest: string
  /** Competition the commitment names, when its format carries one (`k1:…:<id>`, `k1u:…/<id>:…`, old JSON `comp_id`). */
  competitionId?: string
}

function lp(h: ReturnType<typeof createHash>, text: string): void {
  const bytes = Buffer.from(text, 'utf8')
  const len = Buffer.alloc(4)
  len.writeUInt32BE(bytes.length)
  h.update(len)
  h.update(bytes)
}

/**
 * The artifact a commitment names, or `undefined` when the commitment is not a miner's (invalid, or the
 * operator's `backend-pubkey`).
 *
 * Commitments do not carry a content digest yet, so the artifact is identified by what fixes the policy's
 * bytes: the digest is hex SHA-256 over length-prefixed UTF-8 strings (u32be length ‖ bytes each):
 *
 * | format | strings after the domain `"kinitro/v1/artifact"` |
 * |---|---|
 * | `kinitro-v1`, `repo-rev`, `new-json` | `"repo"`, repo, revision |
 * | `kinitro-v1-url` | `"sha256"`, hex SHA-256 of the archive |
 * | `old-json` | `"old"`, provider, repo_id, version or `""` |
 * | `deployment` | `"deployment"`, `"plain"` or `"encrypted"`, id or blob |
 *
 * So the deployment id (where the policy is served) does not change the artifact of a (repo, revision)
 * commitment: re-committing the same revision with a new endpoint is the same artifact.
 * Likewise a `kinitro-v1-url` artifact is its digest alone: the URL only says where the bytes are, so moving
 * the same archive to another URL is the same artifact (no second evaluation in a cycle).
 */
export function artifactOf(commitment: string | Uint8Array | Commitment): MinerArtifact | undefined {
  const c =
    typeof commitment === 'string' || commitment instanceof Uint8Array ? parseCommitment(commitment) : commitment
  const h = createHash('sha256')
  lp(h, ARTIFACT_DIGEST_DOMAIN)
  let competitionId: string | undefined
  switch (c.format) {
    case 'kinitro-v1':
    case 'repo-rev':
    case 'new-json':
      lp(h, 'repo')
      lp(h, c.repo)
      lp(h, c.revision)
      if (c.format === 'kinitro-v1') competitionId = c.competitionId
      break
    case 'kinitro-v1-url':
      lp(h, 'sha256')
      lp(h, c.sha256)
      competitionId = c.competitionId
      break
    case 'old-json':
      lp(h, 'old')
      lp(h, c.provider)
      lp(h, c.repoId)
      lp(h, c.version ?? '')
      competitionId = c.competitionId
      break
    case 'deployment':
      lp(h, 'deployment')
      lp(h, c.deployment.kind)
      lp(h, c.deployment.kind === 'plain' ? c.deployment.id : c.deployment.blob)
      break
    default:
      return undefined
  }
  const digest = h.digest('hex')
  return competitionId === undefined ? { digest } : { digest, competitionId }
}
