import { readFileSync } from 'node:fs'
import { hexToU8a, u8aToHex } from '@polkadot/util'
import { sr25519PairFromSeed } from '@polkadot/util-crypto'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { expandedToSchnorrkel, schnorrkelToExpanded } from '../../../src/identity/schnorrkel.js'
import type { Sr25519Vector } from './helpers.js'

const example = JSON.parse(readFileSync(new URL('./fixtures/btcli-hotkey-example.json', import.meta.url), 'utf8'))
const { vectors } = JSON.parse(readFileSync(new URL('./fixtures/sr25519-vectors.json', import.meta.url), 'utf8')) as {
  vectors: Sr25519Vector[]
}

describe('schnorrkel secret layouts', () => {
  it('turns the privateKey btcli wrote into the secret key util-crypto derives from the same seed', () => {
    const expected = sr25519PairFromSeed(hexToU8a(example.secretSeed)).secretKey
    expect(u8aToHex(schnorrkelToExpanded(hexToU8a(example.privateKey)))).toBe(u8aToHex(expected))
    // The two layouts differ, so a loader that skipped the conversion would sign with the wrong scalar.
    expect(example.privateKey).not.toBe(u8aToHex(expected))
  })

  it('writes privateKey exactly as btcli does', () => {
    const pair = sr25519PairFromSeed(hexToU8a(example.secretSeed))
    expect(u8aToHex(expandedToSchnorrkel(pair.secretKey))).toBe(example.privateKey)
  })

  it('agrees with every generated vector', () => {
    for (const v of vectors) {
      const pair = sr25519PairFromSeed(hexToU8a(v.secretSeed))
      expect(u8aToHex(schnorrkelToExpanded(hexToU8a(v.privateKey))), v.ss58Address).toBe(u8aToHex(pair.secretKey))
    }
  })

  it('round-trips any reduced scalar (< 2^253) and keeps the nonce', () => {
    const canonical = fc
      .tuple(fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.uint8Array({ minLength: 32, maxLength: 32 }))
      .map(([scalar, nonce]) => {
        const s = Uint8Array.from(scalar)
        s[31] = s[31]! & 0x1f // top 3 bits clear: the scalar fits after multiplying by 8
        return Uint8Array.from([...s, ...nonce])
      })
    fc.assert(
      fc.property(canonical, (c) => {
        const expanded = schnorrkelToExpanded(c)
        expect(expanded[0]! & 0x07).toBe(0) // a multiple of 8
        expect(expanded.subarray(32)).toEqual(c.subarray(32))
        expect(expandedToSchnorrkel(expanded)).toEqual(c)
      }),
    )
  })

  it('rejects secrets that are not 64 bytes', () => {
    expect(() => schnorrkelToExpanded(new Uint8Array(32))).toThrow(RangeError)
    expect(() => expandedToSchnorrkel(new Uint8Array(65))).toThrow(RangeError)
  })
})
