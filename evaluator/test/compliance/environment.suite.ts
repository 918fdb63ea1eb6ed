import { createHash } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Action, Environment, EnvironmentFactory, EnvironmentSpec, TaskConfig } from '../../src/env/types.js'

/** What a compliance run needs: a factory, one env id it serves, and a cleanup. */
export interface EnvironmentSuiteContext {
  factory: EnvironmentFactory
  envId: string
  teardown(): Promise<void>
}

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex')
const task = (envId: string, seed: number): TaskConfig => ({ envId, taskId: 'compliance', seed, params: {} })

/** A fixed action for step `t`, in range for every key (`gripper`-like keys in [0,1], others in [-1,1]). */
function fixedAction(spec: EnvironmentSpec, t: number): Action {
  const continuous: Record<string, number[]> = {}
  for (const [key, len] of Object.entries(spec.actionKeys)) {
    continuous[key] = Array.from({ length: len }, (_, j) => {
      const x = 0.8 * Math.sin(0.37 * t + 1.3 * j + key.length)
      return key.includes('gripper') ? Math.abs(x) : x
    })
  }
  return { continuous, discrete: {}, extra: {} }
}

/**
 * The `Environment` seam's contract, run against any implementation (built-in MuJoCo, remote container).
 *
 * @example
 * ```ts
 * environmentSuite('mujoco reach', async () => ({
 *   factory: createMujocoEnvironmentFactory(), envId: 'mujoco/reach-v1', teardown: async () => {},
 * }))
 * ```
 */
export function environmentSuite(name: string, setup: () => Promise<EnvironmentSuiteContext>): void {
  describe(`Environment compliance: ${name}`, () => {
    let ctx: EnvironmentSuiteContext
    const open: Environment[] = []
    const create = async (cameras?: []) => {
      const env = await ctx.factory.create(ctx.envId, cameras ? { cameras } : {})
      open.push(env)
      return env
    }

    beforeAll(async () => {
      ctx = await setup()
    })
    afterAll(async () => {
      for (const env of open) await env.close()
      await ctx?.teardown()
    })

    it('lists a sane spec for the env id', () => {
      const spec = ctx.factory.list().find((s) => s.envId === ctx.envId)
      expect(spec).toBeDefined()
      const s = spec!
      expect(Number.isInteger(s.maxSteps) && s.maxSteps > 0).toBe(true)
      expect(s.controlHz).toBeGreaterThan(0)
      expect(Object.keys(s.actionKeys).length).toBeGreaterThan(0)
      for (const n of [...Object.values(s.actionKeys), ...Object.values(s.proprioKeys)]) {
        expect(Number.isInteger(n) && n > 0).toBe(true)
      }
      expect(s.simulator.name.length).toBeGreaterThan(0)
      expect(s.simulator.version.length).toBeGreaterThan(0)
      for (const c of s.cameras) expect(c.width > 0 && c.height > 0 && c.name.length > 0).toBe(true)
    })

    it('returns an observation matching the spec after reset', async () => {
      const env = await create()
      const obs = await env.reset(task(ctx.envId, 1))
      const spec = env.spec
      expect(spec.envId).toBe(ctx.envId)
      expect(Object.keys(obs.proprio).sort()).toEqual(Object.keys(spec.proprioKeys).sort())
      for (const [k, n] of Object.entries(spec.proprioKeys)) {
        expect(obs.proprio[k]).toHaveLength(n)
        for (const x of obs.proprio[k]!) expect(Number.isFinite(x)).toBe(true)
      }
      expect(Object.keys(obs.rgb).sort()).toEqual(spec.cameras.map((c) => c.name).sort())
      for (const cam of spec.cameras) {
        const rgb = obs.rgb[cam.name]!
        expect([rgb.shape, rgb.dtype, rgb.data.byteLength]).toEqual([
          [cam.height, cam.width, 3],
          'uint8',
          cam.height * cam.width * 3,
        ])
        if (cam.depth) {
          const d = obs.depth[cam.name]!
          expect([d.shape, d.dtype, d.data.byteLength]).toEqual([
            [cam.height, cam.width, 1],
            'float32',
            cam.height * cam.width * 4,
          ])
        }
        expect(obs.camIntrinsics[cam.name]!.map((r) => r.length)).toEqual([3, 3, 3])
        expect(obs.camExtrinsics[cam.name]!.map((r) => r.length)).toEqual([4, 4, 4, 4])
      }
    })

    it('refuses to step before reset', async () => {
      const env = await create([])
      await expect(env.step(fixedAction(env.spec, 0))).rejects.toThrow()
    })

    it('replays a fixed action list to the same stateBytes chain', async () => {
      const run = async (env: Environment) => {
        await env.reset(task(ctx.envId, 42))
        const chain = [sha(env.stateBytes())]
        for (let t = 0; t < 60; t++) {
          await env.step(fixedAction(env.spec, t))
          chain.push(sha(env.stateBytes()))
        }
        return chain
      }
      const env = await create([])
      const first = await run(env)
      const again = await run(env)
      const other = await run(await create([]))
      expect(again).toEqual(first)
      expect(other).toEqual(first)
      expect(new Set(first).size).toBeGreaterThan(1)
      await env.reset(task(ctx.envId, 43))
      expect(sha(env.stateBytes())).not.toBe(first[0])
    })

    it('sets done exactly at maxSteps', async () => {
      const env = await create([])
      await env.reset(task(ctx.envId, 7))
      let steps = 0
      for (;;) {
        const r = await env.step(fixedAction(env.spec, steps))
        steps++
        if (r.done || steps > env.spec.maxSteps) break
      }
      expect(steps).toBe(env.spec.maxSteps)
    }, 120_000)

    it('closes idempotently', async () => {
      const env = await ctx.factory.create(ctx.envId, { cameras: [] })
      await env.close()
      await env.close()
    })
  })
}
