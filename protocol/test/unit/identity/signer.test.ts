import { generateKeyPairSync, sign } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { ED25519_KEY_CACHE_SIZE } from '../../../src/identity/constants.js'
import {
  ed25519Signer,
  initCrypto,
  sr25519Signer,
  verifySignature,
  verifySignatureAsync,
} from '../../../src/identity/signer.js'
import { expectCode } from './helpers.js'

const message = new TextEncoder().encode('kinitro/v1/results')

// This file never imports @polkadot/util-crypto, whose import starts the WASM by itself; so the first test
// really runs before initialisation.
describe('sr25519 before initCrypto', () => {
  it('IDENTITY_CRYPTO_NOT_READY instead of a silent false', async () => {
    await expectCode(
      () => verifySignature('sr25519', new Uint8Array(32), message, new Uint8Array(64)),
      'IDENTITY_CRYPTO_NOT_READY',
    )
    const signer = sr25519Signer(new Uint8Array(32), new Uint8Array(64))
    await expectCode(() => signer.sign(message), 'IDENTITY_CRYPTO_NOT_READY')
    await initCrypto()
    expect(verifySignature('sr25519', new Uint8Array(32), message, new Uint8Array(64))).toBe(false)
  })
})

describe('ed25519', () => {
  it('verifies node:crypto signatures and rejects tampering, wrong keys and bad lengths', () => {
    const signer = ed25519Signer(new Uint8Array(32).fill(9))
    const sig = signer.sign(message)
    expect(verifySignature('ed25519', signer.publicKey, message, sig)).toBe(true)
    const bad = Uint8Array.from(sig)
    bad[5] = bad[5]! ^ 0x10
    expect(verifySignature('ed25519', signer.publicKey, message, bad)).toBe(false)
    expect(verifySignature('ed25519', ed25519Signer(new Uint8Array(32)).publicKey, message, sig)).toBe(false)
    expect(verifySignature('ed25519', signer.publicKey.subarray(1), message, sig)).toBe(false)
    expect(verifySignature('ed25519', signer.publicKey, message, sig.subarray(1))).toBe(false)
  })

  it('stays correct when its keys were evicted from the KeyObject cache', () => {
    const real = Array.from({ length: 40 }, (_, i) => ed25519Signer(new Uint8Array(32).fill(i + 1)))
    const sigs = real.map((k) => k.sign(message))
    const filler = (n: number) => {
      const key = new Uint8Array(32)
      new DataView(key.buffer).setUint32(0, n)
      return key
    }
    for (const pass of [0, 1]) {
      real.forEach((k, i) => {
        expect(verifySignature('ed25519', k.publicKey, message, sigs[i]!), `pass ${pass} key ${i}`).toBe(true)
        expect(verifySignature('ed25519', k.publicKey, message, sigs[(i + 1) % real.length]!)).toBe(false)
      })
      // Push every real key out of the cache before the second pass.
      if (pass === 0)
        for (let n = 0; n < ED25519_KEY_CACHE_SIZE; n++) verifySignature('ed25519', filler(n), message, sigs[0]!)
    }
  })

  it('accepts signatures from an independent OpenSSL key and a key given as a subarray view', () => {
    const { publicKey, privateKey } = generateKeyPairSync('ed25519')
    const raw = new Uint8Array(publicKey.export({ format: 'der', type: 'spki' }).subarray(12))
    const padded = new Uint8Array(40)
    padded.set(raw, 8)
    const sig = new Uint8Array(sign(null, message, privateKey))
    expect(verifySignature('ed25519', padded.subarray(8), message, sig)).toBe(true)
  })
})

describe('verifySignatureAsync', () => {
  it('agrees with verifySignature for good, tampered and malformed ed25519 input', async () => {
    const signers = Array.from({ length: 8 }, (_, i) => ed25519Signer(new Uint8Array(32).fill(100 + i)))
    const sigs = signers.map((s) => s.sign(message))
    const verdicts = await Promise.all(
      signers.flatMap((s, i) => [
        verifySignatureAsync('ed25519', s.publicKey, message, sigs[i]!),
        verifySignatureAsync('ed25519', s.publicKey, message, sigs[(i + 1) % signers.length]!),
      ]),
    )
    expect(verdicts).toEqual(signers.flatMap(() => [true, false]))
    expect(await verifySignatureAsync('ed25519', signers[0]!.publicKey, message, sigs[0]!.subarray(2))).toBe(false)
  })

  it('verifies sr25519 too', async () => {
    await initCrypto()
    expect(await verifySignatureAsync('sr25519', new Uint8Array(32), message, new Uint8Array(64))).toBe(false)
  })
})
