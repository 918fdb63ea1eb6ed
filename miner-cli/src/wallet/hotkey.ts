import { isAbsolute, resolve } from 'node:path'
import {
  HOTKEY_MNEMONIC_ENV,
  type Hotkey,
  hotkeyFilePaths,
  IdentityError,
  type Logger,
  resolveHotkey,
  silentLogger,
} from '#protocol'
import type { MinerConfig } from '../config.js'
import { WalletError } from './errors.js'

/** A loaded hotkey and where it came from (shown to the miner, so a wrong wallet is noticed). */
export interface MinerHotkey {
  hotkey: Hotkey
  source: 'env' | 'file'
  /** The keyfile path, or the environment variable's name. */
  from: string
}

/** Options of {@link loadMinerHotkey}. */
export interface LoadMinerHotkeyOptions {
  /** Folder a relative `wallet.path` is resolved against. @default process.cwd() */
  cwd?: string
  /** Receives warnings (a keyfile readable by group or others). */
  warn?: (text: string) => void
}

/**
 * The miner's hotkey: `KINITRO_HOTKEY_MNEMONIC` from `env` when set, else the btcli keyfile
 * `<wallet.path>/<wallet.name>/hotkeys/<wallet.hotkey>`. Identity failures become the miner's own errors,
 * whose messages name the path tried and the commands that fix it.
 *
 * @throws {@link WalletError} `MINER_WALLET_NOT_FOUND`, `MINER_WALLET_UNREADABLE`, `MINER_WALLET_MNEMONIC_INVALID`.
 */
export async function loadMinerHotkey(
  wallet: MinerConfig['wallet'],
  env: Readonly<Record<string, string | undefined>>,
  options: LoadMinerHotkeyOptions = {},
): Promise<MinerHotkey> {
  // `~` is expanded by the identity module; anything else relative means the miner's folder, not ours.
  const path =
    wallet.path.startsWith('~') || isAbsolute(wallet.path) ? wallet.path : resolve(options.cwd ?? '.', wallet.path)
  const loc = { wallet: wallet.name, hotkey: wallet.hotkey, path }
  try {
    const got = await resolveHotkey({ ...loc, env, logger: warningLogger(options.warn) })
    return got.source === 'env'
      ? { hotkey: got.hotkey, source: 'env', from: got.env }
      : { hotkey: got.hotkey, source: 'file', from: got.file }
  } catch (err) {
    throw walletError(err, loc)
  }
}

function walletError(err: unknown, loc: { wallet: string; hotkey: string; path: string }): unknown {
  if (!(err instanceof IdentityError)) return err
  const meta = err.meta
  switch (meta.code) {
    case 'IDENTITY_KEY_FILE_NOT_FOUND':
      return new WalletError(
        { code: 'MINER_WALLET_NOT_FOUND', path: meta.path, wallet: loc.wallet, hotkey: loc.hotkey },
        `no hotkey file at ${meta.path} (wallet "${loc.wallet}", hotkey "${loc.hotkey}", wallets folder ${loc.path}), ` +
          `and ${HOTKEY_MNEMONIC_ENV} is not set. Create it with \`kinitro keys create-hotkey --wallet ${loc.wallet} ` +
          `--hotkey ${loc.hotkey} --wallets-path ${loc.path}\` or \`btcli wallet new_hotkey --wallet.name ${loc.wallet} ` +
          `--wallet.hotkey ${loc.hotkey}\``,
        { cause: err },
      )
    case 'IDENTITY_INVALID_MNEMONIC':
      return new WalletError(
        { code: 'MINER_WALLET_MNEMONIC_INVALID', env: HOTKEY_MNEMONIC_ENV, words: meta.words },
        `${HOTKEY_MNEMONIC_ENV} is set but is not a valid mnemonic (${meta.words} words)`,
        { cause: err },
      )
    default: {
      const file = 'path' in meta && typeof meta.path === 'string' ? meta.path : safeFile(loc)
      return new WalletError(
        { code: 'MINER_WALLET_UNREADABLE', path: file, identityCode: meta.code, reason: err.message },
        `cannot use the hotkey at ${file}: ${err.message}`,
        { cause: err },
      )
    }
  }
}

function safeFile(loc: { wallet: string; hotkey: string; path: string }): string {
  try {
    return hotkeyFilePaths(loc).file
  } catch {
    return `${loc.path}/${loc.wallet}/hotkeys/${loc.hotkey}`
  }
}

function warningLogger(warn: ((text: string) => void) | undefined): Logger {
  if (warn === undefined) return silentLogger
  const log: Logger = {
    ...silentLogger,
    warn: (msg, ctx) => warn(`warning: ${msg}${ctx?.['path'] === undefined ? '' : ` (${String(ctx['path'])})`}`),
    child: () => log,
  }
  return log
}
