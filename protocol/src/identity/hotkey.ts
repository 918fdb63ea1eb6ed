import { inspect } from 'node:util'
import { hexToU8a, isHex, u8aToHex } from '@polkadot/util'
import {
  decodeAddress,
  encodeAddress,
  keyExtractSuri,
  keyFromPath,
  mnemonicGenerate,
  mnemonicToMiniSecret,
  mnemonicValidate,
  sr25519PairFromSeed,
} from '@polkadot/util-crypto'
import { BITTENSOR_SS58_PREFIX, DEV_PHRASE, HOTKEY_MNEMONIC_WORDS } from './constants.js'
import { IdentityError } from './errors.js'
import { initCrypto, type Signer, sr25519Signer } from './signer.js'

/**
 * A Bittensor hotkey (sr25519) ready to sign. The secret lives only inside `signer`; `JSON.stringify` and
 * `util.inspect` show the address and public key, never the secret.
 */
export interface Hotkey {
  /** SS58 address, prefix 42. */
  readonly ss58: string
  /** 32-byte sr25519 public key (the AccountId). */
  readonly publicKey: Uint8Array
  readonly signer: Signer
}

/** A 32-byte sr25519 key pair in polkadot-js layout (secret key "ed25519-expanded", see schnorrkel.ts). */
export interface Sr25519Pair {
  publicKey: Uint8Array
  secretKey: Uint8Array
}

class HotkeyImpl implements Hotkey {
  readonly ss58: string
  readonly publicKey: Uint8Array
  readonly signer: Signer

  constructor(pair: Sr25519Pair) {
    this.publicKey = pair.publicKey
    this.ss58 = ss58FromPublicKey(pair.publicKey)
    this.signer = sr25519Signer(pair.publicKey, pair.secretKey)
    Object.freeze(this)
  }

  toJSON(): { scheme: 'sr25519'; ss58: string; publicKey: string } {
    return { scheme: 'sr25519', ss58: this.ss58, publicKey: u8aToHex(this.publicKey) }
  }

  [inspect.custom](): string {
    return `Hotkey(${this.ss58})`
  }
}

/** SS58 address (prefix 42) of a 32-byte public key. */
export function ss58FromPublicKey(publicKey: Uint8Array): string {
  return encodeAddress(publicKey, BITTENSOR_SS58_PREFIX)
}

/** The 32-byte public key of an SS58 address with Bittensor's prefix 42; hex and other prefixes are refused. */
export function decodeSs58(address: string): Uint8Array {
  let reason: string
  if (isHex(address)) {
    reason = 'hex, not SS58'
  } else {
    try {
      const key = decodeAddress(address, false, BITTENSOR_SS58_PREFIX)
      if (key.length === 32) return key
      reason = `decodes to ${key.length} bytes, not 32`
    } catch (err) {
      reason = err instanceof Error ? err.message : String(err)
    }
  }
  throw new IdentityError({ code: 'IDENTITY_INVALID_ADDRESS', address, reason }, `not an SS58 address: ${reason}`)
}

/** Wrap an sr25519 pair as a {@link Hotkey}, after making sure the signing WASM is loaded. */
export async function hotkeyFromPair(pair: Sr25519Pair): Promise<Hotkey> {
  await initCrypto()
  return new HotkeyImpl(pair)
}

/** A fresh BIP-39 mnemonic, 12 words like btcli's `new_hotkey`. */
export function generateMnemonic(words: 12 | 15 | 18 | 21 | 24 = HOTKEY_MNEMONIC_WORDS): string {
  return mnemonicGenerate(words)
}

/** Collapse the whitespace a phrase picks up in env vars and copy-paste; BIP-39 joins words by one space. */
export function normalizeMnemonic(phrase: string): string {
  return phrase.trim().split(/\s+/).join(' ')
}

/** The 32-byte mini-secret btcli stores as `secretSeed` (Substrate BIP-39, empty password). */
export function miniSecretFromMnemonic(phrase: string, password = ''): Uint8Array {
  const normalized = normalizeMnemonic(phrase)
  if (!mnemonicValidate(normalized)) {
    const words = normalized === '' ? 0 : normalized.split(' ').length
    throw new IdentityError(
      { code: 'IDENTITY_INVALID_MNEMONIC', words },
      `not a valid BIP-39 mnemonic (${words} words)`,
    )
  }
  return mnemonicToMiniSecret(normalized, password)
}

/** Parse a 32-byte seed from bytes or hex (0x prefix optional). */
export function parseSeed(seed: Uint8Array | string): Uint8Array {
  let bytes: Uint8Array
  if (typeof seed === 'string') {
    const hex = seed.startsWith('0x') ? seed : `0x${seed}`
    if (!isHex(hex)) throw new IdentityError({ code: 'IDENTITY_INVALID_SEED', reason: 'not hex' }, 'seed is not hex')
    bytes = hexToU8a(hex)
  } else {
    bytes = seed
  }
  if (bytes.length !== 32) {
    const reason = `expected 32 bytes, got ${bytes.length}`
    throw new IdentityError({ code: 'IDENTITY_INVALID_SEED', reason }, `seed has the wrong length: ${reason}`)
  }
  return bytes
}

/** The hotkey btcli derives from a mnemonic (`Keypair.create_from_mnemonic`). */
export function hotkeyFromMnemonic(phrase: string): Promise<Hotkey> {
  return hotkeyFromPair(sr25519PairFromSeed(miniSecretFromMnemonic(phrase)))
}

/** The hotkey for a 32-byte mini-secret (btcli `secretSeed`, `Keypair.create_from_seed`). */
export function hotkeyFromSeed(seed: Uint8Array | string): Promise<Hotkey> {
  return hotkeyFromPair(sr25519PairFromSeed(parseSeed(seed)))
}

/** The sr25519 pair for a Substrate secret URI; a URI starting with `/` is rooted at {@link DEV_PHRASE}. */
export function pairFromUri(uri: string): Sr25519Pair {
  const suri = uri.startsWith('/') ? `${DEV_PHRASE}${uri}` : uri
  let parts: ReturnType<typeof keyExtractSuri>
  try {
    parts = keyExtractSuri(suri)
  } catch {
    throw new IdentityError({ code: 'IDENTITY_INVALID_URI', reason: 'unparseable' }, 'not a secret URI')
  }
  const { phrase, path, password } = parts
  let seed: Uint8Array
  if (phrase.startsWith('0x')) {
    seed = parseSeed(phrase)
  } else {
    try {
      seed = miniSecretFromMnemonic(phrase, password ?? '')
    } catch (err) {
      const reason = 'phrase is not a valid mnemonic'
      throw new IdentityError({ code: 'IDENTITY_INVALID_URI', reason }, `bad secret URI: ${reason}`, { cause: err })
    }
  }
  const root = sr25519PairFromSeed(seed)
  return path.length === 0 ? root : keyFromPath(root, path, 'sr25519')
}

/** A hotkey from a secret URI such as `//Alice` (dev chain) or `<mnemonic>//hard/soft`. */
export function hotkeyFromUri(uri: string): Promise<Hotkey> {
  return hotkeyFromPair(pairFromUri(uri))
}
