import {
  type Action,
  type ArtifactStore,
  createBuiltinEnvironmentFactory,
  DEFAULT_POLICY_LIMITS,
  type EpisodeTrace,
  episodeKeyPrefix,
  evaluateJob,
  type JobTask,
  type Observation,
  type PolicyClient,
  writeEpisodeArtifacts,
} from '#evaluator'
import type { CompetitionRow, EpisodeRow, IndexerStore, Page, ResultRow } from '../../../src/store/types.js'

export const COMPETITION = 'replay-test'
export const JOB_ID = new Uint8Array(32).fill(5)
export const BLOCK_HASH = new Uint8Array(32).fill(6)

/** An in-process policy client (the interface, no HTTP): `act` per episode, chosen by reset count. */
export function scriptedPolicy(perEpisode: readonly ((obs: Observation) => Action)[]): PolicyClient {
  let episode = -1
  return {
    endpoint: { url: 'inproc://replay-test' },
    async health() {
      return { status: 'ok' }
    },
    async reset() {
      episode++
    },
    async act(obs) {
      const act = perEpisode[episode % perEpisode.length] as (obs: Observation) => Action
      return act(obs)
    },
    close() {},
  }
}

export const idle = (): Action => ({
  continuous: { ee_twist: [0, 0, 0, 0, 0, 0], gripper: [0] },
  discrete: {},
  extra: {},
})

/** Runs a job on the built-in environments and keeps its traces, as a validator node does. */
export async function evaluateTraces(
  tasks: JobTask[],
  episodesPerTask: number,
  policy: PolicyClient,
  maxSteps = 100,
): Promise<EpisodeTrace[]> {
  const job = await evaluateJob({
    jobId: JOB_ID,
    cycleStartBlockHash: BLOCK_HASH,
    tasks,
    episodesPerTask,
    limits: { ...DEFAULT_POLICY_LIMITS, episodeTimeoutMs: 60_000, maxSteps },
    lanes: [policy],
    envFactory: createBuiltinEnvironmentFactory(),
    keepTraces: true,
    snapshotEvery: 50,
  })
  return job.traces ?? []
}

/** Writes each trace where a validator would and returns the `episode.json` URIs in episode order. */
export async function writeTraces(store: ArtifactStore, traces: readonly EpisodeTrace[]): Promise<string[]> {
  const uris: string[] = []
  for (const t of traces) uris.push((await writeEpisodeArtifacts(store, keyPrefixOf(t), t)).episode.uri)
  return uris
}

export function keyPrefixOf(t: EpisodeTrace): string {
  const envId = t.outcome.envId.replace(/[^A-Za-z0-9._-]/gu, '_')
  return episodeKeyPrefix({ validator: 'v0', cycle: 1, minerUid: 4, envId, seed: t.outcome.seed })
}

/** The rows the indexer would hold for a result carrying these episodes and URIs. */
export function resultRows(
  messageId: string,
  traces: readonly EpisodeTrace[],
  artifactUris: string[],
): { result: ResultRow; episodes: EpisodeRow[] } {
  const successes = traces.filter((t) => t.outcome.success).length
  const result: ResultRow = {
    messageId,
    jobId: Buffer.from(JOB_ID).toString('hex'),
    validator: 'v0',
    competitionId: COMPETITION,
    minerHotkey: 'miner',
    block: 10,
    startedAtBlock: 1,
    finishedAtBlock: 10,
    perEnv: [],
    evaluatorVersion: 'kinitro-evaluator/1',
    simulatorVersion: 'test',
    artifactUris,
    trajectoryDigest: '00'.repeat(32),
    episodes: traces.length,
    successes,
    successRate: successes / traces.length,
    wilsonLow: 0,
    wilsonHigh: 1,
    meanReward: 0,
  }
  const episodes = traces.map(
    (t): EpisodeRow => ({
      resultId: messageId,
      jobId: result.jobId,
      validator: 'v0',
      minerHotkey: 'miner',
      competitionId: COMPETITION,
      block: 10,
      envId: t.outcome.envId,
      taskId: t.outcome.taskId,
      episodeIndex: t.outcome.episodeIndex,
      seed: String(t.outcome.seed),
      success: t.outcome.success,
      totalReward: t.outcome.totalReward,
      steps: t.outcome.steps,
      durationMs: t.outcome.durationMs,
      error: t.outcome.error ?? null,
      finalStateHash: t.outcome.finalStateHash,
    }),
  )
  return { result, episodes }
}

export type ReplayStore = Pick<IndexerStore, 'result' | 'episodes' | 'competition'>

/**
 * A hand fake of the three store reads the replay source makes (the SQLite/PostgreSQL stores run their
 * own compliance suite). Episodes come back in pages of two, so the source's paging is exercised.
 */
export function memoryStore(tasks: JobTask[]): ReplayStore & {
  add(r: ReturnType<typeof resultRows>): void
  uriOf(resultId: string, index: number): string
} {
  const results = new Map<string, ResultRow>()
  const episodes: EpisodeRow[] = []
  const competition: CompetitionRow = {
    id: COMPETITION,
    name: COMPETITION,
    block: 1,
    messageId: '11'.repeat(32),
    points: 1,
    startBlock: 0,
    endBlock: 0,
    cycleLengthBlocks: 100,
    episodesPerTask: 1,
    maxSteps: 100,
    strategy: 'winner-take-all',
    params: {},
    tasks: tasks.map((t) => ({ envId: t.envId, taskId: t.taskId, params: t.params })),
  }
  return {
    add(r) {
      results.set(r.result.messageId, r.result)
      episodes.push(...r.episodes)
    },
    uriOf(resultId, index) {
      return results.get(resultId)?.artifactUris[index] ?? ''
    },
    async result(id) {
      return results.get(id)
    },
    async competition(id) {
      return id === COMPETITION ? competition : undefined
    },
    async episodes(q): Promise<Page<EpisodeRow>> {
      const all = episodes.filter((e) => e.resultId === q.resultId)
      const from = Number(q.cursor ?? 0)
      const items = all.slice(from, from + 2)
      return from + 2 < all.length ? { items, nextCursor: String(from + 2) } : { items }
    },
  }
}
