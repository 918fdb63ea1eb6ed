import { describe, expect, it } from 'vitest'
// @ts-expect-error plain JavaScript policy artifact without type declarations
import { createPolicy as createExpert } from '../../../policies/expert/policy.mjs'
import { createMujocoEnvironmentFactory } from '../../../src/env/mujoco/index.js'
import { createToyEnvironment, TOY_POINT_REACH_ID, toyExpertAction } from '../../../src/env/toy/index.js'
import type { Action, Environment, TaskConfig } from '../../../src/env/types.js'
import { type EpisodeFrame, replayFrames } from '../../../src/episode/frames.js'
import { runEpisode } from '../../../src/episode/run-episode.js'
import type { EpisodeTrace } from '../../../src/episode/types.js'
import { encodeObservation, type WireAction } from '../../../src/policy/wire.js'
import type { WirePolicy } from '../env/helpers.js'
import { inProcessPolicy, TEST_LIMITS } from './helpers.js'

const dist = (a: readonly number[] = [], b: readonly number[] = []) =>
  Math.hypot(a[0]! - b[0]!, a[1]! - b[1]!, a[2]! - b[2]!)
const gap = (f: EpisodeFrame | undefined) => dist(f?.points.effector, f?.points.target)
const actionsOf = (trace: EpisodeTrace): Action[] => trace.steps.map((s) => s.action)

function toAction(w: WireAction): Action {
  return { continuous: w.continuous ?? {}, discrete: w.discrete ?? {}, extra: w.extra ?? {} }
}

/** An environment without `positions()`, like a remote container: frames come from the observation. */
function withoutPositions(env: Environment): Environment {
  return {
    spec: env.spec,
    reset: (t) => env.reset(t),
    step: (a) => env.step(a),
    stateBytes: () => env.stateBytes(),
    close: () => env.close(),
  }
}

describe('replayFrames on the toy env with its expert', () => {
  const task: TaskConfig = { envId: TOY_POINT_REACH_ID, taskId: 'toy-0', seed: 4242, params: {} }

  it('is deterministic, reproduces the recorded chain, and the effector closes on the target', async () => {
    const trace = await runEpisode({
      env: createToyEnvironment(),
      policy: inProcessPolicy(toyExpertAction),
      task,
      episodeIndex: 0,
      limits: TEST_LIMITS,
    })
    expect(trace.outcome.success).toBe(true)
    const a = await replayFrames(createToyEnvironment(), task, actionsOf(trace))
    const b = await replayFrames(createToyEnvironment(), task, actionsOf(trace))
    expect(b).toEqual(a)
    expect(a.frames).toHaveLength(trace.steps.length + 1)
    expect(a.frames.map((f) => f.t)).toEqual(a.frames.map((_, i) => i))
    expect(a.initialStateHash).toBe(trace.initialStateHash)
    expect(a.finalStateHash).toBe(trace.outcome.finalStateHash)
    // Rewards and success per frame are the recorded ones (frame t+1 is step record t).
    for (const [i, s] of trace.steps.entries()) {
      expect(a.frames[i + 1]?.reward, `reward at ${i}`).toBe(s.reward)
      expect(a.frames[i + 1]?.success, `success at ${i}`).toBe(s.success)
    }
    expect(a.frames[0]).toMatchObject({ t: 0, reward: 0, success: false })
    expect(gap(a.frames.at(-1))).toBeLessThan(gap(a.frames[0]) / 4)
    // Different actions, different frames: the points follow the actions, not the task alone.
    const idle = actionsOf(trace).map(() => ({ continuous: { ee_twist: [0, 0, 0, 0, 0, 0] }, discrete: {}, extra: {} }))
    const still = await replayFrames(createToyEnvironment(), task, idle)
    expect(gap(still.frames.at(-1))).toBeCloseTo(gap(still.frames[0]), 12)
  })

  it('falls back to the observation (ee_pos, goal_pos) for environments without positions()', async () => {
    const actions = Array.from({ length: 5 }, () => ({
      continuous: { ee_twist: [1, -1, 0, 0, 0, 0] },
      discrete: {},
      extra: {},
    }))
    const direct = await replayFrames(createToyEnvironment(), task, actions)
    const fallback = await replayFrames(withoutPositions(createToyEnvironment()), task, actions)
    expect(fallback).toEqual(direct)
    expect(Object.keys(direct.frames[3]?.points ?? {}).sort()).toEqual(['effector', 'target'])
  })

  it('stops on abort', async () => {
    const ac = new AbortController()
    ac.abort()
    await expect(replayFrames(createToyEnvironment(), task, [], { signal: ac.signal })).rejects.toThrow()
  })
})

describe('replayFrames on MuJoCo', () => {
  const factory = createMujocoEnvironmentFactory()

  it('reach with the sample expert: a camera-less replay reproduces the episode and the effector reaches the target', {
    timeout: 120_000,
  }, async () => {
    const envId = 'mujoco/reach-v1'
    const task: TaskConfig = { envId, taskId: 'reach-0', seed: 7, params: {} }
    // The expert sees the default cameras, as in a real evaluation; the replay needs none.
    const recordEnv = await factory.create(envId)
    const expert = (createExpert as () => WirePolicy)()
    const policy = inProcessPolicy((obs) => toAction(expert.act(encodeObservation(obs))))
    policy.reset = async () => expert.reset({ env_id: envId, env_name: 'mujoco', task_name: 'reach' })
    const trace = await runEpisode({
      env: recordEnv,
      policy,
      task,
      episodeIndex: 0,
      limits: { ...TEST_LIMITS, maxSteps: 120 },
    })
    await recordEnv.close()
    expect(trace.outcome.error).toBeUndefined()
    expect(trace.outcome.success).toBe(true)

    const replays = []
    for (let i = 0; i < 2; i++) {
      const env = await factory.create(envId, { cameras: [] })
      replays.push(await replayFrames(env, task, actionsOf(trace)))
      await env.close()
    }
    const [a, b] = replays as [Awaited<ReturnType<typeof replayFrames>>, Awaited<ReturnType<typeof replayFrames>>]
    expect(b).toEqual(a)
    expect(a.finalStateHash).toBe(trace.outcome.finalStateHash)
    expect(Object.keys(a.frames[0]?.points ?? {}).sort()).toEqual(['effector', 'target'])
    const firstSuccess = a.frames.findIndex((f) => f.success)
    expect(firstSuccess).toBe(trace.steps.findIndex((s) => s.success) + 1)
    expect(gap(a.frames[firstSuccess])).toBeLessThanOrEqual(0.05)
    expect(gap(a.frames[0])).toBeGreaterThan(0.2)
    // The target is the goal marker: it stays put while the hand moves.
    expect(a.frames.at(-1)?.points.target).toEqual(a.frames[0]?.points.target)
  })

  it('push and drawer-close name the object and the handle', async () => {
    const idle: Action = { continuous: { ee_twist: [0, 0, -1, 0, 0, 0], gripper: [0] }, discrete: {}, extra: {} }
    const push = await factory.create('mujoco/push-v1', { cameras: [] })
    const p = await replayFrames(push, { envId: 'mujoco/push-v1', taskId: 'p', seed: 3, params: {} }, [idle, idle])
    await push.close()
    expect(Object.keys(p.frames[2]?.points ?? {}).sort()).toEqual(['effector', 'object', 'target'])
    // The puck rests on the table, away from the goal (the task samples them >= 15 cm apart in x/y).
    const obj = p.frames[2]?.points.object ?? []
    expect(obj[2]).toBeCloseTo(0.02, 2)
    expect(dist(obj, p.frames[2]?.points.target)).toBeGreaterThan(0.15)
    const drawer = await factory.create('mujoco/drawer-close-v1', { cameras: [] })
    const d = await replayFrames(drawer, { envId: 'mujoco/drawer-close-v1', taskId: 'd', seed: 3, params: {} }, [idle])
    await drawer.close()
    expect(Object.keys(d.frames[1]?.points ?? {}).sort()).toEqual(['effector', 'target'])
    expect(d.frames[1]?.points.target?.[1]).toBeGreaterThan(0.6)
  })
})
