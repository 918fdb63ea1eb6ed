import { KinitroError, registerErrorFixes } from '#protocol'

/** Every code a {@link CommitError} can carry; `README.md` in this folder documents the same codes. */
export const COMMIT_ERROR_CODES = [
  'MINER_COMMIT_RECEIPT_MISSING',
  'MINER_COMMIT_RECEIPT_INVALID',
  'MINER_COMMIT_URL_NOT_PUBLIC',
  'MINER_COMMIT_TOO_LARGE',
  'MINER_COMMIT_OPTIONS_INVALID',
  'MINER_COMMIT_BACKEND_KEY_MISSING',
  'MINER_COMMIT_SUBNET_NOT_FOUND',
  'MINER_COMMIT_NOT_REGISTERED',
  'MINER_COMMIT_RATE_LIMITED',
  'MINER_COMMIT_CHAIN_UNAVAILABLE',
  'MINER_COMMIT_CHAIN_REFUSED',
  'MINER_COMMIT_READBACK_MISMATCH',
  'MINER_COMMIT_NOT_FOUND',
  'MINER_COMMIT_VERIFY_FAILED',
] as const

/** One of {@link COMMIT_ERROR_CODES}. */
export type CommitErrorCode = (typeof COMMIT_ERROR_CODES)[number]

/** Byte sizes of the parts a miner can shorten, for `MINER_COMMIT_TOO_LARGE`. */
export interface CommitmentParts {
  repo?: number
  competition?: number
  url?: number
}

/** What failed, with the numbers and names the message is built from. */
export type CommitErrorMeta =
  | { code: 'MINER_COMMIT_RECEIPT_MISSING'; path: string }
  | { code: 'MINER_COMMIT_RECEIPT_INVALID'; path: string; reason: string }
  | { code: 'MINER_COMMIT_URL_NOT_PUBLIC'; url: string }
  | {
      code: 'MINER_COMMIT_TOO_LARGE'
      bytes: number
      limit: number
      over: number
      format: string
      parts: CommitmentParts
    }
  | { code: 'MINER_COMMIT_OPTIONS_INVALID'; option: string; reason: string }
  | { code: 'MINER_COMMIT_BACKEND_KEY_MISSING'; backendHotkey: string; found: string }
  | { code: 'MINER_COMMIT_SUBNET_NOT_FOUND'; netuid: number }
  | { code: 'MINER_COMMIT_NOT_REGISTERED'; hotkey: string; netuid: number }
  | { code: 'MINER_COMMIT_RATE_LIMITED'; chainCode: string; detail: string }
  | { code: 'MINER_COMMIT_CHAIN_UNAVAILABLE'; chainCode: string; detail: string }
  | { code: 'MINER_COMMIT_CHAIN_REFUSED'; chainCode: string; detail: string }
  | { code: 'MINER_COMMIT_READBACK_MISMATCH'; hotkey: string; expected: string; found: string }
  | { code: 'MINER_COMMIT_NOT_FOUND'; hotkey: string; netuid: number }
  | { code: 'MINER_COMMIT_VERIFY_FAILED'; failed: string[] }

/** Building, submitting or verifying the miner's on-chain commitment failed. */
export class CommitError extends KinitroError<CommitErrorMeta> {}

/** What to do about each code (the CLI prints it under the error; the message has the specifics). */
export const COMMIT_ERROR_FIXES: Readonly<Record<CommitErrorCode, string>> = {
  MINER_COMMIT_RECEIPT_MISSING:
    'run `kinitro miner package` and `kinitro miner upload` first, or pass --receipt <upload.json>',
  MINER_COMMIT_RECEIPT_INVALID:
    'upload again (`kinitro miner upload`) to rewrite build/upload.json, or fix the named field',
  MINER_COMMIT_URL_NOT_PUBLIC:
    'validators download over https: set s3.publicUrl (e.g. https://pub-<id>.r2.dev) and upload again, or upload to Hugging Face',
  MINER_COMMIT_TOO_LARGE:
    'the chain stores at most 128 bytes: shorten the part the message names (repo name, competition id or URL) and upload/commit again',
  MINER_COMMIT_OPTIONS_INVALID: 'fix the named option; `kinitro miner commit --help` lists them with examples',
  MINER_COMMIT_BACKEND_KEY_MISSING:
    'check --backend-hotkey (the backend operator publishes {"t":"pk","k":…} there), or pass --backend-public-key <64 hex>',
  MINER_COMMIT_SUBNET_NOT_FOUND: 'check --netuid and --chain-url: no subnet with this netuid exists on that chain',
  MINER_COMMIT_NOT_REGISTERED:
    'register the hotkey on the subnet first: `btcli subnets register --netuid <N> --wallet.name <name> --wallet.hotkey <hotkey>` (on a dev chain the admin registers it: `kinitro chain dev` admin API)',
  MINER_COMMIT_RATE_LIMITED:
    'the chain allows only so much commitment space per epoch: wait for the next epoch (tempo blocks) and commit again',
  MINER_COMMIT_CHAIN_UNAVAILABLE: 'check --chain-kind/--chain-url and that the node is reachable, then retry',
  MINER_COMMIT_CHAIN_REFUSED: 'the chain refused the transaction; the message names the chain error and its fix',
  MINER_COMMIT_READBACK_MISMATCH:
    'another commit from this hotkey may have raced this one; run `kinitro miner show` and commit again',
  MINER_COMMIT_NOT_FOUND: 'this hotkey has no commitment on the subnet: run `kinitro miner commit` (check --netuid)',
  MINER_COMMIT_VERIFY_FAILED: 'fix each failed check listed above, then commit again if the artifact changed',
}

registerErrorFixes(COMMIT_ERROR_FIXES)
