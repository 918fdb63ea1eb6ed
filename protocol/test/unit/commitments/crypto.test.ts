import { describe, expect, it } from 'vitest'
import {
  b85decode,
  b85encode,
  bytesToUuid,
  CommitmentError,
  decryptDeploymentId,
  encryptDeploymentId,
  generateX25519KeyPair,
  uuidToBytes,
  x25519PublicKey,
} from '../../../src/commitments/index.js'

const UUID = '95edf2b6-e18b-400a-8398-5573df10e5e4'

// Computed with Python 3 + cryptography 48 (an independent implementation of the reference scheme):
// X25519PrivateKey.from_private_bytes(bytes(range(1, 33))) for the backend and bytes(range(101, 133)) for
// the ephemeral key; shared = eph.exchange(backend_pub); nonce = sha256(eph_pub)[:12];
// ChaCha20Poly1305(shared).encrypt(nonce, uuid_bytes, None); blob = b85encode(eph_pub + ct_and_tag).
const BACKEND_PRIVATE = new Uint8Array(32).map((_, i) => i + 1)
const EPHEMERAL_PRIVATE = new Uint8Array(32).map((_, i) => i + 101)
const BACKEND_PUBLIC_HEX = '07a37cbc142093c8b755dc1b10e86cb426374ad16aa853ed0bdfc0b2b86d1c7c'
const PYTHON_BLOB = 'R}^-g5o`BkHm-EMc|9yJtr-Kwn#CtL1;^rPi$M%FuJGXlY6;#{$-5p(N%iBrX%e3ZE+u8<6$O_`iY!q9'

function codeOf(fn: () => unknown): unknown {
  try {
    fn()
  } catch (err) {
    return err instanceof CommitmentError ? err.meta : err
  }
  return 'no error'
}

describe('encrypted deployment ids (X25519 + ChaCha20-Poly1305, derived nonce)', () => {
  it('derives the public key Python derives', () => {
    expect(Buffer.from(x25519PublicKey(BACKEND_PRIVATE)).toString('hex')).toBe(BACKEND_PUBLIC_HEX)
  })

  it('produces the byte-identical blob to the Python implementation for fixed keys', () => {
    const blob = encryptDeploymentId(UUID, BACKEND_PUBLIC_HEX, { ephemeralPrivateKey: EPHEMERAL_PRIVATE })
    expect(blob).toBe(PYTHON_BLOB)
    expect(decryptDeploymentId(PYTHON_BLOB, BACKEND_PRIVATE)).toBe(UUID)
  })

  it('round-trips with fresh keys, 80 characters, 64 bytes, different each time', () => {
    const keys = generateX25519KeyPair()
    const a = encryptDeploymentId(UUID, keys.publicKey)
    const b = encryptDeploymentId(UUID.replaceAll('-', ''), keys.publicKey)
    expect(a).toHaveLength(80)
    expect(b85decode(a)).toHaveLength(64)
    expect(a).not.toBe(b)
    expect(decryptDeploymentId(a, keys.privateKey)).toBe(UUID)
    expect(decryptDeploymentId(b, Buffer.from(keys.privateKey).toString('hex'))).toBe(UUID)
  })

  it('fails cleanly on a tampered ciphertext or tag', () => {
    const pkg = b85decode(PYTHON_BLOB)
    for (const index of [40, 63]) {
      const bad = pkg.slice()
      bad[index] = (bad[index] as number) ^ 1
      expect(
        codeOf(() => decryptDeploymentId(b85encode(bad), BACKEND_PRIVATE)),
        `byte ${index}`,
      ).toEqual({
        code: 'COMMITMENT_DECRYPT_FAILED',
        reason: 'tag',
      })
    }
  })

  it('fails cleanly with the wrong private key, bad base85 or a short package', () => {
    const other = generateX25519KeyPair()
    expect(codeOf(() => decryptDeploymentId(PYTHON_BLOB, other.privateKey))).toMatchObject({ reason: 'tag' })
    expect(codeOf(() => decryptDeploymentId(`${PYTHON_BLOB.slice(0, -1)}"`, BACKEND_PRIVATE))).toMatchObject({
      reason: 'base85',
    })
    expect(codeOf(() => decryptDeploymentId(PYTHON_BLOB.slice(0, 75), BACKEND_PRIVATE))).toMatchObject({
      reason: 'length',
    })
  })

  it('refuses non-UUID deployment ids and malformed keys', () => {
    expect(codeOf(() => encryptDeploymentId('https://x.example', BACKEND_PUBLIC_HEX))).toMatchObject({
      code: 'COMMITMENT_DEPLOYMENT_NOT_UUID',
    })
    expect(codeOf(() => encryptDeploymentId(UUID, 'abcd1234'))).toMatchObject({ code: 'COMMITMENT_KEY_INVALID' })
    expect(codeOf(() => encryptDeploymentId(UUID, 'zz'.repeat(32)))).toMatchObject({ code: 'COMMITMENT_KEY_INVALID' })
  })

  it('converts UUIDs like the reference (dashes optional, lower-case out)', () => {
    expect(Buffer.from(uuidToBytes(UUID)).toString('hex')).toBe('95edf2b6e18b400a83985573df10e5e4')
    expect(bytesToUuid(uuidToBytes('95EDF2B6E18B400A83985573DF10E5E4'))).toBe(UUID)
    expect(() => bytesToUuid(new Uint8Array(3))).toThrow(RangeError)
  })
})
