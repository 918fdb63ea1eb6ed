import { join } from 'node:path'
import type { HotkeySecret } from './btcli-keyfile.js'
import {
  hotkeyFromBtcliKeyfile,
  parseBtcliKeyfile,
  serializeBtcliKeyfile,
  serializeBtcliPubKeyfile,
} from './btcli-keyfile.js'
import { DEFAULT_WALLETS_PATH, HOTKEY_MNEMONIC_ENV } from './constants.js'
import { IdentityError } from './errors.js'
import { type Hotkey, hotkeyFromMnemonic } from './hotkey.js'
import { expandHome, type ReadKeyFileOptions, readKeyFile, writeKeyFile } from './key-file.js'

/** Where a hotkey lives in a btcli wallet tree: `<path>/<wallet>/hotkeys/<hotkey>`. */
export interface HotkeyLocation {
  /** Wallet (coldkey) name, btcli `--wallet.name`. */
  wallet: string
  /** Hotkey name, btcli `--wallet.hotkey`. */
  hotkey: string
  /** Wallets directory; a leading `~` is the home directory. @default '~/.bittensor/wallets' */
  path?: string
}

// Names become path segments: refuse anything that could climb out of the wallet tree or hide a file.
function checkName(name: string): void {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what we refuse
  if (name === '' || name.startsWith('.') || /[/\\\u0000-\u001f\u007f]/.test(name)) {
    throw new IdentityError(
      { code: 'IDENTITY_WALLET_NAME_INVALID', name },
      `invalid wallet or hotkey name ${JSON.stringify(name)}`,
    )
  }
}

/** Absolute paths of a hotkey's keyfile and its `<hotkey>pub.txt` sidecar. Validates the names. */
export function hotkeyFilePaths(loc: HotkeyLocation): { file: string; pubFile: string } {
  checkName(loc.wallet)
  checkName(loc.hotkey)
  const dir = join(expandHome(loc.path ?? DEFAULT_WALLETS_PATH), loc.wallet, 'hotkeys')
  return { file: join(dir, loc.hotkey), pubFile: join(dir, `${loc.hotkey}pub.txt`) }
}

/** Options for {@link loadHotkey}. */
export interface LoadHotkeyInit extends HotkeyLocation, ReadKeyFileOptions {}

/**
 * Load a hotkey from btcli's unencrypted keyfile, check it against its recorded address, and return it
 * ready to sign. Encrypted keyfiles are refused with `IDENTITY_HOTKEY_ENCRYPTED`.
 *
 * @example
 * ```ts
 * const hotkey = await loadHotkey({ wallet: 'validator', hotkey: 'default' })
 * hotkey.signer.sign(bytes)
 * ```
 */
export async function loadHotkey(init: LoadHotkeyInit): Promise<Hotkey> {
  const { file } = hotkeyFilePaths(init)
  const data = await readKeyFile('hotkey', file, init)
  return hotkeyFromBtcliKeyfile(parseBtcliKeyfile(data, file), file)
}

/** Options for {@link writeHotkeyFile}. */
export interface WriteHotkeyFileInit extends HotkeyLocation {
  secret: HotkeySecret
  /** Overwrite an existing hotkey file. @default false */
  force?: boolean
}

/**
 * Write a hotkey keyfile (mode 0600, new directories 0700) and its `<hotkey>pub.txt`, in the format btcli
 * writes and reads, so either tool can use the other's files.
 */
export async function writeHotkeyFile(
  init: WriteHotkeyFileInit,
): Promise<{ hotkey: Hotkey; file: string; pubFile: string }> {
  const { file, pubFile } = hotkeyFilePaths(init)
  const { json, publicKey } = serializeBtcliKeyfile(init.secret)
  await writeKeyFile('hotkey', file, json, { force: init.force ?? false })
  // Public data; rewritten even without force so a stale sidecar never disagrees with the new key.
  await writeKeyFile('hotkey', pubFile, serializeBtcliPubKeyfile(publicKey), { force: true })
  const hotkey = await hotkeyFromBtcliKeyfile(parseBtcliKeyfile(Buffer.from(json), file), file)
  return { hotkey, file, pubFile }
}

/** Options for {@link resolveHotkey}. */
export interface ResolveHotkeyInit extends LoadHotkeyInit {
  /** Environment to read {@link HOTKEY_MNEMONIC_ENV} from. @default process.env */
  env?: Readonly<Record<string, string | undefined>>
}

/**
 * The hotkey a node should use: the mnemonic in `KINITRO_HOTKEY_MNEMONIC` when set (for hotkeys kept
 * encrypted or in a secret store; an env var stays out of `ps` and shell history, a flag would not),
 * otherwise the wallet's keyfile.
 */
export async function resolveHotkey(
  init: ResolveHotkeyInit,
): Promise<{ hotkey: Hotkey; source: 'env'; env: string } | { hotkey: Hotkey; source: 'file'; file: string }> {
  const phrase = (init.env ?? process.env)[HOTKEY_MNEMONIC_ENV]
  if (phrase !== undefined && phrase.trim() !== '') {
    return { hotkey: await hotkeyFromMnemonic(phrase), source: 'env', env: HOTKEY_MNEMONIC_ENV }
  }
  return { hotkey: await loadHotkey(init), source: 'file', file: hotkeyFilePaths(init).file }
}
