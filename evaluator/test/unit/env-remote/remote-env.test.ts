import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createRemoteEnvironmentFactory, evaluateRemote, parseWireSpec } from '../../../src/env/remote/index.js'
import { createToyEnvironment, TOY_POINT_REACH_ID, TOY_POINT_REACH_SPEC } from '../../../src/env/toy/index.js'
import type { TaskConfig } from '../../../src/env/types.js'
import { verifyTrace } from '../../../src/episode/replay.js'
import { runEpisode } from '../../../src/episode/run-episode.js'
import { createPolicyClient } from '../../../src/policy/client.js'
import { type EnvContainerStandin, startEnvContainerStandin } from '../../utils/env-container-standin.js'
import { inProcessPolicy, serveToyPolicy, TEST_LIMITS } from '../episode/helpers.js'

const task: TaskConfig = { envId: TOY_POINT_REACH_ID, taskId: 'reach-0', seed: 424242, params: {} }
const limits = { ...TEST_LIMITS, maxSteps: 50 }

async function deadPort(): Promise<string> {
  const s = http.createServer()
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r))
  const { port } = s.address() as AddressInfo
  await new Promise<void>((r) => s.close(() => r()))
  return `http://127.0.0.1:${port}`
}

describe('remote environment container, step-driven', () => {
  let standin: EnvContainerStandin
  let policy: Awaited<ReturnType<typeof serveToyPolicy>>
  beforeAll(async () => {
    standin = await startEnvContainerStandin()
    policy = await serveToyPolicy()
  })
  afterAll(async () => {
    await standin.close()
    await policy.close()
  })

  it('lists the container envs and runs an episode with the same chain as the in-process env', async () => {
    const factory = await createRemoteEnvironmentFactory({ url: standin.url })
    expect(factory.list()).toEqual([TOY_POINT_REACH_SPEC])
    const remote = await factory.create(TOY_POINT_REACH_ID)
    const client = createPolicyClient({ url: policy.url }, { limits })
    const viaRemote = await runEpisode({
      env: remote,
      policy: client,
      task,
      episodeIndex: 0,
      limits,
      snapshotEvery: 10,
    })
    await remote.close()
    const local = await runEpisode({
      env: createToyEnvironment(),
      policy: client,
      task,
      episodeIndex: 0,
      limits,
      snapshotEvery: 10,
    })
    client.close()
    expect(viaRemote.outcome.error).toBeUndefined()
    expect(viaRemote.outcome.success).toBe(true)
    expect(viaRemote.steps.map((s) => s.stateHash)).toEqual(local.steps.map((s) => s.stateHash))
    expect(viaRemote.snapshots).toEqual(local.snapshots)
    // A remote trace verifies against the in-process simulator, so replay works for remote envs too.
    expect(await verifyTrace(createToyEnvironment(), viaRemote)).toEqual({ ok: true })
    expect(standin.calls).toContain('open_session')
    expect(standin.calls.at(-1)).toBe('close_session')
  })

  it('container failures are env_error / env_unavailable, never a policy code', async () => {
    const failing = await startEnvContainerStandin({ failing: ['step'] })
    const f1 = await createRemoteEnvironmentFactory({ url: failing.url })
    const t1 = await runEpisode({
      env: await f1.create(TOY_POINT_REACH_ID),
      policy: inProcessPolicy(),
      task,
      episodeIndex: 0,
      limits,
    })
    expect(t1.outcome.error).toBe('env_error')
    expect(t1.outcome.errorDetail).toContain('HTTP 500')
    await failing.close()

    const slow = await startEnvContainerStandin({ delayMs: 300 })
    const f2 = await createRemoteEnvironmentFactory({ url: slow.url, callTimeoutMs: 100 })
    const t2 = await runEpisode({
      env: await f2.create(TOY_POINT_REACH_ID),
      policy: inProcessPolicy(),
      task,
      episodeIndex: 0,
      limits,
    })
    expect(t2.outcome.error).toBe('env_unavailable')
    await slow.close()

    const dying = await startEnvContainerStandin()
    const f3 = await createRemoteEnvironmentFactory({ url: dying.url })
    const env3 = await f3.create(TOY_POINT_REACH_ID)
    const t3 = await runEpisode({
      env: env3,
      policy: inProcessPolicy(),
      task,
      episodeIndex: 0,
      limits,
      onStep: async (ev) => {
        if (ev.t === 4) await dying.close()
      },
    })
    expect(t3.outcome.error).toBe('env_unavailable')
    expect(t3.outcome.steps).toBe(5)
  })

  it('set-up problems are typed operator errors', async () => {
    await expect(createRemoteEnvironmentFactory({ url: await deadPort() })).rejects.toMatchObject({
      code: 'EVAL_REMOTE_ENV_UNREACHABLE',
    })
    const partial = await startEnvContainerStandin({ hide: ['step', 'open_session'] })
    await expect(createRemoteEnvironmentFactory({ url: partial.url })).rejects.toMatchObject({
      code: 'EVAL_REMOTE_ENV_UNSUPPORTED',
      meta: { missing: ['open_session', 'step'] },
    })
    await partial.close()
    const f = await createRemoteEnvironmentFactory({ url: standin.url })
    await expect(f.create('nope/x-v1')).rejects.toMatchObject({ code: 'EVAL_EPISODE_ENV_UNKNOWN' })
    expect(() => parseWireSpec('u', 'a/b-v1', { env_id: 'a/b-v1', max_steps: 0 })).toThrow(
      expect.objectContaining({ code: 'EVAL_REMOTE_ENV_BAD_SPEC' }),
    )
  })
})

describe('remote environment container, container-driven evaluate', () => {
  let standin: EnvContainerStandin
  let policy: Awaited<ReturnType<typeof serveToyPolicy>>
  beforeAll(async () => {
    standin = await startEnvContainerStandin()
    policy = await serveToyPolicy()
  })
  afterAll(async () => {
    await standin.close()
    await policy.close()
  })

  it('the container runs the loop and calls the policy; the outcome is marked container-driven', async () => {
    const o = await evaluateRemote({ url: standin.url, task, episodeIndex: 3, policyUrl: policy.url, limits })
    expect(o).toMatchObject({ driver: 'container', success: true, steps: 50, episodeIndex: 3, seed: task.seed })
    expect(o.error).toBeUndefined()
    // Same physics, same chain head as our own runner on the same episode.
    const local = await runEpisode({
      env: createToyEnvironment(),
      policy: inProcessPolicy(),
      task,
      episodeIndex: 3,
      limits,
    })
    expect(o.finalStateHash).toBe(local.outcome.finalStateHash)
    expect(o.totalReward).toBeCloseTo(local.outcome.totalReward, 12)
    expect(await verifyTrace(createToyEnvironment(), { ...local, outcome: o, steps: [] })).toMatchObject({
      reason: 'not_verifiable',
    })
  })

  it('a policy failure the container attributes keeps its policy code; container failures are env codes', async () => {
    const bad = await serveToyPolicy({ failAtAct: 2 })
    const o1 = await evaluateRemote({ url: standin.url, task, episodeIndex: 0, policyUrl: bad.url, limits })
    expect(o1.error).toBe('policy_http_error')
    expect(o1.steps).toBe(2)
    await bad.close()

    const broken = await startEnvContainerStandin({ failing: ['evaluate'] })
    expect(
      (await evaluateRemote({ url: broken.url, task, episodeIndex: 0, policyUrl: policy.url, limits })).error,
    ).toBe('env_error')
    await broken.close()

    const slow = await startEnvContainerStandin({ delayMs: 400 })
    const o3 = await evaluateRemote({
      url: slow.url,
      task,
      episodeIndex: 0,
      policyUrl: policy.url,
      limits,
      timeoutMs: 100,
    })
    expect(o3.error).toBe('env_unavailable')
    await slow.close()

    expect(
      (await evaluateRemote({ url: await deadPort(), task, episodeIndex: 0, policyUrl: policy.url, limits })).error,
    ).toBe('env_unavailable')
    const ctl = new AbortController()
    ctl.abort()
    expect(
      (
        await evaluateRemote({
          url: standin.url,
          task,
          episodeIndex: 0,
          policyUrl: policy.url,
          limits,
          signal: ctl.signal,
        })
      ).error,
    ).toBe('validator_cancelled')
  })
})
