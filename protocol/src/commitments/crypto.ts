import {
  createCipheriv,
  createDecipheriv,
  createHash,
  createPrivateKey,
  createPublicKey,
  diffieHellman,
  generateKeyPairSync,
  type KeyObject,
} from 'node:crypto'
import { b85decode, b85encode } from './base85.js'
import { AEAD_NONCE_BYTES, AEAD_TAG_BYTES, ENCRYPTED_PACKAGE_BYTES, UUID_BYTES, X25519_KEY_BYTES } from './constants.js'
import { CommitmentError, type DecryptFailure } from './errors.js'

// Fixed DER headers for raw X25519 keys (RFC 8410 §7 and §10): node:crypto imports DER, not raw bytes.
const PKCS8_X25519_PREFIX = Buffer.from('302e020100300506032b656e04220420', 'hex')
const SPKI_X25519_PREFIX = Buffer.from('302a300506032b656e032100', 'hex')
const AEAD = 'chacha20-poly1305'

/** A raw X25519 key pair, as the backend operator keeps it (hex in files, 32 bytes each). */
export interface X25519KeyPair {
  privateKey: Uint8Array
  publicKey: Uint8Array
}

/** Options for {@link encryptDeploymentId}. */
export interface EncryptOptions {
  /**
   * Ephemeral private key to use instead of a fresh random one. Only for test vectors: reusing one leaks
   * the deployment id to anyone who sees two blobs.
   * @default a fresh key per call
   */
  ephemeralPrivateKey?: Uint8Array | string
}

/** Generate a backend key pair for encrypted commitments. */
export function generateX25519KeyPair(): X25519KeyPair {
  const { privateKey } = generateKeyPairSync('x25519')
  const raw = new Uint8Array(privateKey.export({ format: 'der', type: 'pkcs8' }).subarray(PKCS8_X25519_PREFIX.length))
  return { privateKey: raw, publicKey: x25519PublicKey(raw) }
}

/** The public key of a raw X25519 private key. */
export function x25519PublicKey(privateKey: Uint8Array | string): Uint8Array {
  const spki = createPublicKey(privateKeyObject(privateKey)).export({ format: 'der', type: 'spki' })
  return new Uint8Array(spki.subarray(SPKI_X25519_PREFIX.length))
}

/**
 * Seal a deployment UUID to the backend's X25519 public key, the reference's scheme (kinitro.md C.4):
 * shared = X25519(ephemeral, backend) used directly as the ChaCha20-Poly1305 key, nonce = first 12 bytes of
 * SHA-256(ephemeral public key), plaintext = the 16 UUID bytes; blob = b85(eph_pub ‖ ct ‖ tag), 80 characters.
 *
 * @throws {@link CommitmentError} `COMMITMENT_DEPLOYMENT_NOT_UUID`, `COMMITMENT_KEY_INVALID`.
 */
export function encryptDeploymentId(
  deploymentId: string,
  backendPublicKey: Uint8Array | string,
  options: EncryptOptions = {},
): string {
  const plaintext = uuidToBytes(deploymentId)
  const backend = publicKeyObject(backendPublicKey)
  const ephemeral = options.ephemeralPrivateKey
    ? privateKeyObject(options.ephemeralPrivateKey)
    : generateKeyPairSync('x25519').privateKey
  const ephemeralPublic = new Uint8Array(
    createPublicKey(ephemeral).export({ format: 'der', type: 'spki' }).subarray(SPKI_X25519_PREFIX.length),
  )
  const key = sharedSecret(ephemeral, backend, 'public')
  const cipher = createCipheriv(AEAD, key, nonceFor(ephemeralPublic), { authTagLength: AEAD_TAG_BYTES })
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()])
  const packageBytes = Buffer.concat([ephemeralPublic, ciphertext, cipher.getAuthTag()])
  return b85encode(packageBytes)
}

/**
 * Open a blob made by {@link encryptDeploymentId} and return the UUID with dashes (8-4-4-4-12).
 *
 * @throws {@link CommitmentError} `COMMITMENT_DECRYPT_FAILED` (reason says which step failed) or
 * `COMMITMENT_KEY_INVALID` for a malformed private key.
 */
export function decryptDeploymentId(blob: string, backendPrivateKey: Uint8Array | string): string {
  const backend = privateKeyObject(backendPrivateKey)
  let packageBytes: Uint8Array
  try {
    packageBytes = b85decode(blob)
  } catch {
    return fail('base85')
  }
  if (packageBytes.length !== ENCRYPTED_PACKAGE_BYTES) return fail('length')
  const ephemeralPublic = packageBytes.subarray(0, X25519_KEY_BYTES)
  const ciphertext = packageBytes.subarray(X25519_KEY_BYTES, X25519_KEY_BYTES + UUID_BYTES)
  const tag = packageBytes.subarray(X25519_KEY_BYTES + UUID_BYTES)
  let key: Buffer
  try {
    key = sharedSecret(backend, publicKeyObject(ephemeralPublic), 'public')
  } catch {
    return fail('key')
  }
  let plaintext: Buffer
  try {
    const decipher = createDecipheriv(AEAD, key, nonceFor(ephemeralPublic), { authTagLength: AEAD_TAG_BYTES })
    decipher.setAuthTag(tag)
    plaintext = Buffer.concat([decipher.update(ciphertext), decipher.final()])
  } catch {
    return fail('tag')
  }
  if (plaintext.length !== UUID_BYTES) return fail('plaintext')
  return bytesToUuid(plaintext)
}

/**
 * The 16 bytes of a UUID string. Like the reference, every `-` is removed first, so dashes are optional.
 *
 * @throws {@link CommitmentError} `COMMITMENT_DEPLOYMENT_NOT_UUID`.
 */
export function uuidToBytes(uuid: string): Uint8Array {
  const hex = uuid.replaceAll('-', '')
  if (!/^[0-9a-fA-F]{32}$/.test(hex)) {
    throw new CommitmentError(
      { code: 'COMMITMENT_DEPLOYMENT_NOT_UUID', value: uuid.slice(0, 64) },
      'only a UUID deployment id can be encrypted',
    )
  }
  return new Uint8Array(Buffer.from(hex, 'hex'))
}

/** Format 16 bytes as a lower-case UUID, 8-4-4-4-12. */
export function bytesToUuid(bytes: Uint8Array): string {
  if (bytes.length !== UUID_BYTES) throw new RangeError(`a UUID is ${UUID_BYTES} bytes, got ${bytes.length}`)
  const h = Buffer.from(bytes).toString('hex')
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`
}

function nonceFor(ephemeralPublic: Uint8Array): Buffer {
  // Deriving the nonce keeps the blob at 64 bytes; safe because each ephemeral key is used once.
  return createHash('sha256').update(ephemeralPublic).digest().subarray(0, AEAD_NONCE_BYTES)
}

function sharedSecret(privateKey: KeyObject, publicKey: KeyObject, blame: 'public' | 'private'): Buffer {
  const secret = diffieHellman({ privateKey, publicKey })
  // A low-order public point yields all zeros; Python's cryptography refuses it, and so do we.
  if (secret.every((b) => b === 0)) {
    throw new CommitmentError({ code: 'COMMITMENT_KEY_INVALID', key: blame, reason: 'low-order point' })
  }
  return secret
}

function rawKey(key: Uint8Array | string, which: 'public' | 'private'): Buffer {
  const bytes = typeof key === 'string' ? hexKey(key, which) : Buffer.from(key)
  if (bytes.length !== X25519_KEY_BYTES) {
    throw new CommitmentError(
      { code: 'COMMITMENT_KEY_INVALID', key: which, reason: `expected ${X25519_KEY_BYTES} bytes, got ${bytes.length}` },
      `invalid X25519 ${which} key`,
    )
  }
  return bytes
}

function hexKey(key: string, which: 'public' | 'private'): Buffer {
  const hex = key.startsWith('0x') ? key.slice(2) : key
  if (!/^[0-9a-fA-F]*$/.test(hex) || hex.length % 2 !== 0) {
    throw new CommitmentError(
      { code: 'COMMITMENT_KEY_INVALID', key: which, reason: 'not hex' },
      `invalid X25519 ${which} key`,
    )
  }
  return Buffer.from(hex, 'hex')
}

function privateKeyObject(key: Uint8Array | string): KeyObject {
  return createPrivateKey({
    key: Buffer.concat([PKCS8_X25519_PREFIX, rawKey(key, 'private')]),
    format: 'der',
    type: 'pkcs8',
  })
}

function publicKeyObject(key: Uint8Array | string): KeyObject {
  return createPublicKey({
    key: Buffer.concat([SPKI_X25519_PREFIX, rawKey(key, 'public')]),
    format: 'der',
    type: 'spki',
  })
}

function fail(reason: DecryptFailure): never {
  throw new CommitmentError({ code: 'COMMITMENT_DECRYPT_FAILED', reason }, `cannot decrypt deployment id (${reason})`)
}
