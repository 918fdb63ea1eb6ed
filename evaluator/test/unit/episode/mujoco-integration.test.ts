import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createMujocoEnvironmentFactory } from '../../../src/env/mujoco/index.js'
import type { TaskConfig } from '../../../src/env/types.js'
import { verifyTrace } from '../../../src/episode/replay.js'
import { runEpisode } from '../../../src/episode/run-episode.js'
import type { EpisodeTrace } from '../../../src/episode/types.js'
import { createPolicyClient } from '../../../src/policy/client.js'
import { type ServedPolicyHandle, servePolicy } from '../../../src/policy/server.js'
import { TEST_LIMITS } from './helpers.js'

// The runner and replay against the real MuJoCo environments and the real policy HTTP client.
const ENV_ID = 'mujoco/reach-v1'
const task: TaskConfig = { envId: ENV_ID, taskId: 'reach-0', seed: 31337, params: {} }
const limits = { ...TEST_LIMITS, maxSteps: 25 }

describe('episode runner on MuJoCo', () => {
  let server: ServedPolicyHandle
  let trace: EpisodeTrace
  beforeAll(async () => {
    // Drifts the hand with a time-varying twist so every step changes the state.
    let n = 0
    server = await servePolicy({
      reset() {
        n = 0
      },
      act() {
        n++
        return [Math.sin(n / 3), Math.cos(n / 5), 0.3, 0, 0, 0, n % 2]
      },
    })
    const factory = createMujocoEnvironmentFactory()
    const env = await factory.create(ENV_ID, { cameras: [] })
    const client = createPolicyClient({ url: server.url }, { limits })
    trace = await runEpisode({ env, policy: client, task, episodeIndex: 0, limits, snapshotEvery: 5 })
    client.close()
    await env.close()
  })
  afterAll(async () => {
    await server.close()
  })

  it('runs to the step limit, and its trace verifies by re-simulation', async () => {
    expect(trace.outcome.error).toBeUndefined()
    expect(trace.outcome.steps).toBe(25)
    expect(trace.outcome.simulator.name).toBe('mujoco')
    const env = await createMujocoEnvironmentFactory().create(ENV_ID, { cameras: [] })
    expect(await verifyTrace(env, trace)).toEqual({ ok: true })
    const tampered = structuredClone(trace)
    ;(tampered.steps[12]?.action.continuous.ee_twist as number[])[2] = -0.3
    expect(await verifyTrace(env, tampered)).toMatchObject({ ok: false, reason: 'step', divergedAtStep: 12 })
    await env.close()
  })
})
