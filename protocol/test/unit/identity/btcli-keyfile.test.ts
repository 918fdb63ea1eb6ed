import { readFileSync } from 'node:fs'
import { u8aToHex } from '@polkadot/util'
import { describe, expect, it } from 'vitest'
import {
  type BtcliKeyfile,
  hotkeyFromBtcliKeyfile,
  keyfileEncryption,
  parseBtcliKeyfile,
  serializeBtcliKeyfile,
  serializeBtcliPubKeyfile,
} from '../../../src/identity/btcli-keyfile.js'
import { verifySignature } from '../../../src/identity/signer.js'
import { expectCode, type Sr25519Vector } from './helpers.js'

const exampleText = readFileSync(new URL('./fixtures/btcli-hotkey-example.json', import.meta.url))
const example = JSON.parse(exampleText.toString()) as { [K in keyof BtcliKeyfile]-?: string }
const { vectors } = JSON.parse(readFileSync(new URL('./fixtures/sr25519-vectors.json', import.meta.url), 'utf8')) as {
  vectors: Sr25519Vector[]
}
const bytes = (text: string) => new TextEncoder().encode(text)
const only = (fields: BtcliKeyfile) => bytes(JSON.stringify(fields))

describe('btcli keyfile: reading', () => {
  it('loads the btcli-written example from each secret field alone', async () => {
    const pub = { publicKey: example.publicKey, accountId: example.accountId, ss58Address: example.ss58Address }
    for (const secret of ['secretPhrase', 'secretSeed', 'privateKey'] as const) {
      const file = parseBtcliKeyfile(only({ ...pub, [secret]: example[secret] }), 'f')
      const hotkey = await hotkeyFromBtcliKeyfile(file, 'f')
      expect(hotkey.ss58, secret).toBe(example.ss58Address)
      const message = bytes('kinitro peer record')
      expect(verifySignature('sr25519', hotkey.publicKey, message, hotkey.signer.sign(message)), secret).toBe(true)
    }
  })

  it('loads a privateKey-only file that has just ss58Address', async () => {
    const file = parseBtcliKeyfile(only({ privateKey: example.privateKey, ss58Address: example.ss58Address }), 'f')
    expect((await hotkeyFromBtcliKeyfile(file, 'f')).ss58).toBe(example.ss58Address)
  })

  it('prefers secretPhrase over secretSeed over privateKey', async () => {
    const [a, b] = vectors
    const phraseWins = { secretPhrase: a!.secretPhrase, secretSeed: b!.secretSeed, ss58Address: a!.ss58Address }
    expect((await hotkeyFromBtcliKeyfile(phraseWins, 'f')).ss58).toBe(a!.ss58Address)
    const seedWins = { secretSeed: a!.secretSeed, privateKey: b!.privateKey, ss58Address: a!.ss58Address }
    expect((await hotkeyFromBtcliKeyfile(seedWins, 'f')).ss58).toBe(a!.ss58Address)
  })

  it('treats null fields as absent, as btwallet does', async () => {
    const file = parseBtcliKeyfile(only({ ...example, secretPhrase: null }), 'f')
    expect(file.secretPhrase).toBeUndefined()
    expect((await hotkeyFromBtcliKeyfile(file, 'f')).ss58).toBe(example.ss58Address)
  })
})

describe('btcli keyfile: refusals', () => {
  it('IDENTITY_HOTKEY_ENCRYPTED for each btcli encryption prefix', async () => {
    const cases = [
      ['$NACL\x01\x02binary', 'nacl'],
      ['$ANSIBLE_VAULT;1.1;AES256\n6132', 'ansible-vault'],
      ['gAAAAABlegacyfernettoken', 'legacy-fernet'],
    ] as const
    for (const [data, method] of cases) {
      expect(keyfileEncryption(bytes(data))).toBe(method)
      const err = await expectCode(() => parseBtcliKeyfile(bytes(data), '/w/hotkeys/h'), 'IDENTITY_HOTKEY_ENCRYPTED')
      expect(err.meta).toMatchObject({ method, path: '/w/hotkeys/h' })
    }
    expect(keyfileEncryption(exampleText)).toBeUndefined()
  })

  it('IDENTITY_HOTKEY_MALFORMED for non-JSON, non-objects, wrong types and bad values', async () => {
    await expectCode(() => parseBtcliKeyfile(bytes('{"secretSeed": '), 'f'), 'IDENTITY_HOTKEY_MALFORMED')
    await expectCode(() => parseBtcliKeyfile(bytes('["a"]'), 'f'), 'IDENTITY_HOTKEY_MALFORMED')
    await expectCode(
      () => parseBtcliKeyfile(only({ secretSeed: 7 as unknown as string }), 'f'),
      'IDENTITY_HOTKEY_MALFORMED',
    )
    const bad: BtcliKeyfile[] = [
      { secretPhrase: 'not a mnemonic at all', ss58Address: example.ss58Address },
      { secretSeed: '0x1234', ss58Address: example.ss58Address },
      { privateKey: '0x1234', ss58Address: example.ss58Address },
      { privateKey: example.privateKey, ss58Address: 'not-an-address' },
      { privateKey: example.privateKey },
      { secretSeed: example.secretSeed },
    ]
    for (const file of bad) await expectCode(() => hotkeyFromBtcliKeyfile(file, 'f'), 'IDENTITY_HOTKEY_MALFORMED')
  })

  it('IDENTITY_HOTKEY_NO_SECRET for a public-only file such as <hotkey>pub.txt', async () => {
    const pubOnly = parseBtcliKeyfile(bytes(serializeBtcliPubKeyfile(new Uint8Array(32).fill(7))), 'f')
    await expectCode(() => hotkeyFromBtcliKeyfile(pubOnly, 'f'), 'IDENTITY_HOTKEY_NO_SECRET')
  })

  it('IDENTITY_HOTKEY_ADDRESS_MISMATCH when a secret does not produce the recorded keys', async () => {
    const other = vectors[0]!
    const cases: Array<[BtcliKeyfile, string]> = [
      [{ ...example, ss58Address: other.ss58Address }, 'ss58Address'],
      [{ ...example, publicKey: other.publicKey }, 'publicKey'],
      [{ ...example, accountId: other.publicKey }, 'accountId'],
      [{ privateKey: other.privateKey, publicKey: example.publicKey }, 'privateKey'],
    ]
    for (const [file, field] of cases) {
      const err = await expectCode(() => hotkeyFromBtcliKeyfile(file, 'f'), 'IDENTITY_HOTKEY_ADDRESS_MISMATCH')
      expect(err.meta, field).toMatchObject({ field })
    }
  })
})

describe('btcli keyfile: writing', () => {
  it('writes the bytes btcli would, key order and Python json.dumps spacing included', () => {
    const { json, publicKey } = serializeBtcliKeyfile({ mnemonic: example.secretPhrase })
    const expected = `{${(
      ['accountId', 'publicKey', 'privateKey', 'secretPhrase', 'secretSeed', 'ss58Address'] as const
    )
      .map((k) => `"${k}": "${example[k]}"`)
      .join(', ')}}`
    expect(json).toBe(expected)
    expect(u8aToHex(publicKey)).toBe(example.publicKey)
  })

  it('writes secretPhrase null for a seed-only key, and the pub file with public fields only', async () => {
    const { json } = serializeBtcliKeyfile({ seed: example.secretSeed })
    expect(JSON.parse(json)).toEqual({ ...example, secretPhrase: null })
    const pub = JSON.parse(serializeBtcliPubKeyfile(new Uint8Array(Buffer.from(example.publicKey.slice(2), 'hex'))))
    expect(pub).toEqual({
      accountId: example.accountId,
      publicKey: example.publicKey,
      ss58Address: example.ss58Address,
    })
  })
})
