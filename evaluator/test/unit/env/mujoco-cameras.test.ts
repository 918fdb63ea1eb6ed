import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createMujocoEnvironmentFactory, TASKS, TaskPrng } from '../../../src/env/mujoco/index.js'
import type { Environment, ImageTensor, Observation } from '../../../src/env/types.js'
import { task } from './helpers.js'

const factory = createMujocoEnvironmentFactory()
const REACH = 'mujoco/reach-v1'

function trueGoal(seed: number): number[] {
  const def = TASKS.find((t) => t.envId === REACH)!
  return def.sample(new TaskPrng(REACH, seed, {}))
}

function depthValues(img: ImageTensor): Float32Array {
  return new Float32Array(img.data.buffer.slice(img.data.byteOffset, img.data.byteOffset + img.data.byteLength))
}

/** World points (OpenCV pinhole back-projection) of the pixels whose colour passes `test`. */
function backProject(obs: Observation, cam: string, test: (r: number, g: number, b: number) => boolean): number[][] {
  const rgb = obs.rgb[cam]!
  const depth = depthValues(obs.depth[cam]!)
  const [[fx, , cx], [, fy, cy]] = obs.camIntrinsics[cam] as [number[], number[]]
  const e = obs.camExtrinsics[cam]!
  const [h, w] = rgb.shape as [number, number]
  const out: number[][] = []
  for (let v = 0; v < h; v++) {
    for (let u = 0; u < w; u++) {
      const i = v * w + u
      if (!test(rgb.data[3 * i]!, rgb.data[3 * i + 1]!, rgb.data[3 * i + 2]!)) continue
      const z = depth[i]!
      const p = [((u - cx!) / fx!) * z, ((v - cy!) / fy!) * z, z]
      out.push([0, 1, 2].map((r) => e[r]![0]! * p[0]! + e[r]![1]! * p[1]! + e[r]![2]! * p[2]! + e[r]![3]!))
    }
  }
  return out
}

const green = (r: number, g: number, b: number) => g > 90 && r < 0.5 * g && b < 0.5 * g
const dist = (a: number[], b: number[]) => Math.hypot(a[0]! - b[0]!, a[1]! - b[1]!, a[2]! - b[2]!)

describe('mujoco ray-cast cameras', () => {
  let env: Environment
  beforeAll(async () => {
    env = await factory.create(REACH)
  })
  afterAll(async () => {
    await env.close()
  })

  it('renders two 84x84 cameras: RGB uint8 [H,W,3], depth float32 [H,W,1], pinhole matrices', async () => {
    const obs = await env.reset(task(REACH, 11))
    for (const cam of ['corner', 'topdown']) {
      expect(obs.rgb[cam]!.shape).toEqual([84, 84, 3])
      expect(obs.rgb[cam]!.dtype).toBe('uint8')
      expect(obs.rgb[cam]!.data.byteLength).toBe(84 * 84 * 3)
      expect(obs.depth[cam]!.shape).toEqual([84, 84, 1])
      expect(obs.depth[cam]!.dtype).toBe('float32')
      expect(obs.depth[cam]!.data.byteLength).toBe(84 * 84 * 4)
      const k = obs.camIntrinsics[cam]!
      expect(k[0]![0]).toBeCloseTo(k[1]![1]!, 9)
      expect([k[0]![2], k[1]![2], k[2]]).toEqual([41.5, 41.5, [0, 0, 1]])
      const e = obs.camExtrinsics[cam]!
      expect(e[3]).toEqual([0, 0, 0, 1])
      // Rotation part orthonormal and right-handed.
      const r = [0, 1, 2].map((i) => [0, 1, 2].map((j) => e[i]![j]!))
      for (let i = 0; i < 3; i++) {
        for (let j = 0; j < 3; j++) {
          const dot = r[0]![i]! * r[0]![j]! + r[1]![i]! * r[1]![j]! + r[2]![i]! * r[2]![j]!
          expect(dot).toBeCloseTo(i === j ? 1 : 0, 9)
        }
      }
      // Depth is 0 only where a ray hits nothing (sky); everything else is in front of the camera.
      const depths = [...depthValues(obs.depth[cam]!)]
      expect(depths.filter((d) => d > 0.1).length).toBeGreaterThan(0.5 * depths.length)
      expect(depths.every((d) => d === 0 || d > 0.1)).toBe(true)
    }
    // The top-down camera looks straight down: +z (forward) is world -z.
    expect(obs.camExtrinsics.topdown![2]![2]).toBeCloseTo(-1, 9)
  })

  it('back-projects the green goal pixels onto the goal sphere (within 2 cm of its centre)', async () => {
    for (const seed of [1, 2, 3]) {
      const goal = trueGoal(seed)
      const obs = await env.reset(task(REACH, seed))
      for (const cam of ['corner', 'topdown']) {
        const pts = backProject(obs, cam, green)
        expect(pts.length).toBeGreaterThan(2)
        // Every green pixel's depth lands on the sphere's surface (radius 2 cm), so camera matrices,
        // depth and pixel positions agree with each other and with where the task put the goal.
        for (const p of pts) expect(Math.abs(dist(p, goal) - 0.02)).toBeLessThan(0.002)
        const mean = [0, 1, 2].map((k) => pts.reduce((s, p) => s + p[k]!, 0) / pts.length)
        expect(dist(mean, goal)).toBeLessThan(0.02)
      }
    }
  })

  it('projects the goal centre onto a green pixel (extrinsics are camera-to-world, OpenCV axes)', async () => {
    const goal = trueGoal(4)
    const obs = await env.reset(task(REACH, 4))
    for (const cam of ['corner', 'topdown']) {
      const e = obs.camExtrinsics[cam]!
      const d = [0, 1, 2].map((k) => goal[k]! - e[k]![3]!)
      // Inverse rotation = transpose.
      const pc = [0, 1, 2].map((c) => e[0]![c]! * d[0]! + e[1]![c]! * d[1]! + e[2]![c]! * d[2]!)
      const k = obs.camIntrinsics[cam]!
      const u = Math.round((k[0]![0]! * pc[0]!) / pc[2]! + k[0]![2]!)
      const v = Math.round((k[1]![1]! * pc[1]!) / pc[2]! + k[1]![2]!)
      const i = v * 84 + u
      const rgb = obs.rgb[cam]!.data
      expect(green(rgb[3 * i]!, rgb[3 * i + 1]!, rgb[3 * i + 2]!)).toBe(true)
    }
  })

  it('render(camera) matches the observation and follows the simulation', async () => {
    const obs = await env.reset(task(REACH, 5))
    const now = env.render!('corner')
    expect(Buffer.from(now.data).equals(Buffer.from(obs.rgb.corner!.data))).toBe(true)
    const front = env.render!('front')
    expect(front.shape).toEqual([84, 84, 3])
    let r = await env.step({ continuous: { ee_twist: [1, 0, -1, 0, 0, 0] }, discrete: {}, extra: {} })
    for (let i = 0; i < 10; i++)
      r = await env.step({ continuous: { ee_twist: [1, 0, -1, 0, 0, 0] }, discrete: {}, extra: {} })
    expect(Buffer.from(r.obs.rgb.corner!.data).equals(Buffer.from(obs.rgb.corner!.data))).toBe(false)
  })

  it('honours EnvironmentOptions.cameras: none, or a custom size without depth', async () => {
    const bare = await factory.create(REACH, { cameras: [] })
    const o1 = await bare.reset(task(REACH, 1))
    expect([o1.rgb, o1.depth, o1.camIntrinsics]).toEqual([{}, {}, {}])
    expect(bare.spec.cameras).toEqual([])
    await bare.close()
    const custom = await factory.create(REACH, { cameras: [{ name: 'front', width: 32, height: 24, depth: false }] })
    const o2 = await custom.reset(task(REACH, 1))
    expect(Object.keys(o2.rgb)).toEqual(['front'])
    expect(o2.rgb.front!.shape).toEqual([24, 32, 3])
    expect(o2.depth).toEqual({})
    expect(o2.camIntrinsics.front![0]![2]).toBe(15.5)
    await custom.close()
  })
})
