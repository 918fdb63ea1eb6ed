import { readFile, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { inspect } from 'node:util'
import { generateKeyPair, privateKeyToProtobuf, publicKeyFromRaw } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey, peerIdFromString } from '@libp2p/peer-id'
import { describe, expect, it, vi } from 'vitest'
import {
  createNodeKey,
  loadNodeKey,
  marshalNodeKey,
  nodeKeyFromSeed,
  peerIdFromNodeKey,
  saveNodeKey,
  unmarshalNodeKey,
} from '../../../src/identity/node-key.js'
import { verifySignature } from '../../../src/identity/signer.js'
import { silentLogger } from '../../../src/logger.js'
import { expectCode, tempDir } from './helpers.js'

const message = new TextEncoder().encode('kinitro/v1/status')

describe('node keys', () => {
  it('save then load gives the same peer id and public key; the file is mode 0600 protobuf', async () => {
    const dir = tempDir()
    const key = await createNodeKey()
    const file = await saveNodeKey(join(dir, 'keys', 'node.key'), key)
    expect((await stat(file)).mode & 0o777).toBe(0o600)
    const loaded = await loadNodeKey(file)
    expect(loaded.peerId.equals(key.peerId)).toBe(true)
    expect(loaded.publicKey).toEqual(key.publicKey)
    expect(new Uint8Array(await readFile(file))).toEqual(privateKeyToProtobuf(key.toLibp2pPrivateKey()))
    expect(peerIdFromNodeKey(loaded).toString()).toBe(key.peerId.toString())
    expect(peerIdFromString(key.peerId.toString()).type).toBe('Ed25519')
  })

  it('signs with node:crypto in a way libp2p verifies, and verifies what libp2p signs', async () => {
    const key = await createNodeKey()
    const libp2pKey = key.toLibp2pPrivateKey()
    const ours = key.signer.sign(message)
    expect(await libp2pKey.publicKey.verify(message, ours)).toBe(true)
    const theirs = await libp2pKey.sign(message)
    expect(verifySignature('ed25519', key.publicKey, message, theirs)).toBe(true)
    expect(key.signer.scheme).toBe('ed25519')
    expect(peerIdFromPrivateKey(libp2pKey).equals(key.peerId)).toBe(true)
    expect(publicKeyFromRaw(key.publicKey).equals(libp2pKey.publicKey)).toBe(true)
  })

  it('derives the same key from the same seed', async () => {
    const a = await nodeKeyFromSeed(new Uint8Array(32).fill(3))
    const b = await nodeKeyFromSeed(new Uint8Array(32).fill(3))
    const c = await nodeKeyFromSeed(new Uint8Array(32).fill(4))
    expect(a.peerId.equals(b.peerId)).toBe(true)
    expect(a.peerId.equals(c.peerId)).toBe(false)
    expect(unmarshalNodeKey(marshalNodeKey(a)).peerId.equals(a.peerId)).toBe(true)
  })

  it('never shows the secret through JSON.stringify or util.inspect', async () => {
    const key = await nodeKeyFromSeed(new Uint8Array(32).fill(0xab))
    const seedHex = 'ab'.repeat(32)
    for (const shown of [JSON.stringify(key), inspect(key, { depth: 10, showHidden: true })]) {
      expect(shown).not.toContain(seedHex)
      expect(shown).toContain(key.peerId.toString())
    }
  })
})

describe('node key errors', () => {
  it('IDENTITY_KEY_FILE_NOT_FOUND, IDENTITY_KEY_FILE_EXISTS and force', async () => {
    const dir = tempDir()
    const file = join(dir, 'node.key')
    const err = await expectCode(() => loadNodeKey(file), 'IDENTITY_KEY_FILE_NOT_FOUND')
    expect(err.meta).toMatchObject({ kind: 'node-key' })
    const first = await createNodeKey()
    await saveNodeKey(file, first)
    await expectCode(() => saveNodeKey(file, first), 'IDENTITY_KEY_FILE_EXISTS')
    const second = await createNodeKey()
    await saveNodeKey(file, second, { force: true })
    expect((await loadNodeKey(file)).peerId.equals(second.peerId)).toBe(true)
  })

  it('IDENTITY_NODE_KEY_MALFORMED for garbage and for a seed that does not match its public half', async () => {
    const dir = tempDir()
    const garbage = join(dir, 'garbage.key')
    await writeFile(garbage, 'definitely not protobuf', { mode: 0o600 })
    await expectCode(() => loadNodeKey(garbage), 'IDENTITY_NODE_KEY_MALFORMED')
    const bytes = marshalNodeKey(await nodeKeyFromSeed(new Uint8Array(32).fill(1)))
    bytes[bytes.length - 40] = bytes[bytes.length - 40]! ^ 1 // inside the 32-byte seed half
    await expectCode(() => unmarshalNodeKey(bytes), 'IDENTITY_NODE_KEY_MALFORMED')
  })

  it('IDENTITY_NODE_KEY_UNSUPPORTED for a non-Ed25519 libp2p key', async () => {
    const dir = tempDir()
    const file = join(dir, 'secp.key')
    await writeFile(file, privateKeyToProtobuf(await generateKeyPair('secp256k1')), { mode: 0o600 })
    const err = await expectCode(() => loadNodeKey(file), 'IDENTITY_NODE_KEY_UNSUPPORTED')
    expect(err.meta).toMatchObject({ keyType: 'secp256k1' })
  })

  it('IDENTITY_KEY_FILE_INSECURE warning for a world-readable node key', async () => {
    const dir = tempDir()
    const file = join(dir, 'node.key')
    await writeFile(file, marshalNodeKey(await createNodeKey()), { mode: 0o644 })
    const warn = vi.fn()
    await loadNodeKey(file, { logger: { ...silentLogger, warn } })
    expect(warn.mock.calls[0]![1]).toMatchObject({ code: 'IDENTITY_KEY_FILE_INSECURE', kind: 'node-key' })
    await expectCode(() => loadNodeKey(file, { strictPermissions: true }), 'IDENTITY_KEY_FILE_INSECURE')
  })
})
