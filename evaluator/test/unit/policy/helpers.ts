import type { CameraSpec, ImageTensor, Observation } from '../../../src/env/types.js'
import { PolicyCallError } from '../../../src/policy/errors.js'

/** The manipulation action keys every test expects. */
export const ARM = { ee_twist: 6, gripper: 1 } as const

export const TWO_CAMERAS: CameraSpec[] = [
  { name: 'corner', width: 84, height: 84, depth: true },
  { name: 'corner2', width: 84, height: 84, depth: true },
]

function image(w: number, h: number, channels: number, dtype: 'uint8' | 'float32', fill: number): ImageTensor {
  const bytes = w * h * channels * (dtype === 'uint8' ? 1 : 4)
  const data = new Uint8Array(bytes)
  for (let i = 0; i < bytes; i++) data[i] = (i * 31 + fill) & 0xff
  return { data, shape: [h, w, channels], dtype }
}

/** A deterministic observation with the reference proprio keys and optional cameras (RGB + depth). */
export function makeObservation(cameras: readonly CameraSpec[] = [], extra: Record<string, unknown> = {}): Observation {
  const obs: Observation = {
    proprio: {
      ee_pos: [0.1, 0.2, 0.3],
      ee_quat: [0, 0, 0, 1],
      ee_vel_lin: [0, 0, 0],
      ee_vel_ang: [0, 0, 0],
      gripper: [0],
    },
    rgb: {},
    depth: {},
    camIntrinsics: {},
    camExtrinsics: {},
    extra,
  }
  cameras.forEach((c, i) => {
    obs.rgb[c.name] = image(c.width, c.height, 3, 'uint8', i)
    if (c.depth) obs.depth[c.name] = image(c.width, c.height, 1, 'float32', i + 7)
    obs.camIntrinsics[c.name] = [
      [70, 0, c.width / 2],
      [0, 70, c.height / 2],
      [0, 0, 1],
    ]
    obs.camExtrinsics[c.name] = [
      [1, 0, 0, 0.5],
      [0, 1, 0, 0],
      [0, 0, 1, 1],
      [0, 0, 0, 1],
    ]
  })
  return obs
}

/** Awaits `p`, which must reject with a PolicyCallError, and returns it. */
export async function callError(p: Promise<unknown>): Promise<PolicyCallError> {
  try {
    await p
  } catch (err) {
    if (err instanceof PolicyCallError) return err
    throw err
  }
  throw new Error('expected a PolicyCallError, but the call succeeded')
}

/** Rejects if `p` takes longer than `ms`: proves a call does not hang, not how fast it is. */
export function within<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`did not settle within ${ms} ms`)), ms)
  })
  return Promise.race([p, deadline]).finally(() => clearTimeout(timer))
}

/** Polls `check` until true or the deadline passes. */
export async function eventually(check: () => boolean, ms = 5_000): Promise<boolean> {
  const end = Date.now() + ms
  while (Date.now() < end) {
    if (check()) return true
    await new Promise((r) => setTimeout(r, 10))
  }
  return check()
}
