import fc from 'fast-check'
import { FRESHNESS_WINDOW_BLOCKS, MAX_PEER_RECORD_TTL_BLOCKS } from '../../../src/constants.js'
import { ss58FromPublicKey } from '../../../src/identity/hotkey.js'
import { ed25519Signer } from '../../../src/identity/signer.js'
import { candidateIdOf } from '../../../src/messages/candidate-id.js'
import { createCompetitionManifest } from '../../../src/messages/competition.js'
import { createJobAnnouncement, createJobStatus } from '../../../src/messages/jobs.js'
import { createOwnerAction } from '../../../src/messages/owner-action.js'
import { createPeerRecord } from '../../../src/messages/peer-record.js'
import { createResult } from '../../../src/messages/result.js'
import { JobState, type MessageBodies, type MessageType } from '../../../src/messages/types.js'
import { createWeightsAnnouncement } from '../../../src/messages/weights.js'
import type { EpisodeRecord } from '../../../src/proto/kinitro.js'
import { HEAD, type Keys, NETUID, summarize } from './fixtures.js'

// fast-check generators of content-valid messages (they pass openEnvelope at head block HEAD).

export const idArb = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._:/@+=-]{0,30}$/)
// biome-ignore lint/suspicious/noControlCharactersInRegex: excluding control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/
export const textArb = (maxLength: number) =>
  fc.string({ unit: 'grapheme', maxLength }).filter((s) => !CONTROL.test(s) && Buffer.byteLength(s) <= maxLength)
export const bytes32 = fc.uint8Array({ minLength: 32, maxLength: 32 })
/** Doubles that survive a protobuf round trip as the same JS value (no NaN, no ±Infinity, no -0). */
export const finiteDouble = fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e12, max: 1e12 }).map((x) => x + 0)

const blockArb = (type: MessageType) => fc.integer({ min: HEAD - FRESHNESS_WINDOW_BLOCKS[type], max: HEAD })

function peerRecordArb(keys: Keys) {
  return fc
    .record({
      nodeSeed: bytes32,
      multiaddrs: fc.array(fc.uint8Array({ minLength: 1, maxLength: 64 }), { maxLength: 4 }),
      issuedAtBlock: blockArb('peer-record'),
      extra: fc.integer({ min: 1, max: 1000 }),
      capacity: fc.nat({ max: 256 }),
      families: fc.uniqueArray(fc.stringMatching(/^[a-z0-9._-]{1,16}$/), { maxLength: 4 }),
    })
    .filter((r) => HEAD - r.issuedAtBlock + r.extra <= MAX_PEER_RECORD_TTL_BLOCKS)
    .map((r) =>
      createPeerRecord({
        netuid: NETUID,
        hotkey: keys.hotkey.publicKey,
        nodeSigner: ed25519Signer(r.nodeSeed),
        multiaddrs: r.multiaddrs,
        issuedAtBlock: r.issuedAtBlock,
        ttlBlocks: HEAD - r.issuedAtBlock + r.extra,
        capacity: r.capacity,
        families: r.families,
      }),
    )
}

const manifestArb = fc
  .record({
    block: blockArb('competition-manifest'),
    id: idArb,
    name: textArb(40).filter((s) => s.length > 0),
    tasks: fc.uniqueArray(
      fc.record({ envId: idArb, taskId: idArb, params: fc.dictionary(idArb, textArb(20), { maxKeys: 4 }) }),
      { minLength: 1, maxLength: 5, selector: (t) => `${t.envId}\n${t.taskId}` },
    ),
    episodesPerTask: fc.integer({ min: 1, max: 100 }),
    maxSteps: fc.integer({ min: 1, max: 10_000 }),
    strategy: idArb,
    scoringParams: fc.dictionary(idArb, finiteDouble, { maxKeys: 4 }),
    startBlock: fc.nat({ max: 2 * HEAD }),
    duration: fc.nat({ max: 100_000 }),
    points: fc.integer({ min: 1, max: 1000 }),
    cycleLengthBlocks: fc.integer({ min: 1, max: 100_000 }),
  })
  .map((m) =>
    createCompetitionManifest({
      netuid: NETUID,
      ...m,
      scoring: { strategy: m.strategy, params: m.scoringParams },
      endBlock: m.duration === 0 ? 0 : m.startBlock + m.duration,
    }),
  )

const jobAnnouncementArb = fc
  .record({
    block: blockArb('job-announcement'),
    competitionId: idArb,
    minerHotkey: bytes32,
    minerUid: fc.integer({ min: 0, max: 0xffff }),
    commitment: textArb(100).filter((s) => s.length > 0),
    commitmentAge: fc.nat({ max: 10_000 }),
    cycle: fc.nat({ max: 1_000_000 }),
    cycleAge: fc.nat({ max: 10_000 }),
    cycleStartBlockHash: bytes32,
    // A third of them re-runs: another job id rule, and the only ones that may name env ids.
    rerun: fc.option(fc.record({ of: bytes32, envIds: fc.uniqueArray(idArb, { maxLength: 4 }) }), { freq: 3 }),
  })
  .map(({ commitmentAge, cycleAge, rerun, ...a }) =>
    createJobAnnouncement({
      netuid: NETUID,
      ...a,
      commitmentBlock: a.block - commitmentAge,
      cycleStartBlock: a.block - cycleAge,
      ...(rerun === null ? {} : { rerunOf: rerun.of, envIds: [...rerun.envIds].sort() }),
    }),
  )

const jobStatusArb = fc
  .record({
    block: blockArb('job-status'),
    jobId: bytes32,
    state: fc.constantFrom(...Object.values(JobState)),
    total: fc.nat({ max: 8192 }),
    doneFraction: fc.double({ min: 0, max: 1, noNaN: true }),
    detail: textArb(60),
  })
  .map((s) =>
    createJobStatus({
      netuid: NETUID,
      block: s.block,
      jobId: s.jobId,
      state: s.state,
      episodesTotal: s.total,
      episodesDone: Math.floor(s.total * s.doneFraction),
      detail: s.detail,
    }),
  )

const episodeArb = fc.record(
  {
    envId: fc.constantFrom('mujoco/reach-v1', 'mujoco/push-v1', 'remote/pick-place'),
    taskId: idArb,
    seed: fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
    success: fc.boolean(),
    totalReward: finiteDouble,
    steps: fc.nat({ max: 1_000_000 }),
    durationMs: fc.nat({ max: 0xffffffff }),
    error: textArb(40),
    finalStateHash: fc.oneof(fc.constant(new Uint8Array(0)), bytes32),
  },
  { requiredKeys: ['envId', 'taskId', 'seed', 'success', 'totalReward', 'steps', 'durationMs', 'finalStateHash'] },
)

const resultArb = fc
  .record({
    block: blockArb('result'),
    jobId: bytes32,
    competitionId: idArb,
    minerHotkey: bytes32,
    episodes: fc.array(episodeArb, { minLength: 1, maxLength: 40 }),
    trajectoryDigest: bytes32,
    artifactUris: fc.array(fc.webUrl(), { maxLength: 3 }),
    evaluatorVersion: idArb,
    simulatorVersion: idArb,
    duration: fc.nat({ max: 1000 }),
    lag: fc.nat({ max: 10 }),
  })
  .map((r) => {
    const episodes: EpisodeRecord[] = r.episodes.map((e, i) => ({ ...e, episodeIndex: i }))
    return createResult({
      netuid: NETUID,
      block: r.block,
      jobId: r.jobId,
      competitionId: r.competitionId,
      minerHotkey: r.minerHotkey,
      episodes,
      summary: summarize(episodes),
      trajectoryDigest: r.trajectoryDigest,
      artifactUris: r.artifactUris,
      evaluatorVersion: r.evaluatorVersion,
      simulatorVersion: r.simulatorVersion,
      startedAtBlock: Math.max(0, r.block - r.lag - r.duration),
      finishedAtBlock: r.block - r.lag,
    })
  })

const weightsArb = fc
  .record({
    block: blockArb('weights-announcement'),
    uids: fc.uniqueArray(fc.integer({ min: 0, max: 0xffff }), { minLength: 1, maxLength: 64 }),
    weights: fc.array(fc.integer({ min: 0, max: 0xffff }), { minLength: 64, maxLength: 64 }),
    inputsDigest: bytes32,
    versionKey: fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
    strategy: idArb,
  })
  .map((w) => createWeightsAnnouncement({ netuid: NETUID, ...w, weights: w.weights.slice(0, w.uids.length) }))

const ownerActionArb = fc
  .record({
    block: blockArb('owner-action'),
    competitionId: idArb,
    kind: fc.constantFrom('approve', 'reject', 'rerun'),
    miner: bytes32,
    commitBlock: fc.nat({ max: HEAD }),
    successRate: fc.double({ min: 0, max: 1, noNaN: true }).map((x) => x + 0),
    avgReward: finiteDouble,
    envIds: fc.uniqueArray(idArb, { maxLength: 4 }),
    reason: textArb(60),
  })
  .map((a) => {
    const base = { netuid: NETUID, block: a.block, competitionId: a.competitionId, reason: a.reason }
    const candidateId = candidateIdOf(ss58FromPublicKey(a.miner), a.commitBlock)
    if (a.kind === 'rerun')
      return createOwnerAction({ ...base, action: 'rerun', minerHotkey: a.miner, envIds: a.envIds })
    if (a.kind === 'reject') return createOwnerAction({ ...base, action: 'reject', candidateId })
    return createOwnerAction({
      ...base,
      action: 'approve',
      candidateId,
      successRate: a.successRate,
      avgReward: a.avgReward,
    })
  })

/** A generator of content-valid bodies for each type. */
export function bodyArbs(keys: Keys): { [K in MessageType]: fc.Arbitrary<MessageBodies[K]> } {
  return {
    'peer-record': peerRecordArb(keys),
    'competition-manifest': manifestArb,
    'job-announcement': jobAnnouncementArb,
    'job-status': jobStatusArb,
    result: resultArb,
    'weights-announcement': weightsArb,
    'owner-action': ownerActionArb,
  }
}
