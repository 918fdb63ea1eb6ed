import { KinitroError, registerErrorFixes } from '#protocol'

/** Every code `kinitro devnet` raises itself; chain codes (`CHAIN_*`) of the chain it runs on pass through. */
export const DEVNET_ERROR_CODES = ['DEVNET_CHAIN_NOT_DEV', 'DEVNET_CHAIN_CHANGED'] as const

/** One of {@link DEVNET_ERROR_CODES}. */
export type DevnetErrorCode = (typeof DEVNET_ERROR_CODES)[number]

/** Metadata per code. */
export type DevnetErrorMeta =
  | { code: 'DEVNET_CHAIN_NOT_DEV'; url: string; missing: string[] }
  | { code: 'DEVNET_CHAIN_CHANGED'; dataDir: string; was: string; now: string }

/**
 * Errors of `kinitro devnet`. Branch on `err.code`.
 *
 * @example
 * ```ts
 * try { await runDevnet(opts, out) } catch (err) { if (hasCode(err, 'DEVNET_CHAIN_CHANGED')) startFresh() }
 * ```
 */
export class DevnetError extends KinitroError<DevnetErrorMeta> {}

/** What the operator should do about each code; printed under the error, mirrored in cli/README.md. */
export const DEVNET_ERROR_FIXES: Readonly<Record<DevnetErrorCode, string>> = {
  DEVNET_CHAIN_NOT_DEV:
    'point --chain-url at a chopsticks node serving a Subtensor runtime (docs/validator.md "Running against a real chain"), or leave --chain-url out to use the embedded dev chain; a live Subtensor (finney, testnet) cannot host a devnet',
  DEVNET_CHAIN_CHANGED:
    'pass --fresh to start a new devnet on this chain, or run against the chain the data dir was made on (the same --chain-url, with the chain process that holds its state still running)',
}

registerErrorFixes(DEVNET_ERROR_FIXES)
