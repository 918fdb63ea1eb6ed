import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createMujocoEnvironmentFactory } from '../../../src/env/mujoco/index.js'
import { createToyEnvironmentFactory, TOY_POINT_REACH_ID } from '../../../src/env/toy/index.js'
import type { TaskConfig } from '../../../src/env/types.js'
import { evaluateJob, type JobTask } from '../../../src/episode/evaluate-job.js'
import { runEpisode } from '../../../src/episode/run-episode.js'
import type { EpisodeOutcome } from '../../../src/episode/types.js'
import { createPolicyClient } from '../../../src/policy/client.js'
import {
  createEpisodePool,
  type EpisodePool,
  MUJOCO_ENV_MODULE,
  type PoolProgress,
  TOY_ENV_MODULE,
} from '../../../src/pool/index.js'
import { BLOCK_HASH, JOB_ID, serveToyPolicy, TEST_LIMITS } from '../episode/helpers.js'

const TEST_ENVS = { specifier: new URL('./test-envs.ts', import.meta.url).href, exportName: 'createTestEnvFactory' }
const limits = { ...TEST_LIMITS, maxSteps: 60 }
const task = (seed: number, params: Record<string, string> = {}): TaskConfig => ({
  envId: TOY_POINT_REACH_ID,
  taskId: 'reach-0',
  seed,
  params,
})

describe('episode pool (worker threads)', () => {
  let fast: Awaited<ReturnType<typeof serveToyPolicy>>[] = []
  let slow: Awaited<ReturnType<typeof serveToyPolicy>>
  let pool: EpisodePool
  beforeAll(async () => {
    fast = await Promise.all([serveToyPolicy(), serveToyPolicy()])
    // Sleeps 30 ms on every act after the first few: long enough to cancel mid-episode.
    slow = await serveToyPolicy({ sleepEvery: 30 })
    pool = createEpisodePool({ size: 2, envModule: TEST_ENVS, maxQueue: 1, progressEvery: 5 })
  })
  afterAll(async () => {
    await pool.close()
    await Promise.all([...fast, slow].map((s) => s.close()))
  })

  it('N episodes over 2 workers give exactly the outcomes of a sequential in-process run', async () => {
    const tasks: JobTask[] = [
      { envId: TOY_POINT_REACH_ID, taskId: 'reach-0', params: {} },
      { envId: TOY_POINT_REACH_ID, taskId: 'reach-1', params: { v: '2' } },
    ]
    const base = { jobId: JOB_ID, cycleStartBlockHash: BLOCK_HASH, tasks, episodesPerTask: 3, limits }
    const lanes = fast.map((s) => createPolicyClient({ url: s.url }, { limits }))
    const pooled = await evaluateJob({ ...base, lanes, pool })
    const seq = await evaluateJob({ ...base, lanes: [lanes[0]!], envFactory: createToyEnvironmentFactory() })
    for (const l of lanes) l.close()
    const key = (e: EpisodeOutcome) => [
      e.episodeIndex,
      e.seed,
      e.success,
      e.steps,
      e.totalReward,
      e.finalStateHash,
      e.error,
    ]
    expect(pooled.episodes.map(key)).toEqual(seq.episodes.map(key))
    expect(pooled.summary).toEqual(seq.summary)
    expect(pooled.episodes.every((e) => e.error === undefined && e.steps === 60)).toBe(true)
  })

  it('reports progress while an episode runs', async () => {
    const seen: PoolProgress[] = []
    const trace = await pool.run(
      { task: task(5), episodeIndex: 4, endpoint: { url: fast[0]!.url }, limits, recordSteps: true },
      { onProgress: (p) => seen.push(p) },
    )
    expect(trace.steps).toHaveLength(60)
    expect(seen.map((p) => p.steps)).toEqual([5, 10, 15, 20, 25, 30, 35, 40, 45, 50, 55, 60, 60])
    expect(seen.every((p) => p.episodeIndex === 4)).toBe(true)
  })

  it('cancellation posts a cancel and the episode ends validator_cancelled', async () => {
    const ctl = new AbortController()
    const trace = await pool.run(
      { task: task(6), episodeIndex: 0, endpoint: { url: slow.url }, limits },
      {
        signal: ctl.signal,
        onProgress: (p) => {
          if (p.steps >= 5) ctl.abort()
        },
      },
    )
    expect(trace.outcome.error).toBe('validator_cancelled')
    expect(trace.outcome.steps).toBeGreaterThanOrEqual(5)
    expect(trace.outcome.steps).toBeLessThan(60)
    expect(pool.running).toBe(0)
  })

  it('a crashed worker is replaced and its episode recorded as validator_internal', async () => {
    const crashed = await pool.run({
      task: task(7, { crash: 'thread' }),
      episodeIndex: 1,
      endpoint: { url: fast[0]!.url },
      limits,
    })
    expect(crashed.outcome.error).toBe('validator_internal')
    expect(crashed.outcome.errorDetail).toContain('simulated native crash')
    // Both workers still serve: two episodes at once complete normally.
    const after = await Promise.all([
      pool.run({ task: task(8), episodeIndex: 2, endpoint: { url: fast[0]!.url }, limits }),
      pool.run({ task: task(9), episodeIndex: 3, endpoint: { url: fast[1]!.url }, limits }),
    ])
    expect(after.map((t) => t.outcome.error)).toEqual([undefined, undefined])
  })

  it('a worker running MuJoCo gives the same chain as this thread', async () => {
    const mj: TaskConfig = { envId: 'mujoco/reach-v1', taskId: 'reach-0', seed: 31337, params: {} }
    const mjLimits = { ...limits, maxSteps: 20 }
    const envOptions = { cameras: [] }
    const pooled = await pool.run({
      task: mj,
      episodeIndex: 0,
      endpoint: { url: fast[0]!.url },
      limits: mjLimits,
      recordSteps: true,
      envOptions,
    })
    const env = await createMujocoEnvironmentFactory().create(mj.envId, envOptions)
    const client = createPolicyClient({ url: fast[0]!.url }, { limits: mjLimits })
    const here = await runEpisode({ env, policy: client, task: mj, episodeIndex: 0, limits: mjLimits })
    client.close()
    await env.close()
    expect(pooled.outcome.error).toBeUndefined()
    expect(pooled.outcome.steps).toBe(20)
    expect(pooled.steps.map((s) => s.stateHash)).toEqual(here.steps.map((s) => s.stateHash))
    // The production default names a real export.
    const mod = (await import(MUJOCO_ENV_MODULE.specifier)) as Record<string, unknown>
    expect(typeof mod[MUJOCO_ENV_MODULE.exportName]).toBe('function')
  })

  it('rejects beyond size + maxQueue with EVAL_POOL_FULL, and a queued episode can be cancelled', async () => {
    const ctl = new AbortController()
    const req = (i: number) => ({
      task: task(10 + i),
      episodeIndex: i,
      endpoint: { url: slow.url },
      limits: { ...limits, maxSteps: 8 },
    })
    const a = pool.run(req(0))
    const b = pool.run(req(1))
    const queued = pool.run(req(2), { signal: ctl.signal })
    expect(pool.queued + pool.running).toBe(3)
    await expect(pool.run(req(3))).rejects.toMatchObject({ code: 'EVAL_POOL_FULL' })
    ctl.abort()
    expect((await queued).outcome.error).toBe('validator_cancelled')
    const done = await Promise.all([a, b])
    expect(done.map((t) => t.outcome.steps)).toEqual([8, 8])
  })

  it('close() ends running and queued episodes as cancelled and rejects later runs', async () => {
    // A policy that answers every act after 2 s with a generous act deadline: nothing finishes before close.
    const hang = await serveToyPolicy({ sleepEvery: 2_000 })
    const hangLimits = { ...limits, actTimeoutMs: 60_000 }
    const req = (i: number) => ({
      task: task(20 + i),
      episodeIndex: i,
      endpoint: { url: hang.url },
      limits: hangLimits,
    })
    const all = [pool.run(req(0)), pool.run(req(1)), pool.run(req(2))]
    const guard = Date.now() + 20_000
    while (pool.running < 2 && Date.now() < guard) await new Promise((r) => setTimeout(r, 20))
    expect(pool.running).toBe(2)
    await pool.close()
    const traces = await Promise.all(all)
    expect(traces.map((t) => t.outcome.error)).toEqual([
      'validator_cancelled',
      'validator_cancelled',
      'validator_cancelled',
    ])
    await expect(pool.run(req(3))).rejects.toMatchObject({ code: 'EVAL_POOL_CLOSED' })
    expect(pool.running).toBe(0)
    await hang.close()
  })

  it('rejects invalid sizes with a typed error', () => {
    expect(() => createEpisodePool({ size: 0, envModule: TOY_ENV_MODULE })).toThrow(
      expect.objectContaining({ code: 'EVAL_POOL_INVALID_OPTIONS' }),
    )
  })
})
