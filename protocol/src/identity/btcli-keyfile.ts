/**
 * btcli's hotkey keyfile format (btwallet `src/keyfile.rs`, reference/chain.md §9): unencrypted JSON with
 * `accountId`, `publicKey` (both 0x-hex of the public key), `privateKey` (0x-hex, canonical schnorrkel
 * secret), `secretPhrase` (mnemonic or null), `secretSeed` (0x-hex mini-secret or null), `ss58Address`.
 */
import { hexToU8a, isHex, u8aToHex } from '@polkadot/util'
import { sr25519PairFromSeed } from '@polkadot/util-crypto'
import { IdentityError, type KeyfileEncryption } from './errors.js'
import {
  decodeSs58,
  type Hotkey,
  hotkeyFromPair,
  miniSecretFromMnemonic,
  normalizeMnemonic,
  parseSeed,
  ss58FromPublicKey,
} from './hotkey.js'
import { expandedToSchnorrkel, schnorrkelToExpanded } from './schnorrkel.js'
import { initCrypto, sr25519Signer, verifySignature } from './signer.js'

/** The JSON fields of a btcli hotkey keyfile; any may be absent or null. */
export interface BtcliKeyfile {
  accountId?: string | null
  publicKey?: string | null
  privateKey?: string | null
  secretPhrase?: string | null
  secretSeed?: string | null
  ss58Address?: string | null
}

const FIELDS = ['accountId', 'publicKey', 'privateKey', 'secretPhrase', 'secretSeed', 'ss58Address'] as const

// btwallet `keyfile_data_is_encrypted_{nacl,ansible,legacy}`: the prefix alone identifies the scheme.
const ENCRYPTION_PREFIXES: ReadonlyArray<[prefix: string, method: KeyfileEncryption]> = [
  ['$NACL', 'nacl'],
  ['$ANSIBLE_VAULT', 'ansible-vault'],
  ['gAAAAA', 'legacy-fernet'],
]

/** The encryption btcli applied to keyfile data, or undefined for plain JSON. */
export function keyfileEncryption(data: Uint8Array): KeyfileEncryption | undefined {
  const head = Buffer.from(data.buffer, data.byteOffset, Math.min(data.byteLength, 16)).toString('latin1')
  return ENCRYPTION_PREFIXES.find(([prefix]) => head.startsWith(prefix))?.[1]
}

function malformed(path: string, reason: string, cause?: unknown): IdentityError {
  return new IdentityError({ code: 'IDENTITY_HOTKEY_MALFORMED', path, reason }, `${path}: ${reason}`, { cause })
}

/** Parse keyfile bytes into fields. Refuses encrypted data and anything that is not the keyfile JSON shape. */
export function parseBtcliKeyfile(data: Uint8Array, path: string): BtcliKeyfile {
  const method = keyfileEncryption(data)
  if (method !== undefined) {
    throw new IdentityError(
      { code: 'IDENTITY_HOTKEY_ENCRYPTED', path, method },
      `${path} is encrypted (${method}); kinitro reads unencrypted hotkeys only`,
    )
  }
  let json: unknown
  try {
    json = JSON.parse(Buffer.from(data).toString('utf8'))
  } catch (err) {
    throw malformed(path, 'not JSON', err)
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json)) throw malformed(path, 'not a JSON object')
  const record = json as Record<string, unknown>
  const out: BtcliKeyfile = {}
  for (const field of FIELDS) {
    const value = record[field]
    if (value === undefined || value === null) continue
    if (typeof value !== 'string') throw malformed(path, `${field} is not a string`)
    out[field] = value
  }
  return out
}

function hexField(file: BtcliKeyfile, field: 'publicKey' | 'accountId' | 'privateKey', bytes: number, path: string) {
  const value = file[field]
  if (value === undefined || value === null) return undefined
  const hex = value.startsWith('0x') ? value : `0x${value}`
  if (!isHex(hex) || (hex.length - 2) / 2 !== bytes) throw malformed(path, `${field} is not ${bytes} bytes of hex`)
  return hexToU8a(hex)
}

// Sign and verify one message: the cheapest way to prove a bare secret belongs to a public key, since
// neither wasm-crypto nor util-crypto exposes public-from-secret for sr25519.
function secretMatches(publicKey: Uint8Array, secretKey: Uint8Array): boolean {
  const probe = new TextEncoder().encode('kinitro/keyfile-check')
  return verifySignature('sr25519', publicKey, probe, sr25519Signer(publicKey, secretKey).sign(probe))
}

/**
 * The hotkey a parsed keyfile holds: from `secretPhrase`, else `secretSeed`, else the converted
 * `privateKey` (btwallet's order), then checked against every public field present.
 */
export async function hotkeyFromBtcliKeyfile(file: BtcliKeyfile, path: string): Promise<Hotkey> {
  await initCrypto()
  const filePublic = hexField(file, 'publicKey', 32, path) ?? hexField(file, 'accountId', 32, path)
  let pair: { publicKey: Uint8Array; secretKey: Uint8Array }
  let source: 'secretPhrase' | 'secretSeed' | 'privateKey'
  if (file.secretPhrase) {
    source = 'secretPhrase'
    try {
      pair = sr25519PairFromSeed(miniSecretFromMnemonic(file.secretPhrase))
    } catch (err) {
      throw malformed(path, 'secretPhrase is not a valid mnemonic', err)
    }
  } else if (file.secretSeed) {
    source = 'secretSeed'
    try {
      pair = sr25519PairFromSeed(parseSeed(file.secretSeed))
    } catch (err) {
      throw malformed(path, 'secretSeed is not a 32-byte hex seed', err)
    }
  } else if (file.privateKey) {
    source = 'privateKey'
    const canonical = hexField(file, 'privateKey', 64, path)!
    const publicKey = filePublic ?? (file.ss58Address ? publicKeyFromSs58(file.ss58Address, path) : undefined)
    if (publicKey === undefined) throw malformed(path, 'privateKey without publicKey or ss58Address')
    const secretKey = schnorrkelToExpanded(canonical)
    if (!secretMatches(publicKey, secretKey)) {
      const expected = ss58FromPublicKey(publicKey)
      throw new IdentityError(
        { code: 'IDENTITY_HOTKEY_ADDRESS_MISMATCH', path, field: 'privateKey', expected, derived: '(does not sign)' },
        `${path}: privateKey does not sign for ${expected}`,
      )
    }
    pair = { publicKey, secretKey }
  } else {
    throw new IdentityError({ code: 'IDENTITY_HOTKEY_NO_SECRET', path }, `${path} holds no secret key`)
  }
  checkPublicFields(file, pair.publicKey, path, source)
  return hotkeyFromPair(pair)
}

function publicKeyFromSs58(ss58: string, path: string): Uint8Array {
  try {
    return decodeSs58(ss58)
  } catch (err) {
    throw malformed(path, 'ss58Address is not an SS58 address', err)
  }
}

function normalizeHex(value: string | null | undefined): string | undefined {
  if (value === undefined || value === null) return undefined
  return (value.startsWith('0x') ? value : `0x${value}`).toLowerCase()
}

function checkPublicFields(file: BtcliKeyfile, publicKey: Uint8Array, path: string, source: string): void {
  const derived = ss58FromPublicKey(publicKey)
  const derivedHex = u8aToHex(publicKey)
  const checks: Array<[field: string, claimed: string | undefined, actual: string]> = [
    ['ss58Address', file.ss58Address ?? undefined, derived],
    ['publicKey', normalizeHex(file.publicKey), derivedHex],
    ['accountId', normalizeHex(file.accountId), derivedHex],
  ]
  const present = checks.filter(([, claimed]) => claimed !== undefined)
  if (present.length === 0) throw malformed(path, 'no ss58Address or publicKey to check the key against')
  for (const [field, claimed, actual] of present) {
    if (claimed === actual) continue
    throw new IdentityError(
      { code: 'IDENTITY_HOTKEY_ADDRESS_MISMATCH', path, field, expected: claimed!, derived },
      `${path}: ${source} derives ${derived}, but ${field} says ${claimed}`,
    )
  }
}

/** The secret a new keyfile is written from. */
export type HotkeySecret = { mnemonic: string } | { seed: Uint8Array | string }

/** The keyfile JSON for a secret, byte-compatible with btcli (Python `json.dumps` spacing, same key order). */
export function serializeBtcliKeyfile(secret: HotkeySecret): { json: string; publicKey: Uint8Array } {
  const mnemonic = 'mnemonic' in secret ? normalizeMnemonic(secret.mnemonic) : null
  const seed = 'seed' in secret ? parseSeed(secret.seed) : miniSecretFromMnemonic(mnemonic!)
  const pair = sr25519PairFromSeed(seed)
  const pub = u8aToHex(pair.publicKey)
  const json = dumps({
    accountId: pub,
    publicKey: pub,
    privateKey: u8aToHex(expandedToSchnorrkel(pair.secretKey)),
    secretPhrase: mnemonic,
    secretSeed: u8aToHex(seed),
    ss58Address: ss58FromPublicKey(pair.publicKey),
  })
  return { json, publicKey: pair.publicKey }
}

/** The `<hotkey>pub.txt` sidecar btcli writes: public fields only. */
export function serializeBtcliPubKeyfile(publicKey: Uint8Array): string {
  const pub = u8aToHex(publicKey)
  return dumps({ accountId: pub, publicKey: pub, ss58Address: ss58FromPublicKey(publicKey) })
}

function dumps(record: Record<string, string | null>): string {
  return `{${Object.entries(record)
    .map(([k, v]) => `${JSON.stringify(k)}: ${JSON.stringify(v)}`)
    .join(', ')}}`
}
