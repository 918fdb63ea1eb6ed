import { type FailureCode, KinitroError } from '#protocol'

/** Every code a {@link FetchError} can carry; evaluator/src/fetch/README.md lists the same codes. */
export const FETCH_ERROR_CODES = [
  'EVAL_FETCH_CONFIG_INVALID',
  'EVAL_FETCH_REF_INVALID',
  'EVAL_FETCH_REVISION_NOT_PINNED',
  'EVAL_FETCH_INSECURE_URL',
  'EVAL_FETCH_NOT_FOUND',
  'EVAL_FETCH_AUTH_FAILED',
  'EVAL_FETCH_UNAVAILABLE',
  'EVAL_FETCH_TOO_LARGE',
  'EVAL_FETCH_DIGEST_MISMATCH',
  'EVAL_FETCH_ARCHIVE_UNSAFE',
  'EVAL_FETCH_ARCHIVE_LIMIT',
  'EVAL_FETCH_ARCHIVE_CORRUPT',
  'EVAL_FETCH_CACHE_FAILED',
  'EVAL_FETCH_ABORTED',
] as const

/** One of {@link FETCH_ERROR_CODES}. */
export type FetchErrorCode = (typeof FETCH_ERROR_CODES)[number]

/**
 * The episode failure code each fetch error becomes. Whose fault it is decides scoring: a wrong digest, a
 * missing file at a pinned revision or an unsafe archive is the miner's (`policy_*`); an unreachable host, a
 * rejected token or a timeout is not (`network_*`), and the job is re-run instead of scored.
 */
export const FETCH_FAILURE: Readonly<Record<FetchErrorCode, FailureCode>> = {
  EVAL_FETCH_CONFIG_INVALID: 'validator_internal',
  EVAL_FETCH_REF_INVALID: 'policy_artifact_invalid',
  EVAL_FETCH_REVISION_NOT_PINNED: 'policy_artifact_invalid',
  EVAL_FETCH_INSECURE_URL: 'policy_artifact_invalid',
  EVAL_FETCH_NOT_FOUND: 'policy_artifact_invalid',
  EVAL_FETCH_AUTH_FAILED: 'network_artifact_unavailable',
  EVAL_FETCH_UNAVAILABLE: 'network_artifact_unavailable',
  EVAL_FETCH_TOO_LARGE: 'policy_artifact_invalid',
  EVAL_FETCH_DIGEST_MISMATCH: 'policy_artifact_mismatch',
  EVAL_FETCH_ARCHIVE_UNSAFE: 'policy_artifact_invalid',
  EVAL_FETCH_ARCHIVE_LIMIT: 'policy_artifact_invalid',
  EVAL_FETCH_ARCHIVE_CORRUPT: 'policy_artifact_invalid',
  EVAL_FETCH_CACHE_FAILED: 'validator_internal',
  EVAL_FETCH_ABORTED: 'validator_cancelled',
}

/** Metadata of every fetch error: what failed, where, and the failure code an episode records for it. */
export type FetchErrorMeta = {
  code: FetchErrorCode
  failure: FailureCode
  /** `hf:<repo>@<rev>/<file>`, the URL, or `s3://bucket/key`. */
  source: string
  reason: string
  /** HTTP status, when a server answered. */
  status?: number
  /** Digest or byte limit the artifact was checked against. */
  expected?: string
  actual?: string
}

/**
 * Why an artifact could not be fetched. `meta.failure` is the episode failure code to record; operator
 * problems (config, cache disk, credentials) also have a fix in {@link FETCH_ERROR_FIXES}.
 *
 * @example
 * ```ts
 * try { await fetcher.fetch(ref) } catch (err) { return { error: fetchFailureCode(err) } }
 * ```
 */
export class FetchError extends KinitroError<FetchErrorMeta> {}

/** Builds a {@link FetchError}, deriving `failure` from the code. */
export function fetchError(
  code: FetchErrorCode,
  source: string,
  reason: string,
  extra: Partial<Pick<FetchErrorMeta, 'status' | 'expected' | 'actual'>> = {},
  cause?: unknown,
): FetchError {
  return new FetchError({ code, failure: FETCH_FAILURE[code], source, reason, ...extra }, `${code}: ${reason}`, {
    cause,
  })
}

/** The episode failure code for anything a fetch threw; unknown errors are our own bug. */
export function fetchFailureCode(err: unknown): FailureCode {
  return err instanceof FetchError ? err.meta.failure : 'validator_internal'
}

/** What to do about each code (operator's view; `policy_*` ones say what the miner must fix). */
export const FETCH_ERROR_FIXES: Readonly<Record<FetchErrorCode, string>> = {
  EVAL_FETCH_CONFIG_INVALID: 'fix the fetcher option named in the message (cacheDir, limits, hubUrl, s3)',
  EVAL_FETCH_REF_INVALID: "the miner's reference is malformed (repo id, 64-hex sha256, file path); nothing to fix here",
  EVAL_FETCH_REVISION_NOT_PINNED:
    'the miner must commit a full 40-hex commit sha; branch names and short prefixes can move and are refused',
  EVAL_FETCH_INSECURE_URL: 'artifact URLs must be https:// (allowInsecureHttp exists for tests only)',
  EVAL_FETCH_NOT_FOUND: 'the file does not exist at the pinned revision/URL/key; the miner must fix the reference',
  EVAL_FETCH_AUTH_FAILED:
    'check hfToken (must start with hf_ and grant read access) or the S3 credentials; gated repos need accepted terms',
  EVAL_FETCH_UNAVAILABLE: 'transient: check connectivity/DNS to the host and retry; raise timeoutMs for slow links',
  EVAL_FETCH_TOO_LARGE: 'the artifact exceeds maxDownloadBytes; the miner must ship a smaller archive',
  EVAL_FETCH_DIGEST_MISMATCH: 'the bytes differ from the committed sha256; the miner must commit the right digest',
  EVAL_FETCH_ARCHIVE_UNSAFE:
    'the archive has links, devices, absolute or ".." paths; the miner must ship only regular files and directories',
  EVAL_FETCH_ARCHIVE_LIMIT: 'the archive unpacks past maxUnpackedBytes or maxFiles; the miner must shrink it',
  EVAL_FETCH_ARCHIVE_CORRUPT: 'the artifact is not a readable .tar.gz; the miner must re-create it',
  EVAL_FETCH_CACHE_FAILED: 'check that cacheDir is writable and has free space',
  EVAL_FETCH_ABORTED: 'the caller cancelled the fetch (shutdown or lease lost); nothing to fix',
}
