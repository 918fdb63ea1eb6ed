import { beforeAll, describe, expect, it } from 'vitest'
import { openEnvelope } from '../../../src/envelope/envelope.js'
import { createPeerRecord, signPeerRecord } from '../../../src/messages/peer-record.js'
import { checkBinding } from '../../../src/validation/binding.js'
import { HEAD, type Keys, loadKeys, NETUID } from '../messages/fixtures.js'
import { codeOf } from './helpers.js'

let keys: Keys
let recordBytes: Uint8Array
const permitAll = () => true

beforeAll(async () => {
  keys = await loadKeys()
  const record = createPeerRecord({
    netuid: NETUID,
    hotkey: keys.hotkey.publicKey,
    nodeSigner: keys.node,
    issuedAtBlock: HEAD,
    ttlBlocks: 100,
  })
  recordBytes = signPeerRecord(record, keys.hotkey)
})

describe('checkBinding', () => {
  it('accepts a valid, unexpired record of a permitted hotkey for its node key', () => {
    const opened = checkBinding(recordBytes, {
      netuid: NETUID,
      headBlock: HEAD + 50,
      isPermitted: permitAll,
      signer: keys.node.publicKey,
    })
    expect(opened.body.hotkey).toEqual(keys.hotkey.publicKey)
  })

  it('reuses an opened record without repeating the signature checks', () => {
    const opened = openEnvelope(recordBytes, { netuid: NETUID, expectedType: 'peer-record' })
    expect(checkBinding(opened, { netuid: NETUID, headBlock: HEAD, isPermitted: permitAll })).toBe(opened)
  })

  it('ignores expired and not-yet-valid records', () => {
    expect(
      codeOf(() => checkBinding(recordBytes, { netuid: NETUID, headBlock: HEAD + 100, isPermitted: permitAll })),
    ).toBe('MESH_BINDING_EXPIRED')
    expect(
      codeOf(() => checkBinding(recordBytes, { netuid: NETUID, headBlock: HEAD - 1, isPermitted: permitAll })),
    ).toBe('MESH_BINDING_EXPIRED')
  })

  it('ignores hotkeys the metagraph does not permit', () => {
    const seen: Uint8Array[] = []
    const deny = (hotkey: Uint8Array) => {
      seen.push(hotkey)
      return false
    }
    expect(codeOf(() => checkBinding(recordBytes, { netuid: NETUID, headBlock: HEAD, isPermitted: deny }))).toBe(
      'MESH_BINDING_NOT_PERMITTED',
    )
    expect(seen).toEqual([keys.hotkey.publicKey])
  })

  it('rejects a message signer that is not the bound node key', () => {
    const ctx = { netuid: NETUID, headBlock: HEAD, isPermitted: permitAll, signer: keys.otherNode.publicKey }
    expect(codeOf(() => checkBinding(recordBytes, ctx))).toBe('MESH_BINDING_MISMATCH')
  })

  it('rejects a tampered record and one for another subnet', () => {
    const tampered = Uint8Array.from(recordBytes)
    tampered[20] = (tampered[20] ?? 0) ^ 1
    expect(
      codeOf(() => checkBinding(tampered, { netuid: NETUID, headBlock: HEAD, isPermitted: permitAll })),
    ).toBeDefined()
    expect(
      codeOf(() => checkBinding(recordBytes, { netuid: NETUID + 1, headBlock: HEAD, isPermitted: permitAll })),
    ).toBe('MESH_BAD_SIGNATURE')
  })

  it('rejects a record whose node key did not countersign (a one-sided binding)', () => {
    // The hotkey claims someone else's node key: the node signature is the hotkey owner's own node key's.
    const r = createPeerRecord({
      netuid: NETUID,
      hotkey: keys.hotkey.publicKey,
      nodeSigner: keys.node,
      issuedAtBlock: HEAD,
    })
    const stolen = { ...r, nodePublicKey: keys.otherNode.publicKey }
    expect(codeOf(() => signPeerRecord(stolen, keys.hotkey))).toBe('MESH_BINDING_INVALID')
  })
})
