import { KinitroError, registerErrorFixes } from '#protocol'

/** Every code a {@link PackageError} can carry; `miner-cli/src/package/README.md` documents the same codes. */
export const PACKAGE_ERROR_CODES = [
  'MINER_PACKAGE_NOT_A_POLICY',
  'MINER_PACKAGE_ENTRY_MISSING',
  'MINER_PACKAGE_SYMLINK',
  'MINER_PACKAGE_SPECIAL_FILE',
  'MINER_PACKAGE_UNREADABLE',
  'MINER_PACKAGE_BAD_IGNORE',
  'MINER_PACKAGE_TOO_LARGE',
  'MINER_PACKAGE_CHANGED',
  'MINER_PACKAGE_WRITE_FAILED',
] as const

export type PackageErrorCode = (typeof PACKAGE_ERROR_CODES)[number]

/** What the miner should do about each code (printed under the error by the CLI). */
export const PACKAGE_ERROR_FIXES: Readonly<Record<PackageErrorCode, string>> = {
  MINER_PACKAGE_NOT_A_POLICY:
    'run package in (or pass) the policy folder; it needs a valid kinitro.json ({"name", "entry": [..., "{port}"]}) — `kinitro miner init` writes one',
  MINER_PACKAGE_ENTRY_MISSING:
    'create the file kinitro.json starts (TypeScript: npm run build writes dist/), or take it out of .kinitroignore',
  MINER_PACKAGE_SYMLINK:
    'replace the symlink with the file it points to (validators unpack regular files only), or list it in .kinitroignore',
  MINER_PACKAGE_SPECIAL_FILE:
    'remove the socket, FIFO or device file from the policy folder, or list it in .kinitroignore',
  MINER_PACKAGE_UNREADABLE: 'make the file readable (chmod a+r) or list it in .kinitroignore',
  MINER_PACKAGE_BAD_IGNORE:
    'fix the named line of .kinitroignore: patterns use *, ?, ** and a trailing / for folders; "!" (re-include) is not supported',
  MINER_PACKAGE_TOO_LARGE:
    "shrink the policy below the validators' fetch limits (packed 512 MiB, unpacked 2 GiB, 10 000 files): leave data out with .kinitroignore, compress weights",
  MINER_PACKAGE_CHANGED:
    'a file changed while it was being packed: stop whatever writes into the folder and package again',
  MINER_PACKAGE_WRITE_FAILED: 'check that the output folder (--out) is writable and the disk has space',
}

export type PackageErrorMeta = {
  code: PackageErrorCode
  /** The file, folder or limit concerned. */
  subject: string
  reason: string
}

/** Why `kinitro miner package` refused a policy folder or could not write its archive. */
export class PackageError extends KinitroError<PackageErrorMeta> {}

export function packageError(code: PackageErrorCode, subject: string, reason: string, cause?: unknown): PackageError {
  return new PackageError({ code, subject, reason }, reason, cause === undefined ? undefined : { cause })
}

registerErrorFixes(PACKAGE_ERROR_FIXES)
