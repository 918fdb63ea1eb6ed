import { multiaddr } from '@multiformats/multiaddr'
import {
  type CompetitionManifest,
  decodeBody,
  decodeEnvelope,
  type JobAnnouncement,
  JobState,
  type JobStatus,
  type MessageType,
  messageTypeFromCode,
  type PeerRecord,
  peerIdOfNodeKey,
  type Result,
  ss58FromPublicKey,
  type TopicName,
  unpackU16,
  type WeightsAnnouncement,
} from '#protocol'
import type { EpisodeRow, IndexedMessage, JobStateName, Projection, SummaryFigures } from '../store/types.js'

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex')

const STATE_NAMES: Record<number, JobStateName> = {
  [JobState.CLAIMED]: 'claimed',
  [JobState.RUNNING]: 'running',
  [JobState.DONE]: 'done',
  [JobState.FAILED]: 'failed',
}

/** What the ingest step knows of a message when it hands it to the store. */
export interface ProjectInput {
  id: Uint8Array
  topic: TopicName
  block: number
  signer: Uint8Array
  hotkey: string | null
  envelope: Uint8Array
  receivedAt?: number
  /** The type and body validation already decoded; without it the envelope is decoded here. */
  opened?: { type: MessageType; body: unknown }
}

/**
 * Turn an accepted envelope into the store's row shape. The envelope was verified when it was accepted;
 * here it is only decoded (no signature check), so a projection costs a protobuf decode, not a verify.
 */
export function projectMessage(input: ProjectInput): IndexedMessage {
  const { type, body } = input.opened ?? decoded(input.envelope)
  const messageId = hex(input.id)
  return {
    id: messageId,
    topic: input.topic,
    type,
    block: input.block,
    signer: hex(input.signer),
    hotkey: input.hotkey,
    receivedAt: input.receivedAt ?? Date.now(),
    envelope: input.envelope,
    projection: projectionOf(type, body, messageId, input.hotkey),
  }
}

function decoded(envelope: Uint8Array): { type: MessageType; body: unknown } {
  const env = decodeEnvelope(envelope)
  const type = messageTypeFromCode(env.type) as MessageType
  return { type, body: decodeBody(type, env.body) }
}

function projectionOf(type: MessageType, body: unknown, messageId: string, hotkey: string | null): Projection {
  switch (type) {
    case 'owner-action':
      return { kind: 'none' }
    case 'competition-manifest':
      return { kind: 'competition', competition: competitionRow(body as CompetitionManifest, messageId) }
    case 'job-announcement':
      return { kind: 'job', job: jobRow(body as JobAnnouncement, messageId, hotkey) }
    case 'job-status': {
      const s = body as JobStatus
      return {
        kind: 'status',
        status: {
          jobId: hex(s.jobId),
          validator: hotkey ?? '',
          state: STATE_NAMES[s.state] ?? 'claimed',
          episodesDone: s.progress?.episodesDone ?? 0,
          episodesTotal: s.progress?.episodesTotal ?? 0,
          detail: s.detail,
          block: s.block,
          messageId,
        },
      }
    }
    case 'result':
      return resultProjection(body as Result, messageId, hotkey ?? '')
    case 'weights-announcement': {
      const w = body as WeightsAnnouncement
      return {
        kind: 'weights',
        weights: {
          messageId,
          validator: hotkey ?? '',
          block: w.block,
          uids: unpackU16(w.uids),
          weights: unpackU16(w.weights),
          inputsDigest: hex(w.inputsDigest),
          versionKey: String(w.versionKey),
          strategy: w.strategy,
        },
      }
    }
    case 'peer-record': {
      const r = body as PeerRecord
      return {
        kind: 'peer',
        peer: {
          validator: ss58FromPublicKey(r.hotkey),
          peerId: peerIdOfNodeKey(r.nodePublicKey),
          multiaddrs: r.multiaddrs.flatMap((a) => {
            try {
              return [multiaddr(a).toString()]
            } catch {
              return []
            }
          }),
          issuedAtBlock: r.issuedAtBlock,
          expiresAtBlock: r.expiresAtBlock,
          capacity: r.capacity,
          families: [...r.families],
          messageId,
        },
      }
    }
  }
}

export function competitionRow(m: CompetitionManifest, messageId: string) {
  return {
    id: m.id,
    name: m.name,
    block: m.block,
    messageId,
    points: m.points,
    startBlock: m.startBlock,
    endBlock: m.endBlock,
    cycleLengthBlocks: m.cycleLengthBlocks,
    episodesPerTask: m.episodesPerTask,
    maxSteps: m.maxSteps,
    strategy: m.scoring?.strategy ?? '',
    params: Object.fromEntries(m.scoring?.params ?? new Map()),
    tasks: m.tasks.map((t) => ({ envId: t.envId, taskId: t.taskId, params: Object.fromEntries(t.params) })),
  }
}

function jobRow(a: JobAnnouncement, messageId: string, hotkey: string | null) {
  return {
    jobId: hex(a.jobId),
    competitionId: a.competitionId,
    minerHotkey: ss58FromPublicKey(a.minerHotkey),
    minerUid: a.minerUid,
    commitment: a.commitment,
    commitmentBlock: a.commitmentBlock,
    cycle: a.cycle,
    cycleStartBlock: a.cycleStartBlock,
    block: a.block,
    announcedBy: hotkey,
    messageId,
  }
}

function figures(s: {
  episodes: number
  successes: number
  successRate: number
  wilsonLow: number
  wilsonHigh: number
  meanReward: number
}): SummaryFigures {
  return {
    episodes: s.episodes,
    successes: s.successes,
    successRate: s.successRate,
    wilsonLow: s.wilsonLow,
    wilsonHigh: s.wilsonHigh,
    meanReward: s.meanReward,
  }
}

function resultProjection(r: Result, messageId: string, validator: string): Projection {
  const jobId = hex(r.jobId)
  const minerHotkey = ss58FromPublicKey(r.minerHotkey)
  const empty = { episodes: 0, successes: 0, successRate: 0, wilsonLow: 0, wilsonHigh: 0, meanReward: 0 }
  const episodes: EpisodeRow[] = r.episodes.map((e) => ({
    resultId: messageId,
    jobId,
    validator,
    minerHotkey,
    competitionId: r.competitionId,
    block: r.block,
    envId: e.envId,
    taskId: e.taskId,
    episodeIndex: e.episodeIndex,
    seed: String(e.seed),
    success: e.success,
    totalReward: e.totalReward,
    steps: e.steps,
    durationMs: e.durationMs,
    error: e.error ?? null,
    finalStateHash: hex(e.finalStateHash),
  }))
  return {
    kind: 'result',
    result: {
      messageId,
      jobId,
      validator,
      competitionId: r.competitionId,
      minerHotkey,
      block: r.block,
      startedAtBlock: r.startedAtBlock,
      finishedAtBlock: r.finishedAtBlock,
      ...figures(r.summary ?? empty),
      perEnv: (r.summary?.perEnv ?? []).map((e) => ({ envId: e.envId, ...figures(e) })),
      evaluatorVersion: r.evaluatorVersion,
      simulatorVersion: r.simulatorVersion,
      artifactUris: [...r.artifactUris],
      trajectoryDigest: hex(r.trajectoryDigest),
    },
    episodes,
  }
}
