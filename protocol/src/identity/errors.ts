import { KinitroError } from '../errors.js'

/** Which kind of key file an error is about. */
export type KeyFileKind = 'hotkey' | 'node-key'

/** Every code {@link IdentityError} can carry; the README table and the CLI read {@link IDENTITY_ERROR_FIXES}. */
export const IDENTITY_ERROR_CODES = [
  'IDENTITY_KEY_FILE_NOT_FOUND',
  'IDENTITY_KEY_FILE_UNREADABLE',
  'IDENTITY_KEY_FILE_INSECURE',
  'IDENTITY_KEY_FILE_EXISTS',
  'IDENTITY_HOTKEY_ENCRYPTED',
  'IDENTITY_HOTKEY_MALFORMED',
  'IDENTITY_HOTKEY_NO_SECRET',
  'IDENTITY_HOTKEY_ADDRESS_MISMATCH',
  'IDENTITY_WALLET_NAME_INVALID',
  'IDENTITY_INVALID_MNEMONIC',
  'IDENTITY_INVALID_SEED',
  'IDENTITY_INVALID_URI',
  'IDENTITY_INVALID_ADDRESS',
  'IDENTITY_NODE_KEY_MALFORMED',
  'IDENTITY_NODE_KEY_UNSUPPORTED',
  'IDENTITY_CRYPTO_NOT_READY',
  'IDENTITY_CRYPTO_INIT_FAILED',
] as const

/** One of {@link IDENTITY_ERROR_CODES}. */
export type IdentityErrorCode = (typeof IDENTITY_ERROR_CODES)[number]

/** Metadata per code. Never carries secret material: paths, names, addresses and reasons only. */
export type IdentityErrorMeta =
  | { code: 'IDENTITY_KEY_FILE_NOT_FOUND'; kind: KeyFileKind; path: string }
  | { code: 'IDENTITY_KEY_FILE_UNREADABLE'; kind: KeyFileKind; path: string; reason: string }
  | { code: 'IDENTITY_KEY_FILE_INSECURE'; kind: KeyFileKind; path: string; mode: string }
  | { code: 'IDENTITY_KEY_FILE_EXISTS'; kind: KeyFileKind; path: string }
  | { code: 'IDENTITY_HOTKEY_ENCRYPTED'; path: string; method: KeyfileEncryption }
  | { code: 'IDENTITY_HOTKEY_MALFORMED'; path: string; reason: string }
  | { code: 'IDENTITY_HOTKEY_NO_SECRET'; path: string }
  | { code: 'IDENTITY_HOTKEY_ADDRESS_MISMATCH'; path: string; field: string; expected: string; derived: string }
  | { code: 'IDENTITY_WALLET_NAME_INVALID'; name: string }
  | { code: 'IDENTITY_INVALID_MNEMONIC'; words: number }
  | { code: 'IDENTITY_INVALID_SEED'; reason: string }
  | { code: 'IDENTITY_INVALID_URI'; reason: string }
  | { code: 'IDENTITY_INVALID_ADDRESS'; address: string; reason: string }
  | { code: 'IDENTITY_NODE_KEY_MALFORMED'; path: string; reason: string }
  | { code: 'IDENTITY_NODE_KEY_UNSUPPORTED'; path: string; keyType: string }
  | { code: 'IDENTITY_CRYPTO_NOT_READY' }
  | { code: 'IDENTITY_CRYPTO_INIT_FAILED' }

/** How btcli encrypted a keyfile, recognised by its prefix (btwallet `keyfile.rs`). */
export type KeyfileEncryption = 'nacl' | 'ansible-vault' | 'legacy-fernet'

/** A key could not be created, read, written or used. */
export class IdentityError extends KinitroError<IdentityErrorMeta> {}

/** What the user should do about each code; printed by `kinitro keys` and mirrored in the README table. */
export const IDENTITY_ERROR_FIXES: Readonly<Record<IdentityErrorCode, string>> = {
  IDENTITY_KEY_FILE_NOT_FOUND:
    'check --wallet/--hotkey/--wallets-path (or the node key path); create one with `kinitro keys create-hotkey` or `kinitro keys create-node-key`',
  IDENTITY_KEY_FILE_UNREADABLE: 'make the file readable by the user running kinitro (and check it is a file)',
  IDENTITY_KEY_FILE_INSECURE: 'restrict the key file to its owner: chmod 600 <file>',
  IDENTITY_KEY_FILE_EXISTS: 'pick another name, or pass --force to overwrite (the old key is lost)',
  IDENTITY_HOTKEY_ENCRYPTED:
    'hotkeys must be unencrypted: regenerate it with `btcli wallet regen-hotkey --no-use-password`, or set KINITRO_HOTKEY_MNEMONIC to its mnemonic',
  IDENTITY_HOTKEY_MALFORMED: 'the hotkey file is not btcli keyfile JSON; regenerate it from its mnemonic',
  IDENTITY_HOTKEY_NO_SECRET:
    'this file holds only a public key (e.g. a *pub.txt); point at the hotkey file itself, or regenerate it from its mnemonic',
  IDENTITY_HOTKEY_ADDRESS_MISMATCH:
    'the secret in the file does not produce its ss58Address; the file was edited or corrupted, regenerate it from its mnemonic',
  IDENTITY_WALLET_NAME_INVALID:
    'wallet and hotkey names are plain names: no "/", "\\", leading "." or control characters',
  IDENTITY_INVALID_MNEMONIC: 'use a valid BIP-39 English mnemonic of 12, 15, 18, 21 or 24 words',
  IDENTITY_INVALID_SEED: 'give the 32-byte mini-secret as 64 hex characters (0x prefix optional)',
  IDENTITY_INVALID_URI: 'use a secret URI such as //Alice, "<mnemonic>//hard/soft" or 0x<seed>//path',
  IDENTITY_INVALID_ADDRESS: 'give a Bittensor SS58 address (prefix 42, 48 characters starting with 5)',
  IDENTITY_NODE_KEY_MALFORMED:
    'the node key file is not a protobuf libp2p private key; move it away and run `kinitro keys create-node-key`',
  IDENTITY_NODE_KEY_UNSUPPORTED: 'node keys must be Ed25519; create one with `kinitro keys create-node-key`',
  IDENTITY_CRYPTO_NOT_READY: 'await initCrypto() once before any sr25519 sign or verify',
  IDENTITY_CRYPTO_INIT_FAILED: 'the @polkadot/wasm-crypto WASM failed to load; reinstall dependencies',
}
