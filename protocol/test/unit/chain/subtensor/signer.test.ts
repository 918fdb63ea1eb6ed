import { hexToU8a, u8aToHex } from '@polkadot/util'
import { blake2AsU8a, sr25519Verify } from '@polkadot/util-crypto'
import { describe, expect, it } from 'vitest'
import { polkadotSigner } from '../../../../src/chain/subtensor/signer.js'
import { hotkeyFromUri } from '../../../../src/identity/hotkey.js'

describe('polkadotSigner', () => {
  it('signs short payloads as they are and long ones by their blake2-256, as a MultiSignature::Sr25519', async () => {
    const alice = await hotkeyFromUri('//Alice')
    const signer = polkadotSigner(alice)
    for (const size of [10, 256, 257, 1000]) {
      const payload = new Uint8Array(size).map((_, i) => i & 0xff)
      const { signature } = await signer.signRaw!({ address: alice.ss58, data: u8aToHex(payload), type: 'payload' })
      const sig = hexToU8a(signature)
      expect(sig.length, `size ${size}`).toBe(65)
      expect(sig[0], `size ${size}: Sr25519 variant`).toBe(1)
      const message = size > 256 ? blake2AsU8a(payload, 256) : payload
      expect(sr25519Verify(message, sig.subarray(1), alice.publicKey), `size ${size}`).toBe(true)
    }
  })
})
