import { sr25519KeypairFromSeed } from '@polkadot/wasm-crypto'
import { ed25519Signer, initCrypto, type Signer, sr25519Signer } from '../../../src/identity/signer.js'
import { createCompetitionManifest } from '../../../src/messages/competition.js'
import { createJobAnnouncement, createJobStatus } from '../../../src/messages/jobs.js'
import { createOwnerAction } from '../../../src/messages/owner-action.js'
import { createPeerRecord } from '../../../src/messages/peer-record.js'
import { createResult } from '../../../src/messages/result.js'
import { JobState, type MessageBodies, type MessageType, SIGNER_SCHEME } from '../../../src/messages/types.js'
import { createWeightsAnnouncement } from '../../../src/messages/weights.js'
import type { EpisodeRecord, ResultSummary } from '../../../src/proto/kinitro.js'

// Shared test data: fixed keys and one valid body per message type. Not a test file itself.

export const NETUID = 7
export const HEAD = 1_000_000

/** A 32-byte value filled with `n` (keys, digests). */
export function filled(n: number, length = 32): Uint8Array {
  return new Uint8Array(length).fill(n)
}

/** An sr25519 signer from a 32-byte mini-secret seed. Call after `initCrypto()`. */
export function srSigner(seed: Uint8Array): Signer {
  const kp = sr25519KeypairFromSeed(seed)
  return sr25519Signer(kp.slice(64), kp.slice(0, 64))
}

export interface Keys {
  node: Signer
  otherNode: Signer
  hotkey: Signer
  owner: Signer
}

/** Deterministic keys; the node key seed is the one the golden vectors use. */
export async function loadKeys(): Promise<Keys> {
  await initCrypto()
  return {
    node: ed25519Signer(filled(1)),
    otherNode: ed25519Signer(filled(3)),
    hotkey: srSigner(filled(2)),
    owner: srSigner(filled(4)),
  }
}

/** The signer each type requires, from `keys`. */
export function signerFor(type: MessageType, keys: Keys): Signer {
  if (type === 'peer-record') return keys.hotkey
  if (type === 'competition-manifest' || type === 'owner-action') return keys.owner
  return keys.node
}

/** A signer of the other scheme than `type` requires. */
export function wrongSchemeSigner(type: MessageType, keys: Keys): Signer {
  return SIGNER_SCHEME[type] === 'ed25519' ? keys.hotkey : keys.node
}

/** Wilson score interval (z = 1.96) — what an evaluator would report; validators only check bounds. */
export function wilson(successes: number, n: number, z = 1.96): [number, number] {
  const p = successes / n
  const denom = 1 + (z * z) / n
  const centre = (p + (z * z) / (2 * n)) / denom
  const half = (z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / denom
  return [Math.max(0, Math.min(p, centre - half)), Math.min(1, Math.max(p, centre + half))]
}

function stats(records: readonly EpisodeRecord[]) {
  const successes = records.filter((r) => r.success).length
  const rate = successes / records.length
  const [wilsonLow, wilsonHigh] = wilson(successes, records.length)
  let sum = 0
  for (const r of records) sum += r.totalReward
  return {
    episodes: records.length,
    successes,
    successRate: rate,
    wilsonLow,
    wilsonHigh,
    // `+ 0` turns -0 (tiny rewards that cancel and underflow) into +0: proto3 omits zero doubles, so -0
    // cannot survive a round trip, and the codec property would fail on a value no summary should carry.
    meanReward: sum / records.length + 0,
  }
}

/** A summary consistent with `episodes` (per-env in first-seen order). */
export function summarize(episodes: readonly EpisodeRecord[]): ResultSummary {
  const envs = [...new Set(episodes.map((e) => e.envId))]
  return {
    ...stats(episodes),
    perEnv: envs.map((envId) => ({ envId, ...stats(episodes.filter((e) => e.envId === envId)) })),
  }
}

/** Episode records: `count` episodes spread over two environments. */
export function sampleEpisodes(count: number): EpisodeRecord[] {
  return Array.from({ length: count }, (_, i) => ({
    envId: i % 2 === 0 ? 'mujoco/reach-v1' : 'mujoco/push-v1',
    taskId: `task-${i % 3}`,
    episodeIndex: i,
    seed: (BigInt(i) * 0x9e3779b97f4a7c15n) & 0xffffffffffffffffn,
    success: i % 3 !== 0,
    totalReward: i * 0.25 - 1,
    steps: 100 + i,
    durationMs: 1500 + i,
    finalStateHash: filled(0x40 + i),
    ...(i === 4 ? { error: 'policy timeout' } : {}),
  }))
}

/** One valid body per type, made at block `block` for subnet `netuid`. */
export function sampleBodies(keys: Keys, block = HEAD, netuid = NETUID): MessageBodies {
  const minerHotkey = filled(9)
  const jobId = createJobAnnouncement({
    netuid,
    block,
    competitionId: 'reach-2026',
    minerHotkey,
    minerUid: 12,
    commitment: 'hf:kinitro/policy@abc123',
    commitmentBlock: block - 500,
    cycle: 3,
    cycleStartBlock: block - 10,
    cycleStartBlockHash: filled(0xab),
  })
  const episodes = sampleEpisodes(6)
  return {
    'peer-record': createPeerRecord({
      netuid,
      hotkey: keys.hotkey.publicKey,
      nodeSigner: keys.node,
      multiaddrs: [Uint8Array.of(4, 127, 0, 0, 1, 6, 0x0f, 0xa0)],
      issuedAtBlock: block,
    }),
    'competition-manifest': createCompetitionManifest({
      netuid,
      block,
      id: 'reach-2026',
      name: 'Reach — 2026 season',
      tasks: [
        { envId: 'mujoco/reach-v1', taskId: 'task-0', params: { target: '0.3,0.1,0.2', noise: '0.01' } },
        { envId: 'mujoco/push-v1', taskId: 'task-1' },
      ],
      episodesPerTask: 25,
      maxSteps: 500,
      scoring: { strategy: 'first-commit-advantage', params: { threshold: 0.05, margin: 0.01 } },
      startBlock: block,
      endBlock: block + 100_000,
      points: 10,
      cycleLengthBlocks: 7200,
    }),
    'job-announcement': jobId,
    'job-status': createJobStatus({
      netuid,
      block,
      jobId: jobId.jobId,
      state: JobState.RUNNING,
      episodesDone: 3,
      episodesTotal: 50,
      detail: 'warming up',
    }),
    result: createResult({
      netuid,
      block,
      jobId: jobId.jobId,
      competitionId: 'reach-2026',
      minerHotkey,
      episodes,
      summary: summarize(episodes),
      trajectoryDigest: filled(0xcd),
      artifactUris: ['s3://kinitro-artifacts/job/episode-0.jsonl'],
      evaluatorVersion: '0.1.0',
      simulatorVersion: 'mujoco-3.3.2',
      startedAtBlock: block - 20,
      finishedAtBlock: block,
    }),
    'weights-announcement': createWeightsAnnouncement({
      netuid,
      block,
      uids: [5, 1, 3],
      weights: [100, 65535, 0],
      inputsDigest: filled(0xef),
      versionKey: 42n,
      strategy: 'first-commit-advantage',
    }),
    'owner-action': createOwnerAction({
      action: 'rerun',
      netuid,
      block,
      competitionId: 'reach-2026',
      minerHotkey,
      envIds: ['mujoco/reach-v1'],
      reason: 'the push env was fixed; re-evaluate reach',
    }),
  }
}
