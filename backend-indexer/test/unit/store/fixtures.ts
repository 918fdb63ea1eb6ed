/**
 * Synthetic `IndexedMessage`s for the store contract suite and the store bench. The store never verifies
 * or decodes, so envelopes are placeholder bytes and ids are SHA-256 of a label: deterministic, 32 bytes,
 * and spread over the id space like real ones.
 */
import { createHash } from 'node:crypto'
import type {
  CompetitionRow,
  EpisodeRow,
  Hex,
  IndexedMessage,
  JobRow,
  JobStateName,
  JobStatusRow,
  PeerRow,
  Projection,
  ResultRow,
  WeightsRow,
} from '../../../src/store/index.js'

/** SHA-256 hex of a label. */
export function hexId(label: string): Hex {
  return createHash('sha256').update(label).digest('hex')
}

/** A fake SS58-looking hotkey for a short name (48 chars, like a real one). */
export function hotkey(name: string): string {
  return `5${name}`.padEnd(48, 'x')
}

let unique = 0
/** A label no other call returns, for ids of otherwise identical messages. */
function nextLabel(kind: string): string {
  unique += 1
  return `${kind}#${unique}#${process.pid}`
}

interface Envelope {
  /** Message id. @default SHA-256 of a fresh label */
  id?: Hex
  block: number
  /** Signer's hotkey. @default the row's validator (or null for jobs announced by nobody) */
  hotkey?: string | null
  /** @default 1_700_000_000_000 + block * 12_000 */
  receivedAt?: number
}

function wrap(
  projection: Projection,
  topic: IndexedMessage['topic'],
  type: string,
  id: Hex,
  e: Envelope,
  hk: string | null,
): IndexedMessage {
  const hot = e.hotkey === undefined ? hk : e.hotkey
  return {
    id,
    topic,
    type,
    block: e.block,
    signer: hexId(`signer:${hot ?? 'none'}`),
    hotkey: hot,
    receivedAt: e.receivedAt ?? 1_700_000_000_000 + e.block * 12_000,
    // Placeholder bytes that differ per message, so a mix-up between rows shows.
    envelope: Buffer.concat([Buffer.from(id, 'hex'), Buffer.from(`${type}@${e.block}`)]),
    projection,
  }
}

/** A competition manifest message (signed by the subnet owner). */
export function competitionMsg(o: Envelope & { competitionId: string } & Partial<CompetitionRow>): IndexedMessage {
  const id = o.id ?? hexId(nextLabel('competition'))
  const competition: CompetitionRow = {
    id: o.competitionId,
    name: o.name ?? `Competition ${o.competitionId}`,
    block: o.block,
    messageId: id,
    points: o.points ?? 100,
    startBlock: o.startBlock ?? 0,
    endBlock: o.endBlock ?? 0,
    cycleLengthBlocks: o.cycleLengthBlocks ?? 360,
    episodesPerTask: o.episodesPerTask ?? 5,
    maxSteps: o.maxSteps ?? 500,
    strategy: o.strategy ?? 'winner-takes-all',
    params: o.params ?? { margin: 0.05 },
    tasks: o.tasks ?? [{ envId: 'reach', taskId: 'reach-0', params: { target: '0.3' } }],
  }
  return wrap({ kind: 'competition', competition }, 'competitions', 'competition-manifest', id, o, hotkey('owner'))
}

/** A job announcement. `jobId` defaults to a hash of (competition, miner, cycle), as the protocol derives it. */
export function jobMsg(
  o: Envelope & { competitionId: string; minerHotkey: string; cycle: number } & Partial<JobRow>,
): IndexedMessage {
  const id = o.id ?? hexId(nextLabel('job'))
  const job: JobRow = {
    jobId: o.jobId ?? hexId(`job:${o.competitionId}:${o.minerHotkey}:${o.cycle}`),
    competitionId: o.competitionId,
    minerHotkey: o.minerHotkey,
    minerUid: o.minerUid ?? 7,
    commitment: o.commitment ?? `hf:${o.minerHotkey}/policy@v1`,
    commitmentBlock: o.commitmentBlock ?? 1,
    cycle: o.cycle,
    cycleStartBlock: o.cycleStartBlock ?? o.cycle * 360,
    block: o.block,
    announcedBy: o.announcedBy === undefined ? hotkey('announcer') : o.announcedBy,
    messageId: id,
  }
  return wrap({ kind: 'job', job }, 'jobs', 'job-announcement', id, o, job.announcedBy)
}

/** A job status from one validator. */
export function statusMsg(
  o: Envelope & { jobId: Hex; validator: string; state: JobStateName } & Partial<JobStatusRow>,
): IndexedMessage {
  const id = o.id ?? hexId(nextLabel('status'))
  const status: JobStatusRow = {
    jobId: o.jobId,
    validator: o.validator,
    state: o.state,
    episodesDone: o.episodesDone ?? (o.state === 'done' ? 10 : 3),
    episodesTotal: o.episodesTotal ?? 10,
    detail: o.detail ?? '',
    block: o.block,
    messageId: id,
  }
  return wrap({ kind: 'status', status }, 'status', 'job-status', id, o, o.validator)
}

/** A result with `episodes` episodes spread over `envs` (success on even indexes unless `allSucceed`). */
export function resultMsg(
  o: Envelope & {
    jobId: Hex
    validator: string
    competitionId: string
    minerHotkey: string
    episodes?: number
    envs?: string[]
  },
): IndexedMessage {
  const id = o.id ?? hexId(nextLabel('result'))
  const envs = o.envs ?? ['reach', 'push']
  const n = o.episodes ?? 10
  const episodes: EpisodeRow[] = Array.from({ length: n }, (_, i) => ({
    resultId: id,
    jobId: o.jobId,
    validator: o.validator,
    minerHotkey: o.minerHotkey,
    competitionId: o.competitionId,
    block: o.block,
    envId: envs[i % envs.length] as string,
    taskId: `${envs[i % envs.length]}-${i % 3}`,
    episodeIndex: i,
    seed: (18_446_744_073_709_551_615n - BigInt(i)).toString(),
    success: i % 2 === 0,
    totalReward: 0.5 + i / 10,
    steps: 100 + i,
    durationMs: 1234.5 + i,
    error: i % 5 === 4 ? 'policy_timeout' : null,
    finalStateHash: hexId(`${id}:final:${i}`),
  }))
  const successes = episodes.filter((e) => e.success).length
  const figures = {
    episodes: n,
    successes,
    successRate: n === 0 ? 0 : successes / n,
    wilsonLow: 0.1,
    wilsonHigh: 0.9,
    meanReward: 0.75,
  }
  const result: ResultRow = {
    ...figures,
    messageId: id,
    jobId: o.jobId,
    validator: o.validator,
    competitionId: o.competitionId,
    minerHotkey: o.minerHotkey,
    block: o.block,
    startedAtBlock: o.block - 5,
    finishedAtBlock: o.block - 1,
    perEnv: envs.map((envId) => ({ ...figures, envId })),
    evaluatorVersion: '0.1.0',
    simulatorVersion: 'mujoco-3.2.0',
    artifactUris: episodes.map((e) => `file:///artifacts/${id}/${e.episodeIndex}.json`),
    trajectoryDigest: hexId(`${id}:trajectory`),
  }
  return wrap({ kind: 'result', result, episodes }, 'results', 'result', id, o, o.validator)
}

/** A weights announcement. */
export function weightsMsg(o: Envelope & { validator: string } & Partial<WeightsRow>): IndexedMessage {
  const id = o.id ?? hexId(nextLabel('weights'))
  const weights: WeightsRow = {
    messageId: id,
    validator: o.validator,
    block: o.block,
    uids: o.uids ?? [1, 2, 3],
    weights: o.weights ?? [65535, 0, 12],
    inputsDigest: o.inputsDigest ?? hexId(`inputs:${o.block}`),
    versionKey: o.versionKey ?? '1',
    strategy: o.strategy ?? 'winner-takes-all',
  }
  return wrap({ kind: 'weights', weights }, 'weights', 'weights-announcement', id, o, o.validator)
}

/** A peer record. The envelope block is `issuedAtBlock`, as the observer sets it. */
export function peerMsg(
  o: Omit<Envelope, 'block'> & { validator: string; issuedAtBlock: number } & Partial<PeerRow>,
): IndexedMessage {
  const id = o.id ?? hexId(nextLabel('peer'))
  const peer: PeerRow = {
    validator: o.validator,
    peerId: o.peerId ?? `12D3KooW${o.validator.slice(1, 12)}`,
    multiaddrs: o.multiaddrs ?? ['/ip4/127.0.0.1/tcp/4001'],
    issuedAtBlock: o.issuedAtBlock,
    expiresAtBlock: o.expiresAtBlock ?? o.issuedAtBlock + 7200,
    capacity: o.capacity ?? 4,
    families: o.families ?? ['mujoco'],
    messageId: id,
  }
  return wrap({ kind: 'peer', peer }, 'peers', 'peer-record', id, { ...o, block: o.issuedAtBlock }, o.validator)
}
