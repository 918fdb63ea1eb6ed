import { readFileSync } from 'node:fs'
import { inspect } from 'node:util'
import { hexToU8a, u8aToHex } from '@polkadot/util'
import { sr25519PairFromSeed, sr25519Sign, sr25519Verify } from '@polkadot/util-crypto'
import { sr25519Verify as wasmVerify } from '@polkadot/wasm-crypto'
import { describe, expect, it } from 'vitest'
import { DEV_PHRASE } from '../../../src/identity/constants.js'
import {
  decodeSs58,
  generateMnemonic,
  hotkeyFromMnemonic,
  hotkeyFromSeed,
  hotkeyFromUri,
  miniSecretFromMnemonic,
  parseSeed,
} from '../../../src/identity/hotkey.js'
import { initCrypto, verifySignature } from '../../../src/identity/signer.js'
import { expectCode, type Sr25519Vector } from './helpers.js'

const { vectors } = JSON.parse(readFileSync(new URL('./fixtures/sr25519-vectors.json', import.meta.url), 'utf8')) as {
  vectors: Sr25519Vector[]
}
const ALICE = '5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY'

describe('hotkey derivation', () => {
  it('derives secretSeed and ss58Address from the mnemonic of every vector', async () => {
    for (const v of vectors) {
      expect(u8aToHex(miniSecretFromMnemonic(v.secretPhrase)), v.ss58Address).toBe(v.secretSeed)
      const fromPhrase = await hotkeyFromMnemonic(v.secretPhrase)
      const fromSeed = await hotkeyFromSeed(v.secretSeed)
      expect(fromPhrase.ss58).toBe(v.ss58Address)
      expect(fromSeed.ss58).toBe(v.ss58Address)
      expect(u8aToHex(fromSeed.publicKey)).toBe(v.publicKey)
    }
  })

  it('matches the published Substrate dev vectors', async () => {
    // `subkey inspect "<DEV_PHRASE>"` and `subkey inspect //Alice`, as printed in Substrate's docs.
    expect(u8aToHex(miniSecretFromMnemonic(DEV_PHRASE))).toBe(
      '0xfac7959dbfe72f052e5a0c3c8d6530f202b02fd8f9f5ca3580ec8deb7797479e',
    )
    const alice = await hotkeyFromUri('//Alice')
    expect(alice.ss58).toBe(ALICE)
    expect(u8aToHex(alice.publicKey)).toBe('0xd43593c715fdd31c61141abd04a99fd6822c8558854ccde39a5684e7a56da27d')
    expect((await hotkeyFromUri(`${DEV_PHRASE}//Alice`)).ss58).toBe(ALICE)
    expect((await hotkeyFromUri('//Alice//stash')).ss58).toBe('5GNJqTPyNqANBkUVMN1LPPrxXnFouWXoe2wNSmmEoLctxiZY')
  })

  it('accepts a hex seed as the root of a URI, and tolerates stray whitespace in a mnemonic', async () => {
    const v = vectors[0]!
    expect((await hotkeyFromUri(v.secretSeed)).ss58).toBe(v.ss58Address)
    const messy = `  ${v.secretPhrase.split(' ').join('   ')}\n`
    expect((await hotkeyFromMnemonic(messy)).ss58).toBe(v.ss58Address)
  })

  it('generates 12-word mnemonics that load', async () => {
    const phrase = generateMnemonic()
    expect(phrase.split(' ')).toHaveLength(12)
    expect((await hotkeyFromMnemonic(phrase)).ss58).toMatch(/^5/)
    expect(generateMnemonic(24).split(' ')).toHaveLength(24)
  })

  it('decodes SS58 addresses and refuses others', async () => {
    expect(u8aToHex(decodeSs58(ALICE))).toBe('0xd43593c715fdd31c61141abd04a99fd6822c8558854ccde39a5684e7a56da27d')
    await expectCode(
      () => decodeSs58('0xd43593c715fdd31c61141abd04a99fd6822c8558854ccde39a5684e7a56da27d'),
      'IDENTITY_INVALID_ADDRESS',
    )
    await expectCode(() => decodeSs58(`${ALICE.slice(0, -1)}Z`), 'IDENTITY_INVALID_ADDRESS')
    // Polkadot's prefix 0 encoding of Alice.
    await expectCode(() => decodeSs58('15oF4uVJwmo4TdGW7VfQxNLavjCXviqxT9S1MgbjMNHr6Sp5'), 'IDENTITY_INVALID_ADDRESS')
  })
})

describe('hotkey errors', () => {
  it('IDENTITY_INVALID_MNEMONIC for a bad phrase, with the word count', async () => {
    const err = await expectCode(() => hotkeyFromMnemonic('abandon abandon abandon'), 'IDENTITY_INVALID_MNEMONIC')
    expect(err.meta).toMatchObject({ words: 3 })
    const words = vectors[0]!.secretPhrase.split(' ')
    await expectCode(() => hotkeyFromMnemonic([...words.slice(1), words[0]].join(' ')), 'IDENTITY_INVALID_MNEMONIC')
  })

  it('IDENTITY_INVALID_SEED for non-hex and wrong-length seeds', async () => {
    await expectCode(() => hotkeyFromSeed('0xzz'), 'IDENTITY_INVALID_SEED')
    await expectCode(() => hotkeyFromSeed(new Uint8Array(31)), 'IDENTITY_INVALID_SEED')
    expect(parseSeed(vectors[0]!.secretSeed.slice(2))).toEqual(hexToU8a(vectors[0]!.secretSeed))
  })

  it('IDENTITY_INVALID_URI for unparseable URIs and bad phrases', async () => {
    await expectCode(() => hotkeyFromUri(''), 'IDENTITY_INVALID_URI')
    await expectCode(() => hotkeyFromUri('not a real mnemonic//Alice'), 'IDENTITY_INVALID_URI')
  })
})

describe('hotkey secrecy', () => {
  it('never shows the secret through JSON.stringify or util.inspect', async () => {
    const v = vectors[0]!
    const hotkey = await hotkeyFromMnemonic(v.secretPhrase)
    const secrets = [v.secretPhrase, v.secretSeed.slice(2), v.privateKey.slice(2)]
    const expanded = u8aToHex(sr25519PairFromSeed(hexToU8a(v.secretSeed)).secretKey).slice(2)
    for (const shown of [JSON.stringify(hotkey), inspect(hotkey, { depth: 10, showHidden: true }), String(hotkey)]) {
      for (const secret of [...secrets, expanded]) expect(shown).not.toContain(secret)
      expect(shown === String(hotkey) || shown.includes(v.ss58Address)).toBe(true)
    }
    expect(JSON.parse(JSON.stringify(hotkey))).toEqual({
      scheme: 'sr25519',
      ss58: v.ss58Address,
      publicKey: v.publicKey,
    })
  })
})

describe('sr25519 interop', () => {
  it('verifies util-crypto signatures with wasm-crypto, and the reverse', async () => {
    await initCrypto()
    for (const v of vectors) {
      const message = hexToU8a(v.message)
      const publicKey = hexToU8a(v.publicKey)
      // util-crypto (pure JS @scure/sr25519) signed the fixture; our verifier uses wasm-crypto.
      expect(verifySignature('sr25519', publicKey, message, hexToU8a(v.signature)), v.ss58Address).toBe(true)
      expect(wasmVerify(hexToU8a(v.signature), message, publicKey)).toBe(true)
      const ours = (await hotkeyFromMnemonic(v.secretPhrase)).signer.sign(message)
      expect(sr25519Verify(message, ours, publicKey)).toBe(true)
      const tampered = Uint8Array.from(message)
      tampered[0] = tampered[0]! ^ 1
      expect(verifySignature('sr25519', publicKey, tampered, ours)).toBe(false)
    }
    const pair = sr25519PairFromSeed(hexToU8a(vectors[1]!.secretSeed))
    const fresh = sr25519Sign(new Uint8Array([1, 2, 3]), pair)
    expect(verifySignature('sr25519', pair.publicKey, new Uint8Array([1, 2, 3]), fresh)).toBe(true)
  })
})
