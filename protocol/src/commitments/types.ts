/**
 * The commitment formats a miner (or the backend operator) may have written on chain, oldest first.
 *
 * | format | example | generation |
 * |---|---|---|
 * | `old-json` | `{"provider":"HF","comp_id":"c1","repo_id":"u/m","v":"1"}` | OLD (fiber, JSON `ChainCommitment`) |
 * | `new-json` | `{"m":"u/m","r":"abc12345","d":"<uuid>"}` / `{"m",…,"e":"<b85>"}`, long keys too | NEW-1 |
 * | `repo-rev` | `u/m:abc12345:<uuid>` / `u/m:abc12345:e:<b85>` | NEW-2 (reference `main`) |
 * | `deployment` | `<uuid>` / `e:<b85>` | NEW-3 branch |
 * | `backend-pubkey` | `{"t":"pk","k":"<64 hex>"}` / `{"type":"backend_pubkey","key":…}` | NEW-2, operator |
 * | `kinitro-v1` | `k1:u/m@<rev 7–40 hex>[#<sha256 b64url>][:<competition>]` | ours |
 * | `kinitro-v1-url` | `k1u:<sha256 b64url>[/<competition>]:https://<host>/<path>` | ours, miner-hosted |
 *
 * Mesh validators evaluate `kinitro-v1` (with digest and full revision) and `kinitro-v1-url`; the others are
 * read so existing miners and reference-compatible backends keep working.
 */
export const COMMITMENT_FORMATS = [
  'old-json',
  'new-json',
  'repo-rev',
  'deployment',
  'backend-pubkey',
  'kinitro-v1',
  'kinitro-v1-url',
] as const

/** A format tag of a valid commitment. */
export type CommitmentFormat = (typeof COMMITMENT_FORMATS)[number]

/** Where a policy runs: a deployment id in the clear, or one sealed to the backend key (base85 blob). */
export type DeploymentRef = { kind: 'plain'; id: string } | { kind: 'encrypted'; blob: string }

/** OLD generation's providers: Hugging Face, then the direct-upload vault (R2, later S3). */
export type OldProvider = 'HF' | 'R2' | 'S3'

/** A valid commitment of any known format; build it back with `buildCommitment`. */
export type Commitment =
  | { format: 'old-json'; provider: OldProvider; competitionId: string; repoId: string; version?: string }
  | { format: 'new-json'; keys: 'short' | 'long'; repo: string; revision: string; deployment: DeploymentRef }
  | { format: 'repo-rev'; repo: string; revision: string; deployment: DeploymentRef }
  | { format: 'deployment'; deployment: DeploymentRef }
  | { format: 'backend-pubkey'; keys: 'short' | 'long'; publicKey: string }
  | {
      format: 'kinitro-v1'
      repo: string
      revision: string
      competitionId?: string
      /** Lower-case hex SHA-256 of the policy archive, when committed. */
      sha256?: string
    }
  | {
      format: 'kinitro-v1-url'
      /** Lower-case hex SHA-256 of the policy archive; validators check the download against it. */
      sha256: string
      /** Where the archive is downloaded from: `https://` (`http://` only parses, for tests). */
      url: string
      competitionId?: string
    }

/** Why a raw value is not a commitment. Parsing never throws; it returns one of these. */
export type InvalidReason =
  | 'empty'
  | 'too-long'
  | 'not-utf8'
  | 'unrecognised-json'
  | 'missing-field'
  | 'bad-field'
  | 'too-few-parts'
  | 'unsupported-version'

/** What `parseCommitment` returns: a commitment, or why it is not one. */
export type ParsedCommitment = Commitment | { format: 'invalid'; reason: InvalidReason; detail: string }
