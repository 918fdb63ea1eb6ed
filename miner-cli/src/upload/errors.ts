import { KinitroError, registerErrorFixes } from '#protocol'

/** Every code an {@link UploadError} can carry; miner-cli/src/upload/README.md documents the same codes. */
export const UPLOAD_ERROR_CODES = [
  'MINER_UPLOAD_ARCHIVE_MISSING',
  'MINER_UPLOAD_NO_TOKEN',
  'MINER_UPLOAD_TOKEN_MALFORMED',
  'MINER_UPLOAD_AUTH_FAILED',
  'MINER_UPLOAD_REPO_INVALID',
  'MINER_UPLOAD_REPO_NOT_FOUND',
  'MINER_UPLOAD_HUB_UNAVAILABLE',
  'MINER_UPLOAD_HUB_REJECTED',
  'MINER_UPLOAD_S3_CONFIG_MISSING',
  'MINER_UPLOAD_S3_AUTH_FAILED',
  'MINER_UPLOAD_S3_BUCKET_NOT_FOUND',
  'MINER_UPLOAD_S3_FAILED',
  'MINER_UPLOAD_VERIFY_FAILED',
  'MINER_UPLOAD_ABORTED',
] as const

/** One of {@link UPLOAD_ERROR_CODES}. */
export type UploadErrorCode = (typeof UPLOAD_ERROR_CODES)[number]

/** What failed and where. Never holds a token or a secret key: errors are printed and logged as they are. */
export type UploadErrorMeta = {
  code: UploadErrorCode
  /** Which upload: the hub, the bucket, or the local archive before either. */
  target: 'hf' | 's3' | 'local'
  reason: string
  /** HTTP status, when a server answered. */
  status?: number
  /** The repo, `s3://bucket/key` or file path the error is about. */
  where?: string
}

/**
 * Why `kinitro miner upload` failed. The message says what happened; {@link UPLOAD_ERROR_FIXES} (printed as
 * "how to fix" by the CLI) says what to do.
 */
export class UploadError extends KinitroError<UploadErrorMeta> {}

/** Builds an {@link UploadError}; the message is the reason, so the CLI prints `error CODE: reason`. */
export function uploadError(
  code: UploadErrorCode,
  target: UploadErrorMeta['target'],
  reason: string,
  extra: Pick<UploadErrorMeta, 'status' | 'where'> = {},
  cause?: unknown,
): UploadError {
  return new UploadError({ code, target, reason, ...extra }, reason, { cause })
}

/** What the miner should do about each code. */
export const UPLOAD_ERROR_FIXES: Readonly<Record<UploadErrorCode, string>> = {
  MINER_UPLOAD_ARCHIVE_MISSING: 'run `kinitro miner package` first, or pass the archive path as the argument',
  MINER_UPLOAD_NO_TOKEN:
    'export HF_TOKEN=hf_… (a write token from https://huggingface.co/settings/tokens) or run `huggingface-cli login`',
  MINER_UPLOAD_TOKEN_MALFORMED:
    'the token must start with hf_; copy it again from https://huggingface.co/settings/tokens (check for quotes or spaces)',
  MINER_UPLOAD_AUTH_FAILED:
    'check that HF_TOKEN is valid and has write scope, and that the repo namespace is your user or an org you can write to',
  MINER_UPLOAD_REPO_INVALID: 'set the repo as <namespace>/<name> with --hub-repo or `[hub] repo` in kinitro-miner.toml',
  MINER_UPLOAD_REPO_NOT_FOUND: 'create the repo on the hub, or drop --no-create-repo so upload creates it',
  MINER_UPLOAD_HUB_UNAVAILABLE: 'the hub is down or unreachable (5xx, 429 or network): check --hub-url and retry later',
  MINER_UPLOAD_HUB_REJECTED: 'the hub refused the request; read its message above, fix the file or repo, and retry',
  MINER_UPLOAD_S3_CONFIG_MISSING:
    'set --s3-bucket (and --s3-endpoint for R2) and export AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (an R2 API token works the same)',
  MINER_UPLOAD_S3_AUTH_FAILED:
    'check AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY and that the key may PutObject and HeadObject in this bucket',
  MINER_UPLOAD_S3_BUCKET_NOT_FOUND: 'create the bucket first, or fix --s3-bucket / --s3-endpoint / --s3-region',
  MINER_UPLOAD_S3_FAILED: 'transient or server-side: check --s3-endpoint and connectivity, then retry',
  MINER_UPLOAD_VERIFY_FAILED:
    'the stored file is not what was sent: upload again; if it repeats, the hub or bucket is rewriting files',
  MINER_UPLOAD_ABORTED: 'the upload was cancelled (Ctrl-C or a deadline); run it again',
}

registerErrorFixes(UPLOAD_ERROR_FIXES)
