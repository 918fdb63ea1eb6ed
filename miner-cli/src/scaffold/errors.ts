import { KinitroError, registerErrorFixes } from '#protocol'

/** Every code a {@link ScaffoldError} can carry; `miner-cli/src/scaffold/README.md` documents the same codes. */
export const SCAFFOLD_ERROR_CODES = [
  'MINER_SCAFFOLD_UNKNOWN_TEMPLATE',
  'MINER_SCAFFOLD_BAD_NAME',
  'MINER_SCAFFOLD_BAD_SETTING',
  'MINER_SCAFFOLD_DIR_NOT_EMPTY',
  'MINER_SCAFFOLD_NOT_A_DIR',
  'MINER_SCAFFOLD_WRITE_FAILED',
] as const

export type ScaffoldErrorCode = (typeof SCAFFOLD_ERROR_CODES)[number]

/** What the miner should do about each code (printed under the error by the CLI). */
export const SCAFFOLD_ERROR_FIXES: Readonly<Record<ScaffoldErrorCode, string>> = {
  MINER_SCAFFOLD_UNKNOWN_TEMPLATE: 'pass --template python or --template typescript',
  MINER_SCAFFOLD_BAD_NAME:
    'pass --name with 1-64 characters: lower-case letters, digits, ".", "_" or "-", starting with a letter or digit',
  MINER_SCAFFOLD_BAD_SETTING:
    'pass --repo as <namespace>/<name> (a Hugging Face model repo) and --competition as an id of letters, digits, ".", "_" or "-" (at most 32)',
  MINER_SCAFFOLD_DIR_NOT_EMPTY:
    'pick a new or empty folder, or pass --force to write the template into this one (files with the same names are replaced)',
  MINER_SCAFFOLD_NOT_A_DIR: 'the target exists and is a file: pick another path for the policy folder',
  MINER_SCAFFOLD_WRITE_FAILED: 'check that the folder is writable and the disk has space, then run init again',
}

export type ScaffoldErrorMeta = {
  code: ScaffoldErrorCode
  /** The folder, template name or policy name concerned. */
  subject: string
  reason: string
}

/** Why `kinitro miner init` could not scaffold a policy folder. */
export class ScaffoldError extends KinitroError<ScaffoldErrorMeta> {}

export function scaffoldError(
  code: ScaffoldErrorCode,
  subject: string,
  reason: string,
  cause?: unknown,
): ScaffoldError {
  return new ScaffoldError({ code, subject, reason }, reason, cause === undefined ? undefined : { cause })
}

registerErrorFixes(SCAFFOLD_ERROR_FIXES)
