import { beforeAll, describe, expect, it } from 'vitest'
import { MAX_OWNER_ACTION_ENVS, MAX_OWNER_REASON_BYTES } from '../../../src/constants.js'
import { openEnvelope, sealEnvelope } from '../../../src/envelope/envelope.js'
import { ss58FromPublicKey } from '../../../src/identity/hotkey.js'
import { jobId } from '../../../src/ids/job-id.js'
import { candidateIdOf, parseCandidateId } from '../../../src/messages/candidate-id.js'
import { decodeBody, encodeBody } from '../../../src/messages/codecs.js'
import { createJobAnnouncement, rerunJobId } from '../../../src/messages/jobs.js'
import { createOwnerAction, ownerActionName, signOwnerAction } from '../../../src/messages/owner-action.js'
import { OwnerActionKind } from '../../../src/messages/types.js'
import type { OwnerAction } from '../../../src/proto/kinitro.js'
import { validateContent } from '../../../src/validation/content.js'
import type { ValidationErrorCode } from '../../../src/validation/errors.js'
import { codeOf } from '../validation/helpers.js'
import { filled, HEAD, type Keys, loadKeys, NETUID } from './fixtures.js'

let keys: Keys
beforeAll(async () => {
  keys = await loadKeys()
})

const miner = filled(9)
const candidate = () => candidateIdOf(ss58FromPublicKey(miner), 1200)
const approve = (): OwnerAction =>
  createOwnerAction({
    action: 'approve',
    netuid: NETUID,
    block: HEAD,
    competitionId: 'reach',
    candidateId: candidate(),
    successRate: 0.75,
    avgReward: -0.5,
    reason: 'best reach policy',
  })
const reject = (): OwnerAction =>
  createOwnerAction({ action: 'reject', netuid: NETUID, block: HEAD, competitionId: 'reach', candidateId: candidate() })
const rerun = (envIds: string[] = ['b/env', 'a/env', 'b/env']): OwnerAction =>
  createOwnerAction({
    action: 'rerun',
    netuid: NETUID,
    block: HEAD,
    competitionId: 'reach',
    minerHotkey: miner,
    envIds,
  })

const check = (a: OwnerAction) =>
  codeOf(() => validateContent('owner-action', a, { netuid: NETUID, signer: keys.owner.publicKey, headBlock: HEAD }))

describe('owner action messages', () => {
  it('round-trip through the codec and the owner-signed envelope, one encoding per decision', () => {
    for (const a of [approve(), reject(), rerun()]) {
      const bytes = encodeBody('owner-action', a)
      expect(decodeBody('owner-action', bytes), ownerActionName(a.action)).toEqual(a)
      const opened = openEnvelope(signOwnerAction(a, keys.owner), { netuid: NETUID, expectedType: 'owner-action' })
      expect(opened.body).toEqual(a)
      expect(opened.scheme).toBe('sr25519')
    }
    // Env ids are sorted and de-duplicated, so the same re-run always has the same bytes (and message id).
    expect(rerun().envIds).toEqual(['a/env', 'b/env'])
    expect(encodeBody('owner-action', rerun(['a/env', 'b/env']))).toEqual(encodeBody('owner-action', rerun()))
    // Fields an action does not use stay empty.
    expect(reject()).toMatchObject({ action: OwnerActionKind.REJECT, successRate: 0, avgReward: 0, envIds: [] })
    expect(rerun().candidateId).toBe('')
  })

  it('must be signed by a hotkey (sr25519), never a node key', () => {
    expect(codeOf(() => sealEnvelope('owner-action', approve(), NETUID, keys.node))).toBe('MESH_WRONG_SCHEME')
  })

  it('candidate ids are <SS58>@<block> and parse back; anything else is refused', () => {
    const id = candidate()
    expect(parseCandidateId(id)).toEqual({ hotkey: ss58FromPublicKey(miner), block: 1200 })
    for (const bad of ['', 'alice@10', `${ss58FromPublicKey(miner)}@`, `${ss58FromPublicKey(miner)}@01`, `x${id}`]) {
      expect(parseCandidateId(bad), bad).toBeUndefined()
    }
    // A valid base58 string with a broken checksum is not a hotkey.
    const hk = ss58FromPublicKey(miner)
    const flipped = `${hk.slice(0, 10)}${hk[10] === 'A' ? 'B' : 'A'}${hk.slice(11)}@5`
    expect(parseCandidateId(flipped)).toBeUndefined()
  })

  it('re-run job ids derive from the action id alone, in their own domain', () => {
    const id = filled(0x42)
    expect(rerunJobId(NETUID, id)).toEqual(rerunJobId(NETUID, Uint8Array.from(id)))
    expect(rerunJobId(NETUID, id)).not.toEqual(rerunJobId(NETUID, filled(0x43)))
    expect(rerunJobId(NETUID, id)).not.toEqual(rerunJobId(NETUID + 1, id))
    expect(() => rerunJobId(NETUID, filled(1, 31))).toThrow(RangeError)
    const base = {
      netuid: NETUID,
      block: HEAD,
      competitionId: 'reach',
      minerHotkey: miner,
      minerUid: 3,
      commitment: 'k1:a/b@c',
      commitmentBlock: HEAD - 10,
      cycle: 2,
      cycleStartBlock: HEAD - 5,
      cycleStartBlockHash: filled(0xab),
    }
    const a = createJobAnnouncement({ ...base, rerunOf: id, envIds: ['a/env'] })
    expect(a.jobId).toEqual(rerunJobId(NETUID, id))
    // Without rerun_of it is the cycle's ordinary job, whose id (and bytes) are what they always were.
    const plain = createJobAnnouncement(base)
    expect(plain.jobId).toEqual(jobId({ ...base }))
    expect(encodeBody('job-announcement', plain)).toEqual(
      encodeBody('job-announcement', { ...plain, rerunOf: new Uint8Array(0), envIds: [] }),
    )
  })
})

describe('owner action content rules', () => {
  it('accept each action kind as built', () => {
    for (const a of [approve(), reject(), rerun(), rerun([])]) expect(check(a)).toBeUndefined()
  })

  type Case = [string, () => OwnerAction, ValidationErrorCode]
  const cases: Case[] = [
    ['unknown action code', () => ({ ...approve(), action: 4 }), 'MESH_FIELD_INVALID'],
    ['action code 0', () => ({ ...approve(), action: 0 }), 'MESH_FIELD_INVALID'],
    ['bad competition id', () => ({ ...approve(), competitionId: ' reach' }), 'MESH_FIELD_INVALID'],
    ['approve without a candidate', () => ({ ...approve(), candidateId: '' }), 'MESH_FIELD_INVALID'],
    ['approve with a non-candidate id', () => ({ ...approve(), candidateId: 'alice@10' }), 'MESH_FIELD_INVALID'],
    ['success rate above 1', () => ({ ...approve(), successRate: 1.5 }), 'MESH_FIELD_INVALID'],
    ['negative success rate', () => ({ ...approve(), successRate: -0.1 }), 'MESH_FIELD_INVALID'],
    ['non-finite reward', () => ({ ...approve(), avgReward: Number.POSITIVE_INFINITY }), 'MESH_FIELD_INVALID'],
    ['approve naming a miner', () => ({ ...approve(), minerHotkey: miner }), 'MESH_FIELD_INVALID'],
    ['approve naming envs', () => ({ ...approve(), envIds: ['a/env'] }), 'MESH_FIELD_INVALID'],
    ['reject carrying figures', () => ({ ...reject(), successRate: 0.5 }), 'MESH_FIELD_INVALID'],
    ['reject carrying a reward', () => ({ ...reject(), avgReward: 1 }), 'MESH_FIELD_INVALID'],
    ['rerun without a miner', () => ({ ...rerun(), minerHotkey: new Uint8Array(0) }), 'MESH_FIELD_INVALID'],
    ['rerun with a short miner key', () => ({ ...rerun(), minerHotkey: filled(9, 31) }), 'MESH_FIELD_INVALID'],
    ['rerun naming a candidate', () => ({ ...rerun(), candidateId: candidate() }), 'MESH_FIELD_INVALID'],
    ['rerun carrying figures', () => ({ ...rerun(), successRate: 0.5 }), 'MESH_FIELD_INVALID'],
    ['unsorted env ids', () => ({ ...rerun(), envIds: ['b/env', 'a/env'] }), 'MESH_FIELD_INVALID'],
    ['repeated env ids', () => ({ ...rerun(), envIds: ['a/env', 'a/env'] }), 'MESH_FIELD_INVALID'],
    ['a bad env id', () => ({ ...rerun(), envIds: ['a env'] }), 'MESH_FIELD_INVALID'],
    [
      'too many env ids',
      () => ({ ...rerun(), envIds: Array.from({ length: MAX_OWNER_ACTION_ENVS + 1 }, (_, i) => `e${1000 + i}`) }),
      'MESH_FIELD_INVALID',
    ],
    [
      'a reason too long',
      () => ({ ...approve(), reason: 'x'.repeat(MAX_OWNER_REASON_BYTES + 1) }),
      'MESH_FIELD_INVALID',
    ],
    ['control characters in the reason', () => ({ ...approve(), reason: 'a\u0007b' }), 'MESH_FIELD_INVALID'],
    ['another subnet', () => ({ ...rerun(), netuid: NETUID + 1 }), 'MESH_NETUID_MISMATCH'],
  ]
  it.each(cases)('%s', (_name, make, code) => {
    expect(check(make())).toBe(code)
  })

  it('take the largest legal action (max env ids and reason) within the size limit', () => {
    const envIds = Array.from({ length: MAX_OWNER_ACTION_ENVS }, (_, i) => `${'e'.repeat(120)}${1000 + i}`).sort()
    const big = { ...rerun(), envIds, reason: 'é'.repeat(MAX_OWNER_REASON_BYTES / 2) }
    expect(check(big)).toBeUndefined()
    expect(decodeBody('owner-action', encodeBody('owner-action', big))).toEqual(big)
  })
})

describe('re-run job announcement content rules', () => {
  const base = () =>
    createJobAnnouncement({
      netuid: NETUID,
      block: HEAD,
      competitionId: 'reach',
      minerHotkey: miner,
      minerUid: 3,
      commitment: 'k1:a/b@c',
      commitmentBlock: HEAD - 10,
      cycle: 2,
      cycleStartBlock: HEAD - 5,
      cycleStartBlockHash: filled(0xab),
      rerunOf: filled(0x42),
      envIds: ['a/env'],
    })
  const ctx = { netuid: NETUID, signer: filled(1), headBlock: HEAD }
  const checkJob = (a: ReturnType<typeof base>) => codeOf(() => validateContent('job-announcement', a, ctx))

  it('the job id must be rerunJobId(netuid, rerun_of); only re-runs may name env ids', () => {
    expect(checkJob(base())).toBeUndefined()
    expect(checkJob({ ...base(), rerunOf: filled(0x43) })).toBe('MESH_JOB_ID_MISMATCH')
    expect(checkJob({ ...base(), rerunOf: filled(0x42, 31) })).toBe('MESH_FIELD_INVALID')
    expect(checkJob({ ...base(), envIds: ['b/env', 'a/env'] })).toBe('MESH_FIELD_INVALID')
    const plain = createJobAnnouncement({ ...base(), rerunOf: new Uint8Array(0), envIds: [] })
    expect(checkJob(plain)).toBeUndefined()
    expect(checkJob({ ...plain, envIds: ['a/env'] })).toBe('MESH_FIELD_INVALID')
  })
})
