import { publicKeyFromRaw } from '@libp2p/crypto/keys'
import { peerIdFromPublicKey } from '@libp2p/peer-id'
import { beforeAll, describe, expect, it } from 'vitest'
import { DEFAULT_PEER_RECORD_TTL_BLOCKS } from '../../../src/constants.js'
import { openEnvelope } from '../../../src/envelope/envelope.js'
import { jobId } from '../../../src/ids/job-id.js'
import { encodeBody } from '../../../src/messages/codecs.js'
import { createCompetitionManifest, signCompetitionManifest } from '../../../src/messages/competition.js'
import { createJobAnnouncement, createJobStatus } from '../../../src/messages/jobs.js'
import { createPeerRecord, signPeerRecord } from '../../../src/messages/peer-record.js'
import { JobState } from '../../../src/messages/types.js'
import { createWeightsAnnouncement, packU16, unpackU16, weightsEntries } from '../../../src/messages/weights.js'
import { ValidationError } from '../../../src/validation/errors.js'
import { filled, HEAD, type Keys, loadKeys, NETUID, sampleBodies } from './fixtures.js'

let keys: Keys
beforeAll(async () => {
  keys = await loadKeys()
})

describe('createPeerRecord / signPeerRecord', () => {
  it('puts the node key, its libp2p peer id and a default TTL in the record', () => {
    const r = createPeerRecord({
      netuid: NETUID,
      hotkey: keys.hotkey.publicKey,
      nodeSigner: keys.node,
      issuedAtBlock: HEAD,
    })
    const libp2pId = peerIdFromPublicKey(publicKeyFromRaw(keys.node.publicKey))
    expect(r.peerId).toEqual(libp2pId.toMultihash().bytes)
    expect(r.nodePublicKey).toEqual(keys.node.publicKey)
    expect(r.expiresAtBlock - r.issuedAtBlock).toBe(DEFAULT_PEER_RECORD_TTL_BLOCKS)
    expect(r.multiaddrs).toEqual([])
    const opened = openEnvelope(signPeerRecord(r, keys.hotkey), {
      netuid: NETUID,
      expectedType: 'peer-record',
      headBlock: HEAD,
    })
    expect(opened.body.hotkey).toEqual(keys.hotkey.publicKey)
  })

  it('refuses a non-ed25519 node key, and a hotkey signer that is not the record hotkey', () => {
    expect(() =>
      createPeerRecord({ netuid: NETUID, hotkey: keys.hotkey.publicKey, nodeSigner: keys.owner, issuedAtBlock: HEAD }),
    ).toThrow(TypeError)
    const r = createPeerRecord({
      netuid: NETUID,
      hotkey: keys.hotkey.publicKey,
      nodeSigner: keys.node,
      issuedAtBlock: HEAD,
    })
    expect(() => signPeerRecord(r, keys.owner)).toThrow(ValidationError)
  })
})

describe('createCompetitionManifest', () => {
  it('encodes parameters in sorted key order, whatever the input order', () => {
    const init = (params: Record<string, string>, scoring: Record<string, number>) =>
      createCompetitionManifest({
        netuid: NETUID,
        block: HEAD,
        id: 'c',
        name: 'C',
        tasks: [{ envId: 'e', taskId: 't', params }],
        episodesPerTask: 1,
        maxSteps: 10,
        scoring: { strategy: 's', params: scoring },
        startBlock: 0,
        points: 1,
        cycleLengthBlocks: 10,
      })
    const a = init({ b: '2', a: '1' }, { y: 2, x: 1 })
    const b = init({ a: '1', b: '2' }, { x: 1, y: 2 })
    expect(encodeBody('competition-manifest', a)).toEqual(encodeBody('competition-manifest', b))
    expect([...(a.tasks[0]?.params.keys() ?? [])]).toEqual(['a', 'b'])
    expect(a.endBlock).toBe(0)
  })

  it('is sealed by the owner hotkey', () => {
    const m = sampleBodies(keys)['competition-manifest']
    const opened = openEnvelope(signCompetitionManifest(m, keys.owner), { netuid: NETUID })
    expect(opened.signer).toEqual(keys.owner.publicKey)
  })
})

describe('job constructors', () => {
  it('derive the job id from the announcement fields', () => {
    const a = sampleBodies(keys)['job-announcement']
    const {
      block: _b,
      cycleStartBlock: _s,
      cycleStartBlockHash: _h,
      minerUid: _u,
      commitment: _c,
      jobId: id,
      ...rest
    } = a
    expect(id).toEqual(jobId(rest))
    const again = createJobAnnouncement({ ...a, cycle: a.cycle + 1 })
    expect(again.jobId).not.toEqual(a.jobId)
  })

  it('fill job status defaults', () => {
    const s = createJobStatus({ netuid: NETUID, block: HEAD, jobId: filled(1), state: JobState.CLAIMED })
    expect(s.progress).toEqual({ episodesDone: 0, episodesTotal: 0 })
    expect(s.detail).toBe('')
  })
})

describe('weights', () => {
  it('sorts pairs by uid and packs them as big-endian u16', () => {
    const w = createWeightsAnnouncement({
      netuid: NETUID,
      block: HEAD,
      uids: [300, 2, 65535],
      weights: [1, 2, 3],
      inputsDigest: filled(1),
      strategy: 's',
    })
    expect([...w.uids]).toEqual([0, 2, 1, 44, 255, 255])
    expect(weightsEntries(w)).toEqual({ uids: [2, 300, 65535], weights: [2, 1, 3] })
    expect(w.versionKey).toBe(0n)
  })

  it('round-trips u16 lists and refuses non-u16 input', () => {
    const values = [0, 1, 255, 256, 65535]
    expect(unpackU16(packU16(values))).toEqual(values)
    const init = { netuid: NETUID, block: HEAD, inputsDigest: filled(1), strategy: 's' }
    expect(() => createWeightsAnnouncement({ ...init, uids: [1], weights: [65536] })).toThrow(RangeError)
    expect(() => createWeightsAnnouncement({ ...init, uids: [1, 2], weights: [1] })).toThrow(RangeError)
  })
})
