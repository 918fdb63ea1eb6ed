import { createHash } from 'node:crypto'
import { ss58FromPublicKey, type TopicName, wilson } from '#protocol'
import type { ReplayDocument, ReplayFrame, ReplaySource } from '../../src/replay/types.js'
import type { CompetitionStanding, EnvStanding, ScoreSnapshot, ScoresView } from '../../src/scores/types.js'
import type {
  CommitmentRow,
  EpisodeRow,
  IndexedMessage,
  JobRow,
  JobStatusRow,
  Projection,
  ResultRow,
  SummaryFigures,
  WeightsRow,
} from '../../src/store/types.js'

// A small mesh the dashboard test can reason about: one competition with two environments, three
// miners whose order flips when a new result and a new score snapshot arrive, two validators (one of
// them still running a job). Rows are what the observer would hand `store.ingest()`; the store never
// verifies envelopes, so envelopes here are labelled bytes.

export const hotkey = (n: number): string => ss58FromPublicKey(new Uint8Array(32).fill(n))
export const hex32 = (label: string): string => createHash('sha256').update(label).digest('hex')

export const COMPETITION = 'reach'
export const ENVS = ['reach-v0', 'push-v0'] as const
export const VALIDATORS = [hotkey(1), hotkey(2)] as const
export const MINERS = { a: hotkey(11), b: hotkey(12), c: hotkey(13) } as const
const OWNER = hotkey(99)
const UIDS = new Map<string, number>(Object.values(MINERS).map((m, i) => [m, 10 + i]))
export const uidOf = (miner: string): number => UIDS.get(miner) ?? 0
const EPISODES_PER_ENV = 4
export const DIGEST_1 = hex32('inputs 1')
export const DIGEST_2 = hex32('inputs 2')

const TYPE_OF: Record<TopicName, string> = {
  peers: 'peer-record',
  owner: 'owner-action',
  competitions: 'competition-manifest',
  jobs: 'job-announcement',
  status: 'job-status',
  results: 'result',
  weights: 'weights-announcement',
}

function message(label: string, topic: TopicName, block: number, signer: string, build: (id: string) => Projection) {
  const id = hex32(label)
  const out: IndexedMessage = {
    id,
    topic,
    type: TYPE_OF[topic],
    block,
    signer: hex32(`key of ${signer}`),
    hotkey: signer,
    receivedAt: Date.now(),
    envelope: new TextEncoder().encode(`envelope ${label}`),
    projection: build(id),
  }
  return out
}

function figures(successes: number, episodes: number): SummaryFigures {
  const { low, high } = wilson(successes, episodes)
  return {
    episodes,
    successes,
    successRate: successes / episodes,
    wilsonLow: low,
    wilsonHigh: high,
    meanReward: successes / episodes,
  }
}

export const jobIdOf = (miner: string, cycle: number): string => hex32(`job ${miner} ${cycle}`)

export function jobMessage(miner: string, cycle: number, block: number): IndexedMessage {
  return message(`job ${miner} ${cycle}`, 'jobs', block, VALIDATORS[0], (messageId) => {
    const job: JobRow = {
      jobId: jobIdOf(miner, cycle),
      competitionId: COMPETITION,
      minerHotkey: miner,
      minerUid: uidOf(miner),
      commitment: `hf:org/policy-${miner.slice(0, 6)}@rev${cycle}`,
      commitmentBlock: 50,
      cycle,
      cycleStartBlock: block - 5,
      block,
      announcedBy: VALIDATORS[0],
      messageId,
    }
    return { kind: 'job', job }
  })
}

export function statusMessage(
  validator: string,
  miner: string,
  state: JobStatusRow['state'],
  done: number,
  block: number,
): IndexedMessage {
  return message(`status ${validator} ${miner} ${state} ${done} ${block}`, 'status', block, validator, (messageId) => ({
    kind: 'status',
    status: {
      jobId: jobIdOf(miner, 1),
      validator,
      state,
      episodesDone: done,
      episodesTotal: EPISODES_PER_ENV * ENVS.length,
      detail: state === 'running' ? 'evaluating' : '',
      block,
      messageId,
    },
  }))
}

/** A result with `successes[i]` of {@link EPISODES_PER_ENV} episodes successful in `ENVS[i]`. */
export function resultMessage(validator: string, miner: string, successes: [number, number], block: number) {
  return message(`result ${validator} ${miner} ${block}`, 'results', block, validator, (messageId) => {
    const jobId = jobIdOf(miner, 1)
    const episodes: EpisodeRow[] = ENVS.flatMap((envId, e) =>
      Array.from({ length: EPISODES_PER_ENV }, (_, i) => ({
        resultId: messageId,
        jobId,
        validator,
        minerHotkey: miner,
        competitionId: COMPETITION,
        block,
        envId,
        taskId: `${envId}/task-${i}`,
        episodeIndex: e * EPISODES_PER_ENV + i,
        seed: String(1_000_000 + e * 100 + i),
        success: i < successes[e]!,
        totalReward: i < successes[e]! ? 1 : 0.25,
        steps: 60,
        durationMs: 900,
        error: i < successes[e]! ? null : 'timeout',
        finalStateHash: hex32(`final ${messageId} ${e} ${i}`),
      })),
    )
    const total = successes[0] + successes[1]
    const result: ResultRow = {
      ...figures(total, EPISODES_PER_ENV * ENVS.length),
      messageId,
      jobId,
      validator,
      competitionId: COMPETITION,
      minerHotkey: miner,
      block,
      startedAtBlock: block - 10,
      finishedAtBlock: block - 1,
      perEnv: ENVS.map((envId, e) => ({ envId, ...figures(successes[e]!, EPISODES_PER_ENV) })),
      evaluatorVersion: '0.1.0',
      simulatorVersion: 'mujoco-3',
      artifactUris: episodes.map((x) => `file:///traces/${messageId}/${x.episodeIndex}/episode.json`),
      trajectoryDigest: hex32(`trajectory ${messageId}`),
    }
    return { kind: 'result', result, episodes }
  })
}

export function weightsMessage(validator: string, inputsDigest: string, block: number): IndexedMessage {
  return message(`weights ${validator} ${block}`, 'weights', block, validator, (messageId) => {
    const weights: WeightsRow = {
      messageId,
      validator,
      block,
      uids: [10, 11, 12],
      weights: [40000, 20000, 5535],
      inputsDigest,
      versionKey: '1',
      strategy: 'kinitro-subset-v1',
    }
    return { kind: 'weights', weights }
  })
}

/** What the page shows before any live update. */
export function initialMessages(): IndexedMessage[] {
  const [v1, v2] = VALIDATORS
  return [
    message('competition reach', 'competitions', 100, OWNER, (messageId) => ({
      kind: 'competition',
      competition: {
        id: COMPETITION,
        name: 'Reach and push',
        block: 100,
        messageId,
        points: 100,
        startBlock: 100,
        endBlock: 0,
        cycleLengthBlocks: 50,
        episodesPerTask: EPISODES_PER_ENV,
        maxSteps: 60,
        strategy: 'kinitro-subset-v1',
        params: {},
        tasks: ENVS.map((envId) => ({ envId, taskId: `${envId}/task`, params: {} })),
      },
    })),
    ...VALIDATORS.map((v, i) =>
      message(`peer ${v}`, 'peers', 101, v, (messageId) => ({
        kind: 'peer',
        peer: {
          validator: v,
          peerId: `12D3KooWPeer${i}`,
          multiaddrs: [`/ip4/127.0.0.1/tcp/${4000 + i}`],
          issuedAtBlock: 101,
          expiresAtBlock: 10_000,
          capacity: 2 + i,
          families: ['mujoco'],
          messageId,
        },
      })),
    ),
    ...Object.values(MINERS).map((m) => jobMessage(m, 1, 110)),
    ...Object.values(MINERS).map((m) => statusMessage(v1, m, 'done', 8, 129)),
    statusMessage(v2, MINERS.c, 'running', 3, 125),
    statusMessage(v2, MINERS.b, 'claimed', 0, 124),
    resultMessage(v1, MINERS.a, [4, 3], 131),
    resultMessage(v1, MINERS.b, [3, 2], 131),
    resultMessage(v1, MINERS.c, [1, 1], 131),
    weightsMessage(v1, DIGEST_1, 140),
    weightsMessage(v2, hex32('somebody else'), 141),
  ]
}

export function commitments(): CommitmentRow[] {
  return [
    { minerHotkey: MINERS.a, uid: 10, block: 40, text: 'hf:org/policy-a@rev0', seenAt: Date.now() - 60_000 },
    { minerHotkey: MINERS.a, uid: 10, block: 50, text: 'hf:org/policy-a@rev1', seenAt: Date.now() - 30_000 },
    { minerHotkey: MINERS.b, uid: 11, block: 50, text: 'hf:org/policy-b@rev1', seenAt: Date.now() - 30_000 },
    { minerHotkey: MINERS.c, uid: 12, block: 50, text: 'hf:org/policy-c@rev1', seenAt: Date.now() - 30_000 },
  ]
}

function env(envId: string, successes: number, episodes: number): EnvStanding {
  const { low, high } = wilson(successes, episodes)
  return {
    envId,
    successRate: successes / episodes,
    episodes,
    successes,
    wilsonLow: low,
    wilsonHigh: high,
    validators: 1,
  }
}

/** One score snapshot; `order` lists miners best first with their per-env successes. */
export function snapshot(block: number, inputsDigest: string, order: [string, [number, number]][]): ScoreSnapshot {
  const points = [60, 30, 10]
  const standing: CompetitionStanding = {
    id: COMPETITION,
    name: 'Reach and push',
    strategy: 'kinitro-subset-v1',
    points: 100,
    details: null,
    entries: order.map(([miner, s], i) => ({
      rank: i + 1,
      hotkey: miner,
      uid: uidOf(miner),
      points: points[i]!,
      weight: points[i]! / 100,
      u16: Math.round((points[i]! / 60) * 65535),
      commitmentBlock: 50,
      envs: ENVS.map((id, e) => env(id, s[e]!, EPISODES_PER_ENV)),
    })),
  }
  return {
    block,
    computedAt: Date.now(),
    results: 3,
    output: {
      inputsDigest,
      miners: standing.entries.map((e) => ({
        hotkey: e.hotkey,
        uid: e.uid,
        points: e.points,
        pointsByCompetition: { [COMPETITION]: e.points },
        weight: e.weight,
        u16: e.u16,
      })),
      weights: { uids: standing.entries.map((e) => e.uid ?? 0), values: standing.entries.map((e) => e.weight) },
      u16: { uids: standing.entries.map((e) => e.uid ?? 0), values: standing.entries.map((e) => e.u16) },
      competitions: [{ id: COMPETITION, strategy: 'kinitro-subset-v1', params: {}, points: 100, details: null }],
      state: {},
    },
    competitions: [standing],
  }
}

/** A scores view the test drives: `set()` is a recomputation. */
export function drivenScores(initial: ScoreSnapshot): ScoresView & { set(s: ScoreSnapshot): void } {
  let current = initial
  const listeners = new Set<(s: ScoreSnapshot) => void>()
  return {
    current: () => current,
    onUpdate(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    set(s) {
      current = s
      for (const l of listeners) l(s)
    },
  }
}

/**
 * A fixed episode: the effector moves in a straight line from the origin to the target, reaching it at
 * step {@link REPLAY_SUCCESS_STEP}, and holds there.
 */
export const REPLAY_FRAMES = 90
export const REPLAY_SUCCESS_STEP = 60

export function replayDocument(resultId: string, episodeIndex: number): ReplayDocument {
  const target: [number, number, number] = [0.3, 0.2, 0.1]
  const frames: ReplayFrame[] = Array.from({ length: REPLAY_FRAMES }, (_, t) => {
    const k = Math.min(1, t / REPLAY_SUCCESS_STEP)
    const success = t >= REPLAY_SUCCESS_STEP
    return {
      t,
      reward: success ? 1 : k * 0.8,
      success,
      points: {
        effector: [target[0] * k, target[1] * k + 0.05 * Math.sin(k * Math.PI), 0.25 - 0.15 * k],
        target,
      },
    }
  })
  return {
    resultId,
    episodeIndex,
    envId: 'reach-v0',
    taskId: 'reach-v0/task-0',
    seed: '1000000',
    success: true,
    successStep: REPLAY_SUCCESS_STEP,
    error: null,
    bounds: { min: [-0.05, -0.05, 0], max: [0.35, 0.3, 0.3] },
    frames,
  }
}

/** The replay source double: one document for any episode of the results it knows. */
export function fixedReplays(knownResults: () => readonly string[]): ReplaySource {
  return {
    async replay(resultId, episodeIndex) {
      return knownResults().includes(resultId) ? replayDocument(resultId, episodeIndex) : undefined
    },
  }
}
