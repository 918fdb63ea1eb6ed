import { beforeAll, describe, expect, it } from 'vitest'
import { MAX_PEER_CAPACITY, MAX_PEER_FAMILIES, MAX_PEER_FAMILY_BYTES } from '../../../src/constants.js'
import type { MessageBodies } from '../../../src/messages/types.js'
import type { EpisodeRecord, PeerRecord, Result } from '../../../src/proto/kinitro.js'
import { validateContent } from '../../../src/validation/content.js'
import { HEAD, type Keys, loadKeys, NETUID, sampleBodies, signerFor } from '../messages/fixtures.js'
import { codeOf } from './helpers.js'

let keys: Keys
let bodies: MessageBodies
beforeAll(async () => {
  keys = await loadKeys()
  bodies = sampleBodies(keys)
})

const peer = (patch: Partial<PeerRecord>) =>
  codeOf(() =>
    validateContent(
      'peer-record',
      { ...bodies['peer-record'], ...patch },
      { netuid: NETUID, signer: signerFor('peer-record', keys).publicKey, headBlock: HEAD },
    ),
  )

const result = (patch: (episodes: EpisodeRecord[]) => EpisodeRecord[]) => {
  const body: Result = { ...bodies.result, episodes: patch(bodies.result.episodes.map((e) => ({ ...e }))) }
  return codeOf(() => validateContent('result', body, { netuid: NETUID, signer: keys.node.publicKey, headBlock: HEAD }))
}

describe('peer record: capacity', () => {
  it.each([0, 1, MAX_PEER_CAPACITY])('accepts %i', (capacity) => {
    expect(peer({ capacity })).toBeUndefined()
  })
  it.each([MAX_PEER_CAPACITY + 1, 2 ** 32 - 1, 1.5])('rejects %d', (capacity) => {
    expect(peer({ capacity })).toBe('MESH_FIELD_INVALID')
  })
  it('treats a missing capacity (a body built before the field) as 0', () => {
    const { capacity: _, ...old } = bodies['peer-record']
    expect(peer(old as PeerRecord)).toBeUndefined()
  })
})

describe('peer record: families', () => {
  const many = (n: number) => Array.from({ length: n }, (_, i) => `f${i}`)
  it.each([
    ['none (every family)', []],
    ['two', ['mujoco', 'toy']],
    ['the longest name', ['a'.repeat(MAX_PEER_FAMILY_BYTES)]],
    ['dots, dashes, underscores and digits', ['sim-2.x_v1']],
    ['the most families', many(MAX_PEER_FAMILIES)],
  ])('accepts %s', (_name, families) => {
    expect(peer({ families })).toBeUndefined()
  })
  it.each([
    ['too many', many(MAX_PEER_FAMILIES + 1)],
    ['an empty name', ['']],
    ['a name too long', ['a'.repeat(MAX_PEER_FAMILY_BYTES + 1)]],
    ['upper case', ['MuJoCo']],
    ['a slash', ['mujoco/reach']],
    ['a space', ['my sim']],
    ['non-ASCII', ['sím']],
    ['a duplicate', ['toy', 'toy']],
  ])('rejects %s', (_name, families) => {
    expect(peer({ families })).toBe('MESH_FIELD_INVALID')
  })
})

describe('result: episode final state hash', () => {
  it('accepts 32 bytes and empty', () => {
    expect(result((eps) => eps)).toBeUndefined()
    expect(result((eps) => eps.map((e) => ({ ...e, finalStateHash: new Uint8Array(0) })))).toBeUndefined()
  })
  it.each([1, 31, 33, 64])('rejects %i bytes', (n) => {
    expect(result((eps) => eps.map((e, i) => (i === 2 ? { ...e, finalStateHash: new Uint8Array(n) } : e)))).toBe(
      'MESH_FIELD_INVALID',
    )
  })
  it('treats a missing hash (a record built before the field) as empty', () => {
    expect(
      result((eps) =>
        eps.map((e) => {
          const { finalStateHash: _, ...old } = e
          return old as EpisodeRecord
        }),
      ),
    ).toBeUndefined()
  })
})
