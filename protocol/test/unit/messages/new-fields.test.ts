import { readFileSync } from 'node:fs'
import { fromString } from 'uint8arrays/from-string'
import { toString as toHex } from 'uint8arrays/to-string'
import { beforeAll, describe, expect, it } from 'vitest'
import { openEnvelope, sealEnvelope } from '../../../src/envelope/envelope.js'
import { decodeBody, encodeBody } from '../../../src/messages/codecs.js'
import { createPeerRecord, signPeerRecord } from '../../../src/messages/peer-record.js'
import type { MessageType } from '../../../src/messages/types.js'
import { filled, HEAD, type Keys, loadKeys, NETUID, sampleBodies } from './fixtures.js'

// PeerRecord.capacity (9), PeerRecord.families (10), EpisodeRecord.final_state_hash (10) and
// JobAnnouncement.rerun_of (12) / env_ids (13) were added within wire version 1. proto3 does not encode default values, so every message made before them keeps
// its bytes, its signature and its message id.

const vectors = JSON.parse(readFileSync(new URL('../../vectors/envelopes.json', import.meta.url), 'utf8')) as {
  vectors: Array<{ type: MessageType; bodyHex: string; envelopeHex: string }>
}
const bodyOf = (type: MessageType) =>
  fromString(vectors.vectors.find((v) => v.type === type)?.bodyHex as string, 'base16')

let keys: Keys
beforeAll(async () => {
  keys = await loadKeys()
})

describe('wire compatibility of the new fields', () => {
  it('an old peer record decodes with capacity 0 and no families, and re-encodes to the same bytes', () => {
    const bytes = bodyOf('peer-record')
    const body = decodeBody('peer-record', bytes)
    expect(body.capacity).toBe(0)
    expect(body.families).toEqual([])
    expect(encodeBody('peer-record', body)).toEqual(bytes)
    expect(encodeBody('peer-record', { ...body, capacity: 0, families: [] })).toEqual(bytes)
  })

  it('an old result decodes with empty final state hashes, and re-encodes to the same bytes', () => {
    const bytes = bodyOf('result')
    const body = decodeBody('result', bytes)
    expect(body.episodes.length).toBeGreaterThan(0)
    for (const e of body.episodes) expect(e.finalStateHash, `episode ${e.episodeIndex}`).toEqual(new Uint8Array(0))
    expect(encodeBody('result', body)).toEqual(bytes)
  })

  it('an old job announcement decodes as no re-run, keeps its job id rule, and re-encodes to the same bytes', () => {
    const bytes = bodyOf('job-announcement')
    const body = decodeBody('job-announcement', bytes)
    expect(body.rerunOf).toEqual(new Uint8Array(0))
    expect(body.envIds).toEqual([])
    expect(encodeBody('job-announcement', body)).toEqual(bytes)
    expect(() =>
      openEnvelope(sealEnvelope('job-announcement', body, NETUID, keys.node), { netuid: NETUID }),
    ).not.toThrow()
  })

  it('every committed envelope still opens (signatures and canonical form intact)', () => {
    for (const v of vectors.vectors) {
      expect(
        () => openEnvelope(fromString(v.envelopeHex, 'base16'), { netuid: NETUID, expectedType: v.type }),
        v.type,
      ).not.toThrow()
    }
  })

  it('set values travel under their field numbers and survive a round trip', () => {
    const r = createPeerRecord({
      netuid: NETUID,
      hotkey: keys.hotkey.publicKey,
      nodeSigner: keys.node,
      issuedAtBlock: HEAD,
      capacity: 3,
      families: ['toy'],
    })
    const hex = toHex(encodeBody('peer-record', r), 'base16')
    // Field 9 varint 3 (tag 0x48), then field 10 length-delimited "toy" (tag 0x52).
    expect(hex.endsWith(['4803', '5203', '746f79'].join(''))).toBe(true)

    const result = sampleBodies(keys).result
    const bytes = sealEnvelope('result', result, NETUID, keys.node)
    const opened = openEnvelope(bytes, { netuid: NETUID, expectedType: 'result', headBlock: HEAD })
    expect(opened.body.episodes.map((e) => e.finalStateHash)).toEqual(result.episodes.map((e) => e.finalStateHash))
    expect(opened.body.episodes[0]?.finalStateHash).toEqual(filled(0x40))
  })
})

describe('createPeerRecord: capacity and families', () => {
  it('defaults to a light node that names no family', () => {
    const r = createPeerRecord({
      netuid: NETUID,
      hotkey: keys.hotkey.publicKey,
      nodeSigner: keys.node,
      issuedAtBlock: HEAD,
    })
    expect(r.capacity).toBe(0)
    expect(r.families).toEqual([])
  })

  it('sorts and deduplicates families so one offer has one encoding, and the record opens with them', () => {
    const make = (families: string[]) =>
      createPeerRecord({
        netuid: NETUID,
        hotkey: keys.hotkey.publicKey,
        nodeSigner: keys.node,
        issuedAtBlock: HEAD,
        capacity: 8,
        families,
      })
    const a = make(['toy', 'mujoco', 'toy'])
    expect(a.families).toEqual(['mujoco', 'toy'])
    expect(encodeBody('peer-record', a)).toEqual(encodeBody('peer-record', make(['mujoco', 'toy'])))
    const opened = openEnvelope(signPeerRecord(a, keys.hotkey), {
      netuid: NETUID,
      expectedType: 'peer-record',
      headBlock: HEAD,
    })
    expect(opened.body.capacity).toBe(8)
    expect(opened.body.families).toEqual(['mujoco', 'toy'])
  })
})
