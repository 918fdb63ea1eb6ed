import { beforeAll, describe, expect, it } from 'vitest'
import {
  FRESHNESS_WINDOW_BLOCKS,
  FUTURE_TOLERANCE_BLOCKS,
  MAX_EPISODES_PER_RESULT,
  MAX_PEER_RECORD_TTL_BLOCKS,
  MAX_STATUS_DETAIL_BYTES,
  MAX_WIRE_COMMITMENT_BYTES,
} from '../../../src/constants.js'
import { createJobAnnouncement } from '../../../src/messages/jobs.js'
import { createPeerRecord } from '../../../src/messages/peer-record.js'
import { MESSAGE_TYPES, type MessageBodies, type MessageType } from '../../../src/messages/types.js'
import { createWeightsAnnouncement } from '../../../src/messages/weights.js'
import { validateContent } from '../../../src/validation/content.js'
import type { ValidationErrorCode } from '../../../src/validation/errors.js'
import type { ContentContext } from '../../../src/validation/fields.js'
import { filled, HEAD, type Keys, loadKeys, NETUID, sampleBodies, signerFor } from '../messages/fixtures.js'
import { codeOf } from './helpers.js'

let keys: Keys
let bodies: MessageBodies
beforeAll(async () => {
  keys = await loadKeys()
  bodies = sampleBodies(keys)
})

function ctxFor(type: MessageType, extra: Partial<ContentContext> = {}): ContentContext {
  return { netuid: NETUID, signer: signerFor(type, keys).publicKey, headBlock: HEAD, ...extra }
}

function check<T extends MessageType>(
  type: T,
  mutate: (b: MessageBodies[T]) => MessageBodies[T],
  ctx?: Partial<ContentContext>,
) {
  return codeOf(() => validateContent(type, mutate(structuredClone(bodies[type])), ctxFor(type, ctx)))
}

describe.each(MESSAGE_TYPES)('%s content rules', (type) => {
  it('accept the sample body', () => {
    expect(check(type, (b) => b)).toBeUndefined()
  })

  it('reject another netuid', () => {
    expect(check(type, (b) => ({ ...b, netuid: NETUID + 1 }))).toBe('MESH_NETUID_MISMATCH')
  })

  it('ignore stale messages on gossip, accept them in sync mode, reject the far future', () => {
    const window = FRESHNESS_WINDOW_BLOCKS[type]
    expect(check(type, (b) => b, { headBlock: HEAD + window + 1 })).toBe('MESH_STALE')
    expect(check(type, (b) => b, { headBlock: HEAD + window })).not.toBe('MESH_STALE')
    expect(check(type, (b) => b, { headBlock: HEAD + window + 1, acceptStale: true })).not.toBe('MESH_STALE')
    expect(check(type, (b) => b, { headBlock: HEAD - FUTURE_TOLERANCE_BLOCKS })).toBeUndefined()
    expect(check(type, (b) => b, { headBlock: HEAD - FUTURE_TOLERANCE_BLOCKS - 1 })).toBe('MESH_FUTURE_BLOCK')
  })
})

type Case<T extends MessageType> = [string, (b: MessageBodies[T]) => MessageBodies[T], ValidationErrorCode]

describe('peer-record rules', () => {
  const cases: Case<'peer-record'>[] = [
    ['short hotkey', (b) => ({ ...b, hotkey: b.hotkey.subarray(1) }), 'MESH_FIELD_INVALID'],
    ['hotkey is not the signer', (b) => ({ ...b, hotkey: filled(5) }), 'MESH_BINDING_INVALID'],
    [
      'peer id of another key',
      (b) => ({ ...b, peerId: Uint8Array.of(0, 36, 8, 1, 18, 32, ...filled(4)) }),
      'MESH_BINDING_INVALID',
    ],
    [
      'node signature over other fields',
      (b) => ({ ...b, expiresAtBlock: b.expiresAtBlock + 1 }),
      'MESH_BINDING_INVALID',
    ],
    ['empty multiaddr', (b) => ({ ...b, multiaddrs: [new Uint8Array(0)] }), 'MESH_FIELD_INVALID'],
    ['expiry before issue', (b) => ({ ...b, expiresAtBlock: b.issuedAtBlock }), 'MESH_FIELD_INVALID'],
    [
      'TTL too long',
      (b) => ({ ...b, expiresAtBlock: b.issuedAtBlock + MAX_PEER_RECORD_TTL_BLOCKS + 1 }),
      'MESH_FIELD_INVALID',
    ],
  ]
  it.each(cases)('%s', (_name, mutate, code) => {
    expect(check('peer-record', mutate)).toBe(code)
  })

  it('ignores a record already expired at our head (gossip only)', () => {
    const r = createPeerRecord({
      netuid: NETUID,
      hotkey: keys.hotkey.publicKey,
      nodeSigner: keys.node,
      issuedAtBlock: HEAD - 100,
      ttlBlocks: 50,
    })
    const ctx = ctxFor('peer-record')
    expect(codeOf(() => validateContent('peer-record', r, ctx))).toBe('MESH_BINDING_EXPIRED')
    expect(codeOf(() => validateContent('peer-record', r, { ...ctx, acceptStale: true }))).toBeUndefined()
  })
})

describe('competition-manifest rules', () => {
  const task = { envId: 'e', taskId: 't', params: new Map<string, string>() }
  const cases: Case<'competition-manifest'>[] = [
    ['no tasks', (b) => ({ ...b, tasks: [] }), 'MESH_FIELD_INVALID'],
    ['duplicate task', (b) => ({ ...b, tasks: [task, { ...task }] }), 'MESH_FIELD_INVALID'],
    ['id with a space', (b) => ({ ...b, id: 'a b' }), 'MESH_FIELD_INVALID'],
    ['empty name', (b) => ({ ...b, name: '' }), 'MESH_FIELD_INVALID'],
    ['control character in name', (b) => ({ ...b, name: 'a\u0007' }), 'MESH_FIELD_INVALID'],
    ['zero episodes', (b) => ({ ...b, episodesPerTask: 0 }), 'MESH_FIELD_INVALID'],
    [
      'more episodes than a result holds',
      (b) => ({
        ...b,
        tasks: Array.from({ length: 9 }, (_, i) => ({ ...task, taskId: `t${i}` })),
        episodesPerTask: 1000,
      }),
      'MESH_FIELD_INVALID',
    ],
    ['no scoring', (b) => ({ ...b, scoring: undefined }), 'MESH_FIELD_INVALID'],
    [
      'infinite scoring parameter',
      (b) => ({ ...b, scoring: { strategy: 's', params: new Map([['x', Number.POSITIVE_INFINITY]]) } }),
      'MESH_FIELD_INVALID',
    ],
    ['end before start', (b) => ({ ...b, endBlock: b.startBlock }), 'MESH_FIELD_INVALID'],
    ['zero points', (b) => ({ ...b, points: 0 }), 'MESH_FIELD_INVALID'],
    ['zero cycle length', (b) => ({ ...b, cycleLengthBlocks: 0 }), 'MESH_FIELD_INVALID'],
  ]
  it.each(cases)('%s', (_name, mutate, code) => {
    expect(check('competition-manifest', mutate)).toBe(code)
  })
})

describe('job-announcement rules', () => {
  const cases: Case<'job-announcement'>[] = [
    ['job id not derived from the fields', (b) => ({ ...b, cycle: b.cycle + 1 }), 'MESH_JOB_ID_MISMATCH'],
    ['short job id', (b) => ({ ...b, jobId: b.jobId.subarray(1) }), 'MESH_FIELD_INVALID'],
    ['uid above u16', (b) => ({ ...b, minerUid: 65536 }), 'MESH_FIELD_INVALID'],
    ['empty commitment', (b) => ({ ...b, commitment: '' }), 'MESH_FIELD_INVALID'],
    [
      'oversized commitment',
      (b) => ({ ...b, commitment: 'x'.repeat(MAX_WIRE_COMMITMENT_BYTES + 1) }),
      'MESH_FIELD_INVALID',
    ],
    ['short block hash', (b) => ({ ...b, cycleStartBlockHash: new Uint8Array(31) }), 'MESH_FIELD_INVALID'],
    ['unsafe block number', (b) => ({ ...b, cycleStartBlock: 2 ** 60 }), 'MESH_FIELD_INVALID'],
  ]
  it.each(cases)('%s', (_name, mutate, code) => {
    expect(check('job-announcement', mutate)).toBe(code)
  })

  it('rejects a commitment or cycle start after the announcement block', () => {
    const a = bodies['job-announcement']
    const later = createJobAnnouncement({ ...a, commitmentBlock: a.block + 1 })
    expect(codeOf(() => validateContent('job-announcement', later, ctxFor('job-announcement')))).toBe(
      'MESH_FIELD_INVALID',
    )
    const cycle = createJobAnnouncement({ ...a, cycleStartBlock: a.block + 1 })
    expect(codeOf(() => validateContent('job-announcement', cycle, ctxFor('job-announcement')))).toBe(
      'MESH_FIELD_INVALID',
    )
  })
})

describe('job-status rules', () => {
  const cases: Case<'job-status'>[] = [
    ['unknown state', (b) => ({ ...b, state: 9 }), 'MESH_FIELD_INVALID'],
    ['no progress', (b) => ({ ...b, progress: undefined }), 'MESH_FIELD_INVALID'],
    ['done above total', (b) => ({ ...b, progress: { episodesDone: 6, episodesTotal: 5 } }), 'MESH_FIELD_INVALID'],
    [
      'total above the result cap',
      (b) => ({ ...b, progress: { episodesDone: 0, episodesTotal: MAX_EPISODES_PER_RESULT + 1 } }),
      'MESH_FIELD_INVALID',
    ],
    ['long detail', (b) => ({ ...b, detail: 'é'.repeat(MAX_STATUS_DETAIL_BYTES / 2 + 1) }), 'MESH_FIELD_INVALID'],
  ]
  it.each(cases)('%s', (_name, mutate, code) => {
    expect(check('job-status', mutate)).toBe(code)
  })
})

describe('result rules', () => {
  const cases: Case<'result'>[] = [
    ['no episodes', (b) => ({ ...b, episodes: [] }), 'MESH_FIELD_INVALID'],
    [
      'duplicate episode index',
      (b) => ({ ...b, episodes: b.episodes.map((e) => ({ ...e, episodeIndex: 0 })) }),
      'MESH_FIELD_INVALID',
    ],
    [
      'NaN reward',
      (b) => ({ ...b, episodes: b.episodes.map((e, i) => (i === 0 ? { ...e, totalReward: Number.NaN } : e)) }),
      'MESH_FIELD_INVALID',
    ],
    [
      'seed above u64',
      (b) => ({ ...b, episodes: b.episodes.map((e, i) => (i === 0 ? { ...e, seed: 1n << 64n } : e)) }),
      'MESH_FIELD_INVALID',
    ],
    ['no summary', (b) => ({ ...b, summary: undefined }), 'MESH_FIELD_INVALID'],
    [
      'success count off by one',
      (b) => ({ ...b, summary: b.summary && { ...b.summary, successes: b.summary.successes + 1 } }),
      'MESH_RESULT_INCONSISTENT',
    ],
    [
      'episode count off',
      (b) => ({ ...b, summary: b.summary && { ...b.summary, episodes: 99 } }),
      'MESH_RESULT_INCONSISTENT',
    ],
    [
      'rate not successes / episodes',
      (b) => ({ ...b, summary: b.summary && { ...b.summary, successRate: 0.5 } }),
      'MESH_RESULT_INCONSISTENT',
    ],
    [
      'Wilson interval excludes the rate',
      (b) => ({ ...b, summary: b.summary && { ...b.summary, wilsonHigh: 0 } }),
      'MESH_RESULT_INCONSISTENT',
    ],
    [
      'Wilson bound above 1',
      (b) => ({ ...b, summary: b.summary && { ...b.summary, wilsonHigh: 1.5 } }),
      'MESH_FIELD_INVALID',
    ],
    [
      'mean reward off',
      (b) => ({ ...b, summary: b.summary && { ...b.summary, meanReward: b.summary.meanReward + 0.001 } }),
      'MESH_RESULT_INCONSISTENT',
    ],
    [
      'missing env summary',
      (b) => ({ ...b, summary: b.summary && { ...b.summary, perEnv: b.summary.perEnv.slice(1) } }),
      'MESH_RESULT_INCONSISTENT',
    ],
    [
      'env summary for an env with no episodes',
      (b) => ({
        ...b,
        summary: b.summary && {
          ...b.summary,
          perEnv: b.summary.perEnv.map((e, i) => (i === 0 ? { ...e, envId: 'other' } : e)),
        },
      }),
      'MESH_RESULT_INCONSISTENT',
    ],
    [
      'env summary counts off',
      (b) => ({
        ...b,
        summary: b.summary && {
          ...b.summary,
          perEnv: b.summary.perEnv.map((e) => ({ ...e, successes: e.successes + 1 })),
        },
      }),
      'MESH_RESULT_INCONSISTENT',
    ],
    ['short trajectory digest', (b) => ({ ...b, trajectoryDigest: new Uint8Array(0) }), 'MESH_FIELD_INVALID'],
    ['artifact URI with whitespace', (b) => ({ ...b, artifactUris: ['s3://a b'] }), 'MESH_FIELD_INVALID'],
    ['finished after the message block', (b) => ({ ...b, finishedAtBlock: b.block + 1 }), 'MESH_FIELD_INVALID'],
    ['started after finished', (b) => ({ ...b, startedAtBlock: b.finishedAtBlock + 1 }), 'MESH_FIELD_INVALID'],
    ['empty evaluator version', (b) => ({ ...b, evaluatorVersion: '' }), 'MESH_FIELD_INVALID'],
  ]
  it.each(cases)('%s', (_name, mutate, code) => {
    expect(check('result', mutate)).toBe(code)
  })

  it('tolerates a mean reward summed in another order (1e-9 relative)', () => {
    expect(
      check('result', (b) => ({
        ...b,
        summary: b.summary && { ...b.summary, meanReward: b.summary.meanReward * (1 + 1e-12) },
      })),
    ).toBeUndefined()
  })
})

describe('weights-announcement rules', () => {
  const base = { netuid: NETUID, block: HEAD, inputsDigest: filled(1), strategy: 's' }
  const cases: Case<'weights-announcement'>[] = [
    ['odd uid bytes', (b) => ({ ...b, uids: Uint8Array.of(0, 1, 2) }), 'MESH_FIELD_INVALID'],
    ['no entries', (b) => ({ ...b, uids: new Uint8Array(0), weights: new Uint8Array(0) }), 'MESH_FIELD_INVALID'],
    ['fewer weights than uids', (b) => ({ ...b, weights: b.weights.subarray(2) }), 'MESH_FIELD_INVALID'],
    ['uids not ascending', (b) => ({ ...b, uids: Uint8Array.of(0, 5, 0, 1, 0, 3) }), 'MESH_FIELD_INVALID'],
    [
      'duplicate uid',
      () => ({
        ...createWeightsAnnouncement({ ...base, uids: [1, 2], weights: [1, 1] }),
        uids: Uint8Array.of(0, 1, 0, 1),
      }),
      'MESH_FIELD_INVALID',
    ],
    ['version key above u64', (b) => ({ ...b, versionKey: 1n << 64n }), 'MESH_FIELD_INVALID'],
    ['short inputs digest', (b) => ({ ...b, inputsDigest: new Uint8Array(16) }), 'MESH_FIELD_INVALID'],
  ]
  it.each(cases)('%s', (_name, mutate, code) => {
    expect(check('weights-announcement', mutate)).toBe(code)
  })
})
