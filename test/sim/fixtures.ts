import {
  createCompetitionManifest,
  createJobAnnouncement,
  createJobStatus,
  createPeerAllowlist,
  createPeerRecord,
  createResult,
  createWeightsAnnouncement,
  type EpisodeRecord,
  type GossipValidationContext,
  type Hotkey,
  hotkeyFromSeed,
  initCrypto,
  JobState,
  type NodeKey,
  nodeKeyFromSeed,
  type ResultSummary,
  sealEnvelope,
  signCompetitionManifest,
  signPeerRecord,
} from '#protocol'
import { SIM_HEAD, SIM_NETUID } from './constants.js'

// Realistic envelopes of every mesh message type, sealed with real keys by the real codecs, so the sizes
// and validation times the model uses are those of the wire format (design §3), not estimates.

/** The message types the model counts (owner actions are a handful a day and are left out). */
export const SIM_TYPES = [
  'peer-record',
  'competition-manifest',
  'job-announcement',
  'job-status',
  'result',
  'weights-announcement',
] as const
export type SimType = (typeof SIM_TYPES)[number]

/** What a fixture set is built for: the result carries tasks × episodes records; weights cover `uids`. */
export interface FixtureShape {
  tasks: number
  episodesPerTask: number
  /** Uids in a weights announcement (Subtensor's default MaxAllowedUids is 256). */
  uids: number
}

/** Keys that sign the fixtures: a validator (hotkey + node key) and the subnet owner. */
export interface FixtureKeys {
  validator: { hotkey: Hotkey; nodeKey: NodeKey }
  owner: Hotkey
}

const seed = (n: number): Uint8Array => new Uint8Array(32).fill(n)

export async function fixtureKeys(): Promise<FixtureKeys> {
  await initCrypto()
  return {
    validator: { hotkey: await hotkeyFromSeed(seed(0x81)), nodeKey: await nodeKeyFromSeed(seed(0x41)) },
    owner: await hotkeyFromSeed(seed(0x99)),
  }
}

// Env ids look like the built-in MuJoCo tasks; one env per task so the summary has one entry per task.
const envId = (t: number): string => `mujoco/task-${t}-v1`

function episodes(shape: FixtureShape): EpisodeRecord[] {
  const out: EpisodeRecord[] = []
  for (let t = 0; t < shape.tasks; t++) {
    for (let e = 0; e < shape.episodesPerTask; e++) {
      const i = out.length
      out.push({
        envId: envId(t),
        taskId: `task-${t}`,
        episodeIndex: i,
        seed: (BigInt(i + 1) * 0x9e3779b97f4a7c15n) & 0xffffffffffffffffn,
        success: i % 3 !== 0,
        // Rewards and lengths vary per episode as real ones do (varint and double widths matter).
        totalReward: (i * 0.37) % 50,
        steps: 180 + ((i * 7) % 320),
        durationMs: 1500 + ((i * 13) % 4000),
        finalStateHash: seed(0x30 + (i % 8)),
      })
    }
  }
  return out
}

function summary(records: EpisodeRecord[]): ResultSummary {
  const stats = (rs: EpisodeRecord[]) => {
    const successes = rs.filter((r) => r.success).length
    const rate = successes / rs.length
    return {
      episodes: rs.length,
      successes,
      successRate: rate,
      wilsonLow: Math.max(0, rate - 0.1),
      wilsonHigh: Math.min(1, rate + 0.1),
      meanReward: rs.reduce((s, r) => s + r.totalReward, 0) / rs.length,
    }
  }
  const envs = [...new Set(records.map((r) => r.envId))]
  return {
    ...stats(records),
    perEnv: envs.map((id) => ({ envId: id, ...stats(records.filter((r) => r.envId === id)) })),
  }
}

/** Sealed envelope bytes of one realistic message of every type, plus a context that accepts them all. */
export interface Fixtures {
  envelopes: Record<SimType, Uint8Array>
  context: GossipValidationContext
}

export function buildFixtures(keys: FixtureKeys, shape: FixtureShape): Fixtures {
  const { hotkey, nodeKey } = keys.validator
  const node = nodeKey.signer
  const head = SIM_HEAD
  const record = createPeerRecord({
    netuid: SIM_NETUID,
    hotkey: hotkey.publicKey,
    nodeSigner: node,
    // A public IPv4 and IPv6 TCP address, as a validator on the internet announces.
    multiaddrs: [
      Uint8Array.of(4, 203, 0, 113, 7, 6, 0x0f, 0xa1),
      Uint8Array.of(41, ...seed(0x20).subarray(0, 16), 6, 0x0f, 0xa1),
    ],
    issuedAtBlock: head - 10,
    capacity: 4,
    families: ['mujoco'],
  })
  const recordBytes = signPeerRecord(record, hotkey.signer)
  const manifest = createCompetitionManifest({
    netuid: SIM_NETUID,
    block: head - 100,
    id: 'manipulation-2026',
    name: 'Manipulation 2026',
    tasks: Array.from({ length: shape.tasks }, (_, t) => ({
      envId: envId(t),
      taskId: `task-${t}`,
      params: { object: `cube-${t}`, goal_radius: '0.05', max_force: '20' },
    })),
    episodesPerTask: shape.episodesPerTask,
    maxSteps: 500,
    scoring: { strategy: 'kinitro-subset-v2', params: { temperature: 1, threshold_z: 1.5 } },
    startBlock: head - 1000,
    points: 1,
    cycleLengthBlocks: 360,
  })
  const jobBody = createJobAnnouncement({
    netuid: SIM_NETUID,
    block: head,
    competitionId: manifest.id,
    minerHotkey: seed(0x09),
    minerUid: 42,
    // A miner commitment as the miner CLI builds it (commitments/constants.ts: at most 128 bytes).
    commitment: 'k1:hf:acme-robotics/reach-policy@3f2a9c1d0b7e:dep:8b1f4c2e9a7d4f10b3c6e5a7d9f01234:0',
    commitmentBlock: head - 500,
    cycle: 3,
    cycleStartBlock: head - 20,
    cycleStartBlockHash: seed(0x0c),
  })
  const status = createJobStatus({
    netuid: SIM_NETUID,
    block: head,
    jobId: jobBody.jobId,
    state: JobState.RUNNING,
    episodesDone: Math.floor((shape.tasks * shape.episodesPerTask) / 2),
    episodesTotal: shape.tasks * shape.episodesPerTask,
  })
  const eps = episodes(shape)
  const result = createResult({
    netuid: SIM_NETUID,
    block: head,
    jobId: jobBody.jobId,
    competitionId: manifest.id,
    minerHotkey: seed(0x09),
    episodes: eps,
    summary: summary(eps),
    trajectoryDigest: seed(0x02),
    artifactUris: ['s3://kinitro-artifacts/jobs/3f2a9c1d0b7e/episodes.jsonl'],
    evaluatorVersion: '0.1.0',
    simulatorVersion: 'mujoco-3.3.2',
    startedAtBlock: head - 120,
    finishedAtBlock: head,
  })
  const uids = Array.from({ length: shape.uids }, (_, i) => i)
  const weights = createWeightsAnnouncement({
    netuid: SIM_NETUID,
    block: head,
    uids,
    // A spread-out vector: most weights non-zero, as the subset strategies produce.
    weights: uids.map((u) => (u * 2654435761) % 65536),
    inputsDigest: seed(0x0d),
    strategy: 'kinitro-subset-v2',
  })
  const allowlist = createPeerAllowlist({ netuid: SIM_NETUID, headBlock: () => head, isPermitted: () => true })
  allowlist.addPeerRecord(recordBytes)
  const ownerKey = Buffer.from(keys.owner.publicKey)
  return {
    envelopes: {
      'peer-record': recordBytes,
      'competition-manifest': signCompetitionManifest(manifest, keys.owner.signer),
      'job-announcement': sealEnvelope('job-announcement', jobBody, SIM_NETUID, node),
      'job-status': sealEnvelope('job-status', status, SIM_NETUID, node),
      result: sealEnvelope('result', result, SIM_NETUID, node),
      'weights-announcement': sealEnvelope('weights-announcement', weights, SIM_NETUID, node),
    },
    context: {
      netuid: SIM_NETUID,
      headBlock: head,
      isPermitted: () => true,
      isManifestSigner: (k) => ownerKey.equals(k),
      allowlist,
    },
  }
}
