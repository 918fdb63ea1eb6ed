import { KinitroError, registerErrorFixes } from '#protocol'

/** Every code a {@link WalletError} can carry; `README.md` in this folder documents the same codes. */
export const WALLET_ERROR_CODES = [
  'MINER_WALLET_NOT_FOUND',
  'MINER_WALLET_UNREADABLE',
  'MINER_WALLET_MNEMONIC_INVALID',
] as const

/** One of {@link WALLET_ERROR_CODES}. */
export type WalletErrorCode = (typeof WALLET_ERROR_CODES)[number]

/** What failed and where. `identityCode` is the underlying `IDENTITY_*` code from #protocol. Never a secret. */
export type WalletErrorMeta =
  | { code: 'MINER_WALLET_NOT_FOUND'; path: string; wallet: string; hotkey: string }
  | { code: 'MINER_WALLET_UNREADABLE'; path: string; identityCode: string; reason: string }
  | { code: 'MINER_WALLET_MNEMONIC_INVALID'; env: string; words: number }

/** The miner's hotkey could not be loaded. */
export class WalletError extends KinitroError<WalletErrorMeta> {}

/** What to do about each code (the CLI prints it under the error). */
export const WALLET_ERROR_FIXES: Readonly<Record<WalletErrorCode, string>> = {
  MINER_WALLET_NOT_FOUND:
    'create the hotkey (`btcli wallet new_hotkey --wallet.name <name> --wallet.hotkey <hotkey>`, or `kinitro keys create-hotkey --wallet <name> --hotkey <hotkey>`), point --wallet-name/--wallet-hotkey/--wallet-path at an existing one, or set KINITRO_HOTKEY_MNEMONIC',
  MINER_WALLET_UNREADABLE:
    'the hotkey file exists but cannot be used (encrypted, unreadable or corrupt): set KINITRO_HOTKEY_MNEMONIC to its mnemonic, or regenerate it unencrypted with `btcli wallet regen-hotkey --no-use-password`',
  MINER_WALLET_MNEMONIC_INVALID:
    'KINITRO_HOTKEY_MNEMONIC must be the hotkey’s BIP-39 mnemonic (12–24 English words); fix or unset it to use the wallet file',
}

registerErrorFixes(WALLET_ERROR_FIXES)
