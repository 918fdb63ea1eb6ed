import { createHash } from 'node:crypto'
import { afterAll, describe, expect, it } from 'vitest'
import { spawnTs } from '../../../../test/utils/spawn.js'
import {
  createMujocoEnvironmentFactory,
  MIN_OBJECT_GOAL_XY,
  TASK_PRNG_DOMAIN,
  TASKS,
  TaskPrng,
} from '../../../src/env/mujoco/index.js'
import { encodeObservation } from '../../../src/policy/wire.js'
import { scriptedActions } from './determinism-actions.js'
import { task } from './helpers.js'

const factory = createMujocoEnvironmentFactory()
const PICK = 'mujoco/pick-place-v1'
const STEPS = 120
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex')

async function chain(envId: string, seed: number, cameras = false): Promise<string[]> {
  const env = await factory.create(envId, cameras ? {} : { cameras: [] })
  await env.reset(task(envId, seed))
  const out = [sha(env.stateBytes())]
  for (const a of scriptedActions(STEPS)) {
    await env.step(a)
    out.push(sha(env.stateBytes()))
  }
  await env.close()
  return out
}

describe('mujoco determinism', () => {
  const children: ReturnType<typeof spawnTs>[] = []
  afterAll(async () => {
    await Promise.all(children.map((c) => c.crash()))
  })

  it('same seed and actions give the same stateBytes after every step, in-process and in a separate process', async () => {
    const spawnChain = async () => {
      const c = spawnTs('evaluator/test/unit/env/determinism-child.ts', [PICK, '7', String(STEPS)])
      children.push(c)
      const line = await c.waitForLine((l) => l.startsWith('{'), 60_000)
      return (JSON.parse(line) as { chain: string[] }).chain
    }
    // One child: each costs seconds of module loading; the test process is the other process.
    const [a, b, p1] = await Promise.all([chain(PICK, 7), chain(PICK, 7, true), spawnChain()])
    expect(a).toHaveLength(STEPS + 1)
    // Rendering cameras must not disturb the simulation.
    expect(b).toEqual(a)
    expect(p1).toEqual(a)
    // The actions really moved things: the chain is not constant.
    expect(new Set(a).size).toBe(STEPS + 1)
  }, 90_000)

  it('different seeds give different states from the first byte on', async () => {
    const env = await factory.create(PICK, { cameras: [] })
    const seen = new Set<string>()
    for (let seed = 0; seed < 20; seed++) {
      await env.reset(task(PICK, seed))
      seen.add(sha(env.stateBytes()))
    }
    await env.close()
    expect(seen.size).toBe(20)
  })

  it('derives task parameters by the documented SHA-256 stream', () => {
    // Independent re-derivation of draw 0 for (reach, seed 0x01020304, params {b: "2", a: "1"}).
    const input = Buffer.concat([
      Buffer.from(TASK_PRNG_DOMAIN),
      Buffer.of(0),
      Buffer.from('mujoco/reach-v1'),
      Buffer.of(0),
      Buffer.from('a=1\nb=2'),
      Buffer.of(0),
      Buffer.of(1, 2, 3, 4),
      Buffer.of(0, 0, 0, 0),
    ])
    const digest = createHash('sha256').update(input).digest()
    const expected = Number(digest.readBigUInt64BE(0) >> 11n) / 2 ** 53
    const rng = new TaskPrng('mujoco/reach-v1', 0x01020304, { b: '2', a: '1' })
    expect(rng.next()).toBe(expected)
    const reach = TASKS.find((t) => t.envId === 'mujoco/reach-v1')!
    const gx = reach.sample(new TaskPrng('mujoco/reach-v1', 0x01020304, { a: '1', b: '2' }))[0]!
    expect(gx).toBe(-0.1 + 0.2 * expected)
    // Params are part of the derivation.
    expect(reach.sample(new TaskPrng('mujoco/reach-v1', 5, {}))).not.toEqual(
      reach.sample(new TaskPrng('mujoco/reach-v1', 5, { variant: 'b' })),
    )
  })

  it('keeps object and goal inside their boxes and >= 0.15 m apart, distinct per seed', () => {
    for (const envId of ['mujoco/push-v1', PICK]) {
      const def = TASKS.find((t) => t.envId === envId)!
      const seen = new Set<string>()
      for (let seed = 0; seed < 300; seed++) {
        const [ox, oy, gx, gy, gz] = def.sample(new TaskPrng(envId, seed, {})) as number[]
        expect(Math.hypot(ox! - gx!, oy! - gy!)).toBeGreaterThanOrEqual(MIN_OBJECT_GOAL_XY)
        expect(Math.abs(ox!)).toBeLessThanOrEqual(0.1)
        expect(oy! >= 0.6 && oy! <= 0.7 && gy! >= 0.8 && gy! <= 0.9).toBe(true)
        expect(gz!).toBeGreaterThanOrEqual(envId === PICK ? 0.05 : 0.01)
        seen.add([ox, oy, gx, gy, gz].join())
      }
      expect(seen.size).toBe(300)
    }
  })

  it('never shows the seed in an observation (decimal, hex, or raw bytes)', async () => {
    for (const seed of [0xdeadbeef, 123456789]) {
      for (const envId of ['mujoco/reach-v1', 'mujoco/drawer-close-v1']) {
        const env = await factory.create(envId)
        const observations = [await env.reset(task(envId, seed))]
        for (const a of scriptedActions(3)) observations.push((await env.step(a)).obs)
        await env.close()
        const be = Buffer.alloc(4)
        be.writeUInt32BE(seed)
        const le = Buffer.from(be).reverse()
        for (const obs of observations) {
          const json = JSON.stringify(encodeObservation(obs)).toLowerCase()
          expect(json).not.toContain(String(seed))
          expect(json).not.toContain(seed.toString(16))
          expect(json).not.toContain(be.toString('base64').slice(0, 5))
          for (const img of [...Object.values(obs.rgb), ...Object.values(obs.depth)]) {
            const bytes = Buffer.from(img.data)
            expect(bytes.includes(be)).toBe(false)
            expect(bytes.includes(le)).toBe(false)
          }
        }
      }
    }
  })
})
