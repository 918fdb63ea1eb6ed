import { KinitroError } from '#protocol'

/** Every code an {@link ArtifactError} can carry; evaluator/src/artifacts/README.md lists the same codes. */
export const ARTIFACT_ERROR_CODES = [
  'EVAL_ARTIFACT_BAD_KEY',
  'EVAL_ARTIFACT_NOT_FOUND',
  'EVAL_ARTIFACT_CONFIG_INVALID',
  'EVAL_ARTIFACT_IO_FAILED',
  'EVAL_ARTIFACT_DIGEST_MISMATCH',
  'EVAL_ARTIFACT_TRACE_INVALID',
  'EVAL_ARTIFACT_VIDEO_FAILED',
] as const

/** One of {@link ARTIFACT_ERROR_CODES}. */
export type ArtifactErrorCode = (typeof ARTIFACT_ERROR_CODES)[number]

/** Metadata per code: plain data, so the error survives `toObject()` across process boundaries. */
export type ArtifactErrorMeta =
  | { code: 'EVAL_ARTIFACT_BAD_KEY'; key: string; reason: string }
  | { code: 'EVAL_ARTIFACT_NOT_FOUND'; store: string; key: string }
  | { code: 'EVAL_ARTIFACT_CONFIG_INVALID'; store: string; field: string; reason: string }
  | { code: 'EVAL_ARTIFACT_IO_FAILED'; store: string; op: string; key: string; reason: string }
  | { code: 'EVAL_ARTIFACT_DIGEST_MISMATCH'; store: string; key: string; expected: string; actual: string }
  | { code: 'EVAL_ARTIFACT_TRACE_INVALID'; key: string; reason: string }
  | { code: 'EVAL_ARTIFACT_VIDEO_FAILED'; camera: string; reason: string }

/**
 * Errors raised by artifact stores and the episode logger. Branch on `err.code`; never on the message.
 *
 * @example
 * ```ts
 * try { await store.get(key) } catch (err) { if (hasCode(err, 'EVAL_ARTIFACT_NOT_FOUND')) return undefined }
 * ```
 */
export class ArtifactError extends KinitroError<ArtifactErrorMeta> {}

/** What the operator should do about each code; mirrored in the README table. */
export const ARTIFACT_ERROR_FIXES: Readonly<Record<ArtifactErrorCode, string>> = {
  EVAL_ARTIFACT_BAD_KEY:
    'build keys with episodeKeyPrefix(); keys are relative "/"-separated paths without "..", "\\", NUL or empty segments',
  EVAL_ARTIFACT_NOT_FOUND: 'check the key (list the prefix) and that the writer finished; use head() to test existence',
  EVAL_ARTIFACT_CONFIG_INVALID: 'fix the named store option (bucket, region, endpoint URL, part size >= 5 MiB, root)',
  EVAL_ARTIFACT_IO_FAILED:
    'check disk space and permissions of the folder root, or the S3 endpoint, credentials and bucket (the reason says which)',
  EVAL_ARTIFACT_DIGEST_MISMATCH:
    'the body changed between hashing and storing; pass the SHA-256 of the exact bytes, or omit meta.sha256 to let the store compute it',
  EVAL_ARTIFACT_TRACE_INVALID:
    'the stored episode files are damaged or from another version; rewrite them with writeEpisodeArtifacts()',
  EVAL_ARTIFACT_VIDEO_FAILED: 'pass RGB uint8 [H, W, 3] frames of one size (at least 2x2) and a positive fps',
}
