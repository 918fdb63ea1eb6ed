import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { hasCode } from '#protocol'
import {
  createMujocoEnvironmentFactory,
  failureCodeForEnvError,
  loadMujoco,
  MUJOCO_ENV_ERROR_CODES,
  MUJOCO_ENV_ERROR_FIXES,
  MUJOCO_ENV_IDS,
  MUJOCO_VERSION,
  MujocoEnvError,
  MujocoEnvironment,
  TASKS,
  type TaskDefinition,
} from '../../../src/env/mujoco/index.js'
import type { Environment } from '../../../src/env/types.js'
import { action, IDLE, task } from './helpers.js'

const factory = createMujocoEnvironmentFactory()
const REACH = 'mujoco/reach-v1'

describe('mujoco factory and spec', () => {
  it('lists the six built-in tasks with MetaWorld-like specs', () => {
    expect(factory.list().map((s) => s.envId)).toEqual([
      'mujoco/reach-v1',
      'mujoco/push-v1',
      'mujoco/pick-place-v1',
      'mujoco/button-press-v1',
      'mujoco/drawer-close-v1',
      'mujoco/door-open-v1',
    ])
    for (const spec of factory.list()) {
      expect(spec.maxSteps).toBe(500)
      expect(spec.controlHz).toBe(80)
      expect(spec.actionKeys).toEqual({ ee_twist: 6, gripper: 1 })
      expect(spec.proprioKeys).toEqual({ ee_pos: 3, ee_quat: 4, ee_vel_lin: 3, ee_vel_ang: 3, gripper: 1 })
      expect(spec.simulator).toEqual({ name: 'mujoco', version: '3.3.8' })
      expect(spec.cameras.map((c) => c.name)).toEqual(['corner', 'topdown'])
    }
  })

  it('records the version the pinned mujoco-js@0.0.7 module reports', async () => {
    const pkgPath = createRequire(import.meta.url).resolve('mujoco-js/package.json')
    expect(JSON.parse(readFileSync(pkgPath, 'utf8')).version).toBe('0.0.7')
    const mj = await loadMujoco()
    expect(mj.mj_versionString()).toBe(MUJOCO_VERSION)
  })

  it('rejects unknown ids and cameras with typed errors', async () => {
    const unknown = await factory.create('mujoco/fly-v1').catch((e: unknown) => e)
    expect(hasCode(unknown, 'EVAL_ENV_UNKNOWN')).toBe(true)
    expect((unknown as MujocoEnvError).meta).toMatchObject({ known: [...MUJOCO_ENV_IDS] })
    const cam = await factory
      .create(REACH, { cameras: [{ name: 'ceiling', width: 84, height: 84, depth: true }] })
      .catch((e: unknown) => e)
    expect(hasCode(cam, 'EVAL_ENV_BAD_CAMERA')).toBe(true)
    const size = await factory
      .create(REACH, { cameras: [{ name: 'corner', width: 0, height: 84, depth: true }] })
      .catch((e: unknown) => e)
    expect(hasCode(size, 'EVAL_ENV_BAD_CAMERA')).toBe(true)
  })

  it('has a fix for every error code and maps only instability to env_unstable', () => {
    expect(Object.keys(MUJOCO_ENV_ERROR_FIXES).sort()).toEqual([...MUJOCO_ENV_ERROR_CODES].sort())
    const unstable = new MujocoEnvError({ code: 'EVAL_ENV_UNSTABLE', envId: REACH, step: 3, reason: 'x' })
    expect(failureCodeForEnvError(unstable)).toBe('env_unstable')
    expect(failureCodeForEnvError(new MujocoEnvError({ code: 'EVAL_ENV_NOT_RESET', envId: REACH }))).toBe('env_error')
    expect(failureCodeForEnvError(new Error('boom'))).toBe('env_error')
  })
})

describe('mujoco action mapping and proprio', () => {
  let env: Environment
  beforeAll(async () => {
    env = await factory.create('mujoco/push-v1', { cameras: [] })
  })
  afterAll(async () => {
    await env.close()
  })

  it('refuses to step before reset', async () => {
    const fresh = await factory.create(REACH, { cameras: [] })
    const err = await fresh.step(IDLE).catch((e: unknown) => e)
    expect(hasCode(err, 'EVAL_ENV_NOT_RESET')).toBe(true)
    await fresh.close()
  })

  it('reports the reference proprio keys with their lengths and no task state', async () => {
    const obs = await env.reset(task('mujoco/push-v1', 5))
    expect(Object.fromEntries(Object.entries(obs.proprio).map(([k, v]) => [k, v.length]))).toEqual({
      ee_pos: 3,
      ee_quat: 4,
      ee_vel_lin: 3,
      ee_vel_ang: 3,
      gripper: 1,
    })
    expect(obs.proprio.ee_quat).toEqual([0, 0, 0, 1])
    expect(obs.proprio.gripper).toEqual([0])
    expect(obs.rgb).toEqual({})
  })

  it('moves the hand ~1 cm per saturated step: 50 steps of +x travel >= 0.3 m', async () => {
    const start = (await env.reset(task('mujoco/push-v1', 5))).proprio.ee_pos!
    let r = await env.step(action([1, 0, 0, 0, 0, 0], 0))
    for (let i = 1; i < 50; i++) r = await env.step(action([1, 0, 0, 0, 0, 0], 0))
    const end = r.obs.proprio.ee_pos!
    expect(end[0]! - start[0]!).toBeGreaterThanOrEqual(0.3)
    expect(Math.abs(end[1]! - start[1]!)).toBeLessThan(0.005)
    expect(r.obs.proprio.ee_vel_lin![0]).toBeGreaterThan(0.5)
  })

  it('clips the hand to the workspace box and counts clipped action values', async () => {
    await env.reset(task('mujoco/push-v1', 5))
    let r = await env.step(action([-5, 0, 7, 0, 0, 0], 3))
    expect(r.info.action_clipped).toBe(3)
    for (let i = 0; i < 120; i++) r = await env.step(action([-1, 0, 1, 0, 0, 0], 0))
    expect(r.info.action_clipped).toBe(0)
    // Hand body bounded to x >= -0.5, z <= 0.5; the tcp hangs 7 cm below the hand body.
    expect(r.obs.proprio.ee_pos![0]).toBeGreaterThan(-0.51)
    expect(r.obs.proprio.ee_pos![0]).toBeLessThan(-0.48)
    expect(r.obs.proprio.ee_pos![2]).toBeLessThan(0.5 - 0.07 + 0.01)
    const bad = await env.step(action([Number.NaN, 0, 0, 0, 0, 0], Number.POSITIVE_INFINITY))
    expect(bad.info.action_clipped).toBe(2)
  })

  it('ignores the angular half of the twist (same state as without it)', async () => {
    await env.reset(task('mujoco/push-v1', 9))
    for (let i = 0; i < 10; i++) await env.step(action([0.3, 0.2, -0.1, 0, 0, 0], 0.5))
    const without = env.stateBytes()
    await env.reset(task('mujoco/push-v1', 9))
    for (let i = 0; i < 10; i++) await env.step(action([0.3, 0.2, -0.1, 1, -1, 0.5], 0.5))
    expect(Buffer.from(env.stateBytes()).equals(Buffer.from(without))).toBe(true)
  })

  it('closes the gripper: gripper 1 reads ~1 after a few steps, 0 reopens it', async () => {
    await env.reset(task('mujoco/push-v1', 5))
    let r = await env.step(action([0, 0, 0, 0, 0, 0], 1))
    for (let i = 0; i < 10; i++) r = await env.step(action([0, 0, 0, 0, 0, 0], 1))
    expect(r.obs.proprio.gripper![0]).toBeGreaterThan(0.9)
    for (let i = 0; i < 10; i++) r = await env.step(action([0, 0, 0, 0, 0, 0], 0))
    expect(r.obs.proprio.gripper![0]).toBeLessThan(0.1)
  })

  it('sets done only at the step limit, never on success, and refuses to step past it', async () => {
    const reach = await factory.create(REACH, { cameras: [] })
    await reach.reset(task(REACH, 3))
    let last = await reach.step(IDLE)
    let dones = last.done ? 1 : 0
    for (let t = 1; t < 500; t++) {
      last = await reach.step(IDLE)
      if (last.done) dones++
    }
    expect(dones).toBe(1)
    expect(last.done).toBe(true)
    expect(last.info.step).toBe(500)
    const err = await reach.step(IDLE).catch((e: unknown) => e)
    expect(hasCode(err, 'EVAL_ENV_EPISODE_OVER')).toBe(true)
    await reach.close()
    await reach.close()
    expect(hasCode(await reach.reset(task(REACH, 3)).catch((e: unknown) => e), 'EVAL_ENV_CLOSED')).toBe(true)
  })

  it('rejects a task for another env id', async () => {
    const err = await env.reset(task(REACH, 1)).catch((e: unknown) => e)
    expect(hasCode(err, 'EVAL_ENV_UNKNOWN')).toBe(true)
  })
})

describe('mujoco instability', () => {
  it('throws EVAL_ENV_UNSTABLE (mapped to env_unstable) when the simulation diverges, then refuses to step', async () => {
    const mj = await loadMujoco()
    const push = TASKS.find((t) => t.envId === 'mujoco/push-v1')!
    // A real task whose placement is poisoned: MuJoCo resets the state on its first step, which the
    // env must report instead of silently continuing from the reset state.
    const poisoned: TaskDefinition = { ...push, apply: (sim) => sim.setObjectPos([Number.NaN, 0.65, 0.02]) }
    const env = new MujocoEnvironment(mj, poisoned, [])
    await env.reset(task('mujoco/push-v1', 1))
    const err = await env.step(IDLE).catch((e: unknown) => e)
    expect(hasCode(err, 'EVAL_ENV_UNSTABLE')).toBe(true)
    expect(failureCodeForEnvError(err)).toBe('env_unstable')
    expect(hasCode(await env.step(IDLE).catch((e: unknown) => e), 'EVAL_ENV_EPISODE_OVER')).toBe(true)
    await env.close()
  })
})
