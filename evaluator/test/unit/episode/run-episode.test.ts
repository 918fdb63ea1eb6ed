import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createToyEnvironment, TOY_POINT_REACH_ID, ToyUnstableError } from '../../../src/env/toy/index.js'
import type { Environment, TaskConfig } from '../../../src/env/types.js'
import { chainNext, chainStart } from '../../../src/episode/chain.js'
import { runEpisode, taskNameOf } from '../../../src/episode/run-episode.js'
import { createPolicyClient } from '../../../src/policy/client.js'
import { inProcessPolicy, serveToyPolicy, TEST_LIMITS } from './helpers.js'

const task: TaskConfig = { envId: TOY_POINT_REACH_ID, taskId: 'reach-0', seed: 1234, params: {} }

describe('runEpisode over a real HTTP policy', () => {
  let expert: Awaited<ReturnType<typeof serveToyPolicy>>
  beforeAll(async () => {
    expert = await serveToyPolicy()
  })
  afterAll(async () => {
    await expert.close()
  })

  it('solves the toy task, records every step and a hash chain that re-derives from the states', async () => {
    const env = createToyEnvironment()
    const policy = createPolicyClient({ url: expert.url }, { limits: TEST_LIMITS })
    const states: Uint8Array[] = []
    const trace = await runEpisode({
      env,
      policy,
      task,
      episodeIndex: 3,
      limits: TEST_LIMITS,
      snapshotEvery: 10,
      onStep: () => states.push(env.stateBytes()),
    })
    policy.close()
    const o = trace.outcome
    expect(o.error).toBeUndefined()
    expect(o.success).toBe(true)
    // Default: no termination on success, the reference runs the full horizon.
    expect(o.steps).toBe(100)
    expect(trace.steps).toHaveLength(100)
    expect(o.successAtEnd).toBe(true)
    expect(o.episodeIndex).toBe(3)
    expect(o.latencyMaxMs).toBeGreaterThanOrEqual(o.latencyP99Ms)
    expect(o.latencyP99Ms).toBeGreaterThanOrEqual(o.latencyP50Ms)
    expect(trace.snapshots).toHaveLength(11)
    let link: Buffer = Buffer.from(trace.initialStateHash, 'hex')
    for (const [i, s] of states.entries()) {
      link = chainNext(link, s)
      expect(trace.steps[i]?.stateHash).toBe(link.toString('hex'))
    }
    expect(o.finalStateHash).toBe(link.toString('hex'))
  })

  it('terminateOnSuccess stops at the first successful step', async () => {
    const policy = createPolicyClient({ url: expert.url }, { limits: TEST_LIMITS })
    const trace = await runEpisode({
      env: createToyEnvironment(),
      policy,
      task,
      episodeIndex: 0,
      limits: TEST_LIMITS,
      terminateOnSuccess: true,
    })
    policy.close()
    expect(trace.outcome.success).toBe(true)
    expect(trace.outcome.steps).toBeLessThan(100)
    expect(trace.steps.at(-1)?.success).toBe(true)
    expect(trace.steps.slice(0, -1).every((s) => !s.success)).toBe(true)
  })

  it('a zero policy fails the task without an error', async () => {
    const zero = await serveToyPolicy({ zero: true })
    const policy = createPolicyClient({ url: zero.url }, { limits: TEST_LIMITS })
    const trace = await runEpisode({ env: createToyEnvironment(), policy, task, episodeIndex: 0, limits: TEST_LIMITS })
    policy.close()
    await zero.close()
    expect(trace.outcome.success).toBe(false)
    expect(trace.outcome.error).toBeUndefined()
    expect(trace.outcome.steps).toBe(100)
  })
})

describe('runEpisode failures', () => {
  it('a policy 500 at step 7 ends the episode with its code and keeps the 7 steps done', async () => {
    const bad = await serveToyPolicy({ failAtAct: 7 })
    const policy = createPolicyClient({ url: bad.url }, { limits: TEST_LIMITS })
    const trace = await runEpisode({ env: createToyEnvironment(), policy, task, episodeIndex: 0, limits: TEST_LIMITS })
    policy.close()
    await bad.close()
    expect(trace.outcome.error).toBe('policy_http_error')
    expect(trace.outcome.steps).toBe(7)
    expect(trace.steps).toHaveLength(7)
    expect(trace.outcome.success).toBe(false)
    expect(trace.outcome.finalStateHash).toBe(trace.steps[6]?.stateHash)
  })

  it('a slow /act misses its deadline: policy_timeout at that step', async () => {
    const slow = await serveToyPolicy({ sleepAtAct: { n: 2, ms: 600 } })
    const limits = { ...TEST_LIMITS, actTimeoutMs: 150 }
    const policy = createPolicyClient({ url: slow.url }, { limits })
    const trace = await runEpisode({ env: createToyEnvironment(), policy, task, episodeIndex: 0, limits })
    policy.close()
    await slow.close()
    expect(trace.outcome.error).toBe('policy_timeout')
    expect(trace.outcome.steps).toBe(2)
  })

  it('the episode wall-clock limit gives policy_episode_deadline', async () => {
    const slow = await serveToyPolicy({ sleepAtAct: { n: 1, ms: 400 } })
    const limits = { ...TEST_LIMITS, episodeTimeoutMs: 200 }
    const policy = createPolicyClient({ url: slow.url }, { limits })
    const trace = await runEpisode({ env: createToyEnvironment(), policy, task, episodeIndex: 0, limits })
    policy.close()
    await slow.close()
    expect(trace.outcome.error).toBe('policy_episode_deadline')
    expect(trace.outcome.steps).toBe(1)
  })

  it('a caller abort gives validator_cancelled, even with an in-process policy that never does I/O', async () => {
    const ctl = new AbortController()
    const trace = await runEpisode({
      env: createToyEnvironment(),
      policy: inProcessPolicy(),
      task,
      episodeIndex: 0,
      limits: TEST_LIMITS,
      signal: ctl.signal,
      onStep: (ev) => {
        if (ev.t === 40) ctl.abort()
      },
    })
    expect(trace.outcome.error).toBe('validator_cancelled')
    expect(trace.outcome.steps).toBe(41)
  })

  it('env exceptions map to env_unstable (instability type) and env_error (anything else)', async () => {
    const nan = await runEpisode({
      env: createToyEnvironment(),
      policy: inProcessPolicy(() => ({
        continuous: { ee_twist: [Number.NaN, 0, 0, 0, 0, 0], gripper: [0] },
        discrete: {},
        extra: {},
      })),
      task,
      episodeIndex: 0,
      limits: TEST_LIMITS,
    })
    expect(nan.outcome.error).toBe('env_unstable')
    expect(new ToyUnstableError('x').failure).toBe('env_unstable')

    const inner = createToyEnvironment()
    const broken: Environment = {
      spec: inner.spec,
      reset: (t) => inner.reset(t),
      step: async () => {
        throw new Error('simulator exploded')
      },
      stateBytes: () => inner.stateBytes(),
      close: () => inner.close(),
    }
    const err = await runEpisode({ env: broken, policy: inProcessPolicy(), task, episodeIndex: 0, limits: TEST_LIMITS })
    expect(err.outcome.error).toBe('env_error')
    expect(err.outcome.errorDetail).toContain('simulator exploded')
    expect(err.outcome.steps).toBe(0)
  })

  it('a bug in our own callback is validator_internal, not blamed on the policy', async () => {
    const trace = await runEpisode({
      env: createToyEnvironment(),
      policy: inProcessPolicy(),
      task,
      episodeIndex: 0,
      limits: TEST_LIMITS,
      onStep: () => {
        throw new TypeError('oops')
      },
    })
    expect(trace.outcome.error).toBe('validator_internal')
  })

  it('chain link 0 is the hash of the state after reset', async () => {
    const env = createToyEnvironment()
    const trace = await runEpisode({
      env,
      policy: inProcessPolicy(),
      task,
      episodeIndex: 0,
      limits: { ...TEST_LIMITS, maxSteps: 1 },
    })
    const fresh = createToyEnvironment()
    await fresh.reset(task)
    expect(trace.initialStateHash).toBe(chainStart(fresh.stateBytes()).toString('hex'))
    expect(trace.outcome.steps).toBe(1)
    expect(taskNameOf('mujoco/reach-v1')).toBe('reach')
    expect(taskNameOf('toy/point-reach-v1')).toBe('point-reach')
  })
})
