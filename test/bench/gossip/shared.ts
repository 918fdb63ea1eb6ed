import {
  createResult,
  type EpisodeRecord,
  encodeBody,
  type Hotkey,
  hotkeyFromSeed,
  initCrypto,
  type NodeKey,
  nodeKeyFromSeed,
  type Result,
  type ResultSummary,
} from '#protocol'
import { HEAD, NETUID, NODES, RESULT_BODY_BYTES } from './constants.js'
import { encodeStamp } from './stamp.js'

// Identities and the result template of the node processes (the parent does not load #protocol).

/** One benchmark node's identities: an ed25519 node key (libp2p id, signer) bound to an sr25519 hotkey. */
export interface BenchIdentity {
  nodeKey: NodeKey
  hotkey: Hotkey
}

const seed = (n: number): Uint8Array => new Uint8Array(32).fill(n)

/** Deterministic identities of node `index`; every process derives the same ones. */
export async function benchIdentity(index: number): Promise<BenchIdentity> {
  await initCrypto()
  return { nodeKey: await nodeKeyFromSeed(seed(0x40 + index)), hotkey: await hotkeyFromSeed(seed(0x80 + index)) }
}

/** Hex public keys of every node's hotkey: the metagraph's permitted set. */
export async function permittedHotkeys(): Promise<Set<string>> {
  await initCrypto()
  const keys = await Promise.all(Array.from({ length: NODES }, (_, i) => hotkeyFromSeed(seed(0x80 + i))))
  return new Set(keys.map((k) => Buffer.from(k.publicKey).toString('hex')))
}

function episodes(count: number): EpisodeRecord[] {
  return Array.from({ length: count }, (_, i) => ({
    envId: i % 2 === 0 ? 'mujoco/reach-v1' : 'mujoco/push-v1',
    taskId: `task-${i % 3}`,
    episodeIndex: i,
    seed: (BigInt(i + 1) * 0x9e3779b97f4a7c15n) & 0xffffffffffffffffn,
    success: i % 3 !== 0,
    totalReward: i * 0.37 - 1,
    steps: 200 + i,
    durationMs: 1800 + i,
    // Real episodes carry the 32-byte head of their state-hash chain.
    finalStateHash: seed(0x30 + (i % 8)),
  }))
}

function summary(records: EpisodeRecord[]): ResultSummary {
  const stats = (rs: EpisodeRecord[]) => {
    const successes = rs.filter((r) => r.success).length
    const rate = successes / rs.length
    let sum = 0
    for (const r of rs) sum += r.totalReward
    return {
      episodes: rs.length,
      successes,
      successRate: rate,
      wilsonLow: Math.max(0, rate - 0.1),
      wilsonHigh: Math.min(1, rate + 0.1),
      meanReward: sum / rs.length,
    }
  }
  const envs = [...new Set(records.map((r) => r.envId))]
  return {
    ...stats(records),
    perEnv: envs.map((envId) => ({ envId, ...stats(records.filter((r) => r.envId === envId)) })),
  }
}

/** The smallest valid result whose body is at least {@link RESULT_BODY_BYTES}; callers swap in the job id. */
export function resultTemplate(): Result {
  for (let n = 1; ; n++) {
    const eps = episodes(n)
    const r = createResult({
      netuid: NETUID,
      block: HEAD,
      jobId: encodeStamp({ sentNs: 0n, caseId: 0, publisher: 0, seq: 0 }),
      competitionId: 'reach-2026',
      minerHotkey: seed(9),
      episodes: eps,
      summary: summary(eps),
      trajectoryDigest: seed(2),
      artifactUris: ['s3://kinitro-artifacts/jobs/0101/episodes.jsonl'],
      evaluatorVersion: '0.1.0',
      simulatorVersion: 'mujoco-3.3.2',
      startedAtBlock: HEAD - 20,
      finishedAtBlock: HEAD,
    })
    if (encodeBody('result', r).length >= RESULT_BODY_BYTES) return r
  }
}
