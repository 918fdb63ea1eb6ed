import { toString as toHex } from 'uint8arrays/to-string'
import { openEnvelope, sealEnvelope } from '../../../../src/envelope/envelope.js'
import { ss58FromPublicKey } from '../../../../src/identity/hotkey.js'
import { ed25519Signer } from '../../../../src/identity/signer.js'
import { episodeSeed32 } from '../../../../src/ids/episode-seed.js'
import { jobId } from '../../../../src/ids/job-id.js'
import { messageId } from '../../../../src/ids/message-id.js'
import { createCompetitionManifest } from '../../../../src/messages/competition.js'
import { createResult } from '../../../../src/messages/result.js'
import type { CompetitionManifest, EpisodeRecord } from '../../../../src/proto/kinitro.js'
import { mulberry32, type ReplicaResult } from '../../../../src/scoring/index.js'
import { filled, summarize } from '../../messages/fixtures.js'

// A small world of real signed results: each replica is sealed by its validator's node key and opened
// again, so the bodies under test are what a node decodes from the wire (final_state_hash included).

export const NETUID = 7
export const HEAD = 1_000_000
export const COMPETITION = 'reach-2026'
export const ENVS = ['mujoco/reach-v1', 'mujoco/push-v1'] as const
export const EPISODES_PER_TASK = 4
const CYCLE_HASH = filled(0xab)

/** Validator i (0-based): an SS58 hotkey and the node key that signs its results. */
export const validators = [0, 1, 2].map((i) => ({
  hotkey: ss58FromPublicKey(filled(0x21 + i)),
  node: ed25519Signer(filled(0x11 + i)),
}))
export const hotkeyOf = (i: number): string => (validators[i] as (typeof validators)[number]).hotkey

/** Miner i (0-based): its 32-byte hotkey and SS58 form. */
export const miners = [0, 1].map((i) => ({ key: filled(0x31 + i), hotkey: ss58FromPublicKey(filled(0x31 + i)) }))

export function manifest(extra: Partial<Parameters<typeof createCompetitionManifest>[0]> = {}): CompetitionManifest {
  return createCompetitionManifest({
    netuid: NETUID,
    block: HEAD - 1000,
    id: COMPETITION,
    name: 'Reach',
    tasks: ENVS.map((envId, i) => ({ envId, taskId: `task-${i}` })),
    episodesPerTask: EPISODES_PER_TASK,
    maxSteps: 500,
    scoring: { strategy: 'kinitro-subset-v1' },
    startBlock: HEAD - 1000,
    points: 1,
    cycleLengthBlocks: 7200,
    ...extra,
  })
}

export function jobOf(miner: number, cycle = 1): Uint8Array {
  const m = miners[miner] as (typeof miners)[number]
  return jobId({ netuid: NETUID, competitionId: COMPETITION, minerHotkey: m.key, commitmentBlock: 100, cycle })
}

/** How one episode ended; everything else follows from the index. */
export interface Outcome {
  success?: boolean
  steps?: number
  /** Fill byte of the 32-byte final state hash; null for none (empty). */
  hash?: number | null
  error?: string
  reward?: number
}

/** The episode record of `index` in miner `miner`'s job with outcome `o` (defaults: a clean success). */
export function episode(miner: number, index: number, o: Outcome = {}): EpisodeRecord {
  const success = o.success ?? o.error === undefined
  return {
    envId: ENVS[Math.floor(index / EPISODES_PER_TASK)] as string,
    taskId: `task-${Math.floor(index / EPISODES_PER_TASK)}`,
    episodeIndex: index,
    seed: BigInt(episodeSeed32(jobOf(miner), CYCLE_HASH, index)),
    success,
    totalReward: o.reward ?? (success ? 1 : 0.25),
    steps: o.steps ?? (success ? 120 : 500),
    durationMs: 2000,
    finalStateHash: o.hash === null ? new Uint8Array(0) : filled(o.hash ?? (success ? 0xa0 + index : 0xf0)),
    ...(o.error === undefined ? {} : { error: o.error }),
  }
}

/** A full job's episodes, 0…7, with `overrides` by index. */
export function episodes(miner: number, overrides: Record<number, Outcome> = {}): EpisodeRecord[] {
  return Array.from({ length: ENVS.length * EPISODES_PER_TASK }, (_, i) => episode(miner, i, overrides[i]))
}

/** Validator `v`'s signed result for miner `miner`'s job, decoded back from its envelope. */
export function replica(v: number, miner: number, list: EpisodeRecord[], block = HEAD): ReplicaResult {
  return replicaBy(validators[v] as (typeof validators)[number], miner, list, block)
}

/** The same for any validator identity (tests that need more than the three above). */
export function replicaBy(
  validator: { hotkey: string; node: ReturnType<typeof ed25519Signer> },
  miner: number,
  list: EpisodeRecord[],
  block = HEAD,
): ReplicaResult {
  const m = miners[miner] as (typeof miners)[number]
  const body = createResult({
    netuid: NETUID,
    block,
    jobId: jobOf(miner),
    competitionId: COMPETITION,
    minerHotkey: m.key,
    episodes: list,
    summary: summarize(list),
    trajectoryDigest: filled(0xcd),
    evaluatorVersion: '0.1.0',
    simulatorVersion: 'mujoco-3.3.2',
    startedAtBlock: block - 5,
    finishedAtBlock: block,
  })
  const bytes = sealEnvelope('result', body, NETUID, validator.node)
  const opened = openEnvelope(bytes, { netuid: NETUID, expectedType: 'result' })
  return { validator: validator.hotkey, result: opened.body, messageId: toHex(messageId(bytes), 'base16') }
}

/** A deterministic Fisher–Yates shuffle driven by `mulberry32(seed)`. */
export function shuffle<T>(items: readonly T[], seed: number): T[] {
  const out = [...items]
  const rand = mulberry32(seed)
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1))
    ;[out[i], out[j]] = [out[j] as T, out[i] as T]
  }
  return out
}
