import { KinitroError } from '../errors.js'

/** Every code {@link CommitmentError} can carry; mirrored in the README table by {@link COMMITMENT_ERROR_FIXES}. */
export const COMMITMENT_ERROR_CODES = [
  'COMMITMENT_TOO_LONG',
  'COMMITMENT_FORBIDDEN_CHARACTER',
  'COMMITMENT_FIELD_INVALID',
  'COMMITMENT_BASE85_INVALID',
  'COMMITMENT_KEY_INVALID',
  'COMMITMENT_DEPLOYMENT_NOT_UUID',
  'COMMITMENT_DECRYPT_FAILED',
] as const

export type CommitmentErrorCode = (typeof COMMITMENT_ERROR_CODES)[number]

/** Why an encrypted deployment id could not be opened. */
export type DecryptFailure = 'base85' | 'length' | 'key' | 'tag' | 'plaintext'

/** Metadata per code. Never carries key material. */
export type CommitmentErrorMeta =
  | { code: 'COMMITMENT_TOO_LONG'; bytes: number; limit: number }
  | { code: 'COMMITMENT_FORBIDDEN_CHARACTER'; field: string; character: string; index: number }
  | { code: 'COMMITMENT_FIELD_INVALID'; field: string; value: string; expected: string }
  | { code: 'COMMITMENT_BASE85_INVALID'; position: number; reason: 'character' | 'overflow' }
  | { code: 'COMMITMENT_KEY_INVALID'; key: 'public' | 'private'; reason: string }
  | { code: 'COMMITMENT_DEPLOYMENT_NOT_UUID'; value: string }
  | { code: 'COMMITMENT_DECRYPT_FAILED'; reason: DecryptFailure }

/** A commitment could not be built, or an encrypted deployment id could not be sealed or opened. */
export class CommitmentError extends KinitroError<CommitmentErrorMeta> {}

/** What the user should do about each code. */
export const COMMITMENT_ERROR_FIXES: Readonly<Record<CommitmentErrorCode, string>> = {
  COMMITMENT_TOO_LONG:
    'the chain stores at most 128 bytes (UTF-8); shorten the repo or competition id, or use a shorter format (k1 with an 8-char revision)',
  COMMITMENT_FORBIDDEN_CHARACTER:
    'remove the character: ":" separates fields, and whitespace or control characters are never valid in a field',
  COMMITMENT_FIELD_INVALID: 'fix the named field so it matches the expected shape given in the error',
  COMMITMENT_BASE85_INVALID: 'the blob is not Python b85 text; copy it again from the commitment, without quotes',
  COMMITMENT_KEY_INVALID: 'give the X25519 key as 64 hex characters (32 bytes), e.g. from `{"t":"pk","k":…}`',
  COMMITMENT_DEPLOYMENT_NOT_UUID: 'only UUID deployment ids can be encrypted; commit a URL deployment in the clear',
  COMMITMENT_DECRYPT_FAILED:
    'the blob was not sealed to this key or was altered; check the backend key pair, or ask the miner to re-commit',
}
