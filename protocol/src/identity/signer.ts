import { createPrivateKey, createPublicKey, sign as edSign, verify as edVerify, type KeyObject } from 'node:crypto'
import { isReady, sr25519Sign, sr25519Verify, waitReady } from '@polkadot/wasm-crypto'
import { ED25519_KEY_CACHE_SIZE } from './constants.js'
import { IdentityError } from './errors.js'
import { LruCache } from './lru.js'

/** Signature schemes the protocol uses: ed25519 for node keys, sr25519 for Bittensor hotkeys. */
export type KeyScheme = 'ed25519' | 'sr25519'

/**
 * Checks one signature; the shape of {@link verifySignature}. Must return false (never throw) for a bad
 * signature: throwing is reserved for a verifier that cannot work at all.
 */
export type Verifier = (scheme: KeyScheme, publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array) => boolean

/** {@link Verifier} that settles later, e.g. on a thread pool; the shape of {@link verifySignatureAsync}. */
export type AsyncVerifier = (
  scheme: KeyScheme,
  publicKey: Uint8Array,
  message: Uint8Array,
  signature: Uint8Array,
) => Promise<boolean>

/** Something that can sign bytes. Implementations keep their secret private. */
export interface Signer {
  readonly scheme: KeyScheme
  readonly publicKey: Uint8Array
  sign(message: Uint8Array): Uint8Array
}

let ready: Promise<void> | undefined

/**
 * Initialise the sr25519 WASM. Must be awaited once before any sr25519 sign/verify; idempotent.
 * We call `@polkadot/wasm-crypto` directly: `@polkadot/util-crypto` 14 routes sr25519 through pure JS,
 * which measured ~7.5x slower (shared/reference/perf.md §3; test/bench/signatures.bench.ts).
 */
export function initCrypto(): Promise<void> {
  ready ??= waitReady().then((ok) => {
    if (!ok)
      throw new IdentityError({ code: 'IDENTITY_CRYPTO_INIT_FAILED' }, '@polkadot/wasm-crypto failed to initialise')
  })
  return ready
}

function assertSr25519Ready(): void {
  // Without this, wasm-crypto throws a bare Error that verifySignature would swallow as "invalid signature".
  if (!isReady()) throw new IdentityError({ code: 'IDENTITY_CRYPTO_NOT_READY' }, 'sr25519 used before initCrypto()')
}

// DER prefixes that wrap a raw 32-byte ed25519 key so node:crypto can import it (RFC 8410).
const ED25519_SPKI_PREFIX = Uint8Array.from([0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00])
const ED25519_PKCS8_PREFIX = Uint8Array.from([
  0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20,
])

/** A node:crypto public KeyObject for a raw 32-byte ed25519 public key (built fresh on every call). */
export function ed25519PublicKeyObject(publicKey: Uint8Array): KeyObject {
  return createPublicKey({ key: Buffer.concat([ED25519_SPKI_PREFIX, publicKey]), format: 'der', type: 'spki' })
}

/** A node:crypto private KeyObject for a raw 32-byte ed25519 seed. */
export function ed25519PrivateKeyObject(seed: Uint8Array): KeyObject {
  return createPrivateKey({ key: Buffer.concat([ED25519_PKCS8_PREFIX, seed]), format: 'der', type: 'pkcs8' })
}

// Building a KeyObject costs about as much as the verify itself (perf.md §3: 4.2k/s per message vs 8.0k/s
// cached), and mesh traffic comes from a few hundred node keys at most, so a small LRU keeps nearly all hits.
const publicKeyCache = new LruCache<string, KeyObject>(ED25519_KEY_CACHE_SIZE)

function cachedEd25519PublicKey(publicKey: Uint8Array): KeyObject {
  const id = Buffer.from(publicKey.buffer, publicKey.byteOffset, publicKey.byteLength).toString('base64')
  let key = publicKeyCache.get(id)
  if (key === undefined) {
    key = ed25519PublicKeyObject(publicKey)
    publicKeyCache.set(id, key)
  }
  return key
}

/**
 * How many ed25519 public keys are cached as KeyObjects right now; never above `ED25519_KEY_CACHE_SIZE`
 * (for tests and metrics: one cache serves the sync and async verifiers).
 */
export function ed25519KeyCacheSize(): number {
  return publicKeyCache.size
}

/** An ed25519 signer from a 32-byte seed (node:crypto / OpenSSL underneath, the fastest we measured). */
export function ed25519Signer(seed: Uint8Array): Signer {
  const priv = ed25519PrivateKeyObject(seed)
  const pub = createPublicKey(priv).export({ format: 'der', type: 'spki' })
  const publicKey = new Uint8Array(pub.subarray(ED25519_SPKI_PREFIX.length))
  return { scheme: 'ed25519', publicKey, sign: (message) => new Uint8Array(edSign(null, message, priv)) }
}

/**
 * An sr25519 signer from a public key and a 64-byte polkadot-js style ("ed25519-expanded") secret key.
 * Await {@link initCrypto} first; signing before that throws `IDENTITY_CRYPTO_NOT_READY`.
 */
export function sr25519Signer(publicKey: Uint8Array, secretKey: Uint8Array): Signer {
  return {
    scheme: 'sr25519',
    publicKey,
    sign: (message) => {
      assertSr25519Ready()
      return sr25519Sign(publicKey, secretKey, message)
    },
  }
}

/**
 * Verify a signature in the given scheme. Returns false on any bad input (wrong lengths, invalid points,
 * wrong signature) and never throws for it; it throws `IDENTITY_CRYPTO_NOT_READY` only when sr25519 is
 * used before {@link initCrypto}, a programming error that must not look like a forged message.
 */
export function verifySignature(
  scheme: KeyScheme,
  publicKey: Uint8Array,
  message: Uint8Array,
  signature: Uint8Array,
): boolean {
  if (publicKey.length !== 32 || signature.length !== 64) return false
  if (scheme === 'sr25519') assertSr25519Ready()
  try {
    if (scheme === 'ed25519') return edVerify(null, message, cachedEd25519PublicKey(publicKey), signature)
    return sr25519Verify(signature, message, publicKey)
  } catch {
    return false
  }
}

/**
 * {@link verifySignature} for batches: ed25519 runs on libuv's threadpool, so verifies spread over all
 * cores while the event loop keeps serving (measured 1.7x the synchronous rate on 2 cores with 64 in
 * flight, test/bench/signatures.bench.ts). sr25519 has no threaded path and verifies synchronously.
 * Do not mutate `message` or `signature` until the promise settles.
 */
export function verifySignatureAsync(
  scheme: KeyScheme,
  publicKey: Uint8Array,
  message: Uint8Array,
  signature: Uint8Array,
): Promise<boolean> {
  if (scheme === 'sr25519' || publicKey.length !== 32 || signature.length !== 64) {
    try {
      return Promise.resolve(verifySignature(scheme, publicKey, message, signature))
    } catch (err) {
      return Promise.reject(err)
    }
  }
  let key: KeyObject
  try {
    key = cachedEd25519PublicKey(publicKey)
  } catch {
    return Promise.resolve(false)
  }
  return new Promise((resolve) => {
    edVerify(null, message, key, signature, (err, ok) => resolve(err === null && ok))
  })
}
