import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createResult, episodeSeed32, validateResult, wilson } from '#protocol'
import { createToyEnvironmentFactory, TOY_POINT_REACH_ID } from '../../../src/env/toy/index.js'
import type { EnvironmentFactory } from '../../../src/env/types.js'
import { EpisodeError } from '../../../src/episode/errors.js'
import { evaluateJob, type JobProgress, type JobTask, jobEpisodes } from '../../../src/episode/evaluate-job.js'
import { summarizeJob, toEpisodeRecords } from '../../../src/episode/summary.js'
import type { EpisodeOutcome } from '../../../src/episode/types.js'
import { createPolicyClient } from '../../../src/policy/client.js'
import type { PolicyClient } from '../../../src/policy/types.js'
import { BLOCK_HASH, inProcessPolicy, JOB_ID, serveToyPolicy, TEST_LIMITS } from './helpers.js'

const tasks: JobTask[] = [
  { envId: TOY_POINT_REACH_ID, taskId: 'reach-0', params: {} },
  { envId: TOY_POINT_REACH_ID, taskId: 'reach-1', params: { variant: 'b' } },
]
const limits = { ...TEST_LIMITS, maxSteps: 40 }

describe('evaluateJob', () => {
  let servers: Awaited<ReturnType<typeof serveToyPolicy>>[] = []
  let lanes: PolicyClient[] = []
  beforeAll(async () => {
    servers = await Promise.all([serveToyPolicy(), serveToyPolicy()])
    lanes = servers.map((s) => createPolicyClient({ url: s.url }, { limits }))
  })
  afterAll(async () => {
    for (const l of lanes) l.close()
    await Promise.all(servers.map((s) => s.close()))
  })

  it('runs task-major episodes with derived seeds over two lanes and summarises them', async () => {
    const progress: JobProgress[] = []
    const job = await evaluateJob({
      jobId: JOB_ID,
      cycleStartBlockHash: BLOCK_HASH,
      tasks,
      episodesPerTask: 3,
      limits,
      lanes,
      envFactory: createToyEnvironmentFactory(),
      onProgress: (p) => progress.push(p),
    })
    expect(job.episodes.map((e) => e.episodeIndex)).toEqual([0, 1, 2, 3, 4, 5])
    expect(job.episodes.map((e) => e.taskId)).toEqual([
      'reach-0',
      'reach-0',
      'reach-0',
      'reach-1',
      'reach-1',
      'reach-1',
    ])
    for (const e of job.episodes) expect(e.seed).toBe(episodeSeed32(JOB_ID, BLOCK_HASH, e.episodeIndex))
    expect(progress.map((p) => p.done)).toEqual([1, 2, 3, 4, 5, 6])
    expect(progress.every((p) => p.total === 6)).toBe(true)
    // Both lanes served episodes: the policies saw resets.
    expect(servers.every((s) => s.acts() > 0)).toBe(true)
    const successes = job.episodes.filter((e) => e.success).length
    expect(job.summary.episodes).toBe(6)
    expect(job.summary.successes).toBe(successes)
    expect(job.summary.perEnv).toHaveLength(1)
    expect(job.summary.wilsonLow).toBe(wilson(successes, 6).low)
    expect(job.excluded.total).toBe(0)
    expect(job.traces).toBeUndefined()
  })

  it('gives the same outcomes sequentially (1 lane) and in parallel (2 lanes)', async () => {
    const base = {
      jobId: JOB_ID,
      cycleStartBlockHash: BLOCK_HASH,
      tasks,
      episodesPerTask: 2,
      limits,
      envFactory: createToyEnvironmentFactory(),
    }
    const one = await evaluateJob({ ...base, lanes: [lanes[0] as PolicyClient] })
    const two = await evaluateJob({ ...base, lanes })
    const key = (e: EpisodeOutcome) => [e.episodeIndex, e.seed, e.success, e.steps, e.totalReward, e.finalStateHash]
    expect(two.episodes.map(key)).toEqual(one.episodes.map(key))
  })

  it('records and summary pass protocol validateResult', async () => {
    const job = await evaluateJob({
      jobId: JOB_ID,
      cycleStartBlockHash: BLOCK_HASH,
      tasks,
      episodesPerTask: 2,
      limits,
      lanes: [inProcessPolicy()],
      envFactory: createToyEnvironmentFactory(),
    })
    const result = createResult({
      netuid: 1,
      block: 100,
      jobId: JOB_ID,
      competitionId: 'comp-1',
      minerHotkey: new Uint8Array(32).fill(1),
      episodes: toEpisodeRecords(job.episodes),
      summary: job.summary,
      trajectoryDigest: new Uint8Array(32),
      evaluatorVersion: '0.1.0',
      simulatorVersion: 'toy-1.0.0',
      startedAtBlock: 90,
      finishedAtBlock: 99,
    })
    expect(() => validateResult(result, { netuid: 1, signer: new Uint8Array(32) })).not.toThrow()
  })

  it('separates non-policy failures (excluded) from policy failures (scored)', () => {
    const mk = (i: number, success: boolean, error?: EpisodeOutcome['error']): EpisodeOutcome => ({
      envId: i < 3 ? 'a/x-v1' : 'b/y-v1',
      taskId: 't',
      episodeIndex: i,
      seed: i,
      success,
      successAtEnd: success,
      totalReward: i,
      steps: 1,
      durationMs: 1.6,
      latencyP50Ms: 0,
      latencyP99Ms: 0,
      latencyMaxMs: 0,
      finalStateHash: '',
      simulator: { name: 'toy', version: '1' },
      ...(error ? { error } : {}),
    })
    const outs = [
      mk(0, true),
      mk(1, false, 'policy_timeout'),
      mk(2, false, 'env_unavailable'),
      mk(3, true),
      mk(4, false, 'validator_cancelled'),
    ]
    const s = summarizeJob(outs)
    expect(s.summary.episodes).toBe(5)
    expect(s.scored.episodes).toBe(3)
    expect(s.scored.successes).toBe(2)
    expect(s.excluded).toEqual({
      total: 2,
      byCode: { env_unavailable: 1, validator_cancelled: 1 },
      episodeIndices: [2, 4],
    })
    expect(s.summary.perEnv.map((e) => [e.envId, e.episodes])).toEqual([
      ['a/x-v1', 3],
      ['b/y-v1', 2],
    ])
    const recs = toEpisodeRecords(outs)
    expect(recs[1]?.error).toBe('policy_timeout')
    expect(recs[0]?.error).toBeUndefined()
    expect(recs[0]?.seed).toBe(0n)
    expect(recs[0]?.durationMs).toBe(2)
  })

  it('abort: unstarted episodes are validator_cancelled and counted as excluded', async () => {
    const ctl = new AbortController()
    const job = await evaluateJob({
      jobId: JOB_ID,
      cycleStartBlockHash: BLOCK_HASH,
      tasks,
      episodesPerTask: 3,
      limits,
      lanes: [inProcessPolicy()],
      envFactory: createToyEnvironmentFactory(),
      signal: ctl.signal,
      onProgress: (p) => {
        if (p.done === 2) ctl.abort()
      },
    })
    expect(job.episodes).toHaveLength(6)
    expect(job.episodes.slice(2).every((e) => e.error === 'validator_cancelled')).toBe(true)
    expect(job.excluded.total).toBe(4)
  })

  it('an env that cannot be created is env_error; bad options and unknown envs throw typed errors', async () => {
    const toy = createToyEnvironmentFactory()
    const broken: EnvironmentFactory = {
      list: () => toy.list(),
      create: async () => {
        throw new Error('no wasm')
      },
    }
    const job = await evaluateJob({
      jobId: JOB_ID,
      cycleStartBlockHash: BLOCK_HASH,
      tasks,
      episodesPerTask: 1,
      limits,
      lanes: [inProcessPolicy()],
      envFactory: broken,
    })
    expect(job.episodes.map((e) => e.error)).toEqual(['env_error', 'env_error'])
    const base = {
      jobId: JOB_ID,
      cycleStartBlockHash: BLOCK_HASH,
      tasks,
      limits,
      lanes: [inProcessPolicy()],
      envFactory: toy,
    }
    await expect(evaluateJob({ ...base, episodesPerTask: 0 })).rejects.toMatchObject({
      code: 'EVAL_EPISODE_INVALID_OPTIONS',
    })
    await expect(evaluateJob({ ...base, episodesPerTask: 1, lanes: [] })).rejects.toBeInstanceOf(EpisodeError)
    await expect(evaluateJob({ ...base, episodesPerTask: 1, jobId: new Uint8Array(31) })).rejects.toMatchObject({
      meta: { option: 'jobId' },
    })
    await expect(
      evaluateJob({ ...base, episodesPerTask: 1, tasks: [{ envId: 'nope/x-v1', taskId: 'x', params: {} }] }),
    ).rejects.toMatchObject({ code: 'EVAL_EPISODE_ENV_UNKNOWN' })
    expect(
      jobEpisodes({ jobId: JOB_ID, cycleStartBlockHash: BLOCK_HASH, tasks, episodesPerTask: 2 }).map(
        (e) => e.task.taskId,
      ),
    ).toEqual(['reach-0', 'reach-0', 'reach-1', 'reach-1'])
  })
})
