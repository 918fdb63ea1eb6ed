import type { MjData, MjModel } from 'mujoco-js'
import type { ImageTensor } from '../types.js'
import type { Mujoco } from './loader.js'

const SKY: readonly [number, number, number] = [0.55, 0.62, 0.72]
const ALL_GROUPS = new Uint8Array([1, 1, 1, 1, 1, 1])
/** Rays longer than this (metres) count as misses. */
const FAR = 10

/** One rendered frame: RGB `[H,W,3]` uint8 and depth `[H,W,1]` float32 metres along the optical axis (0 = miss). */
export interface Frame {
  rgb: ImageTensor
  depth: ImageTensor
}

/**
 * A fixed camera rendered by ray casting (`mj_multiRay`, one ray per pixel centre) and coloured by the hit
 * geom's rgba with Lambert-like shading from depth-derived normals. Pinhole model in the OpenCV convention:
 * pixel (u, v) looks along `R · ((u - cx)/fx, (v - cy)/fy, 1)` with `cx = (W-1)/2`, `cy = (H-1)/2`.
 */
export class RayCamera {
  readonly name: string
  readonly width: number
  readonly height: number
  readonly intrinsics: number[][]
  /** Camera-to-world 4×4, OpenCV axes (+x right, +y down, +z forward). */
  readonly extrinsics: number[][]
  readonly #origin: Float64Array
  readonly #dirs: Float64Array
  /** Per pixel: optical-axis component of its unit ray, turning ray distance into depth. */
  readonly #cos: Float64Array
  readonly #points: Float64Array
  readonly #geomId: InstanceType<Mujoco['IntBuffer']>
  readonly #dist: InstanceType<Mujoco['DoubleBuffer']>

  constructor(mj: Mujoco, model: MjModel, data: MjData, camId: number, name: string, width: number, height: number) {
    this.name = name
    this.width = width
    this.height = height
    const fovy = (model.cam_fovy[camId] as number) * (Math.PI / 180)
    const fy = height / 2 / Math.tan(fovy / 2)
    const fx = fy
    const cx = (width - 1) / 2
    const cy = (height - 1) / 2
    this.intrinsics = [
      [fx, 0, cx],
      [0, fy, cy],
      [0, 0, 1],
    ]
    const m = Array.from((data.cam_xmat as Float64Array).subarray(9 * camId, 9 * camId + 9))
    const p = Array.from((data.cam_xpos as Float64Array).subarray(3 * camId, 3 * camId + 3))
    // MuJoCo cameras look along -z with +y up; OpenCV flips y and z.
    const r = [
      [m[0]!, -m[1]!, -m[2]!],
      [m[3]!, -m[4]!, -m[5]!],
      [m[6]!, -m[7]!, -m[8]!],
    ]
    this.extrinsics = [
      [r[0]![0]!, r[0]![1]!, r[0]![2]!, p[0]!],
      [r[1]![0]!, r[1]![1]!, r[1]![2]!, p[1]!],
      [r[2]![0]!, r[2]![1]!, r[2]![2]!, p[2]!],
      [0, 0, 0, 1],
    ]
    this.#origin = Float64Array.from(p)
    const n = width * height
    this.#dirs = new Float64Array(3 * n)
    this.#cos = new Float64Array(n)
    this.#points = new Float64Array(3 * n)
    for (let v = 0; v < height; v++) {
      for (let u = 0; u < width; u++) {
        const x = (u - cx) / fx
        const y = (v - cy) / fy
        const len = Math.sqrt(x * x + y * y + 1)
        const i = v * width + u
        for (let k = 0; k < 3; k++) this.#dirs[3 * i + k] = (r[k]![0]! * x + r[k]![1]! * y + r[k]![2]!) / len
        this.#cos[i] = 1 / len
      }
    }
    this.#geomId = new mj.IntBuffer(n)
    this.#dist = new mj.DoubleBuffer(n)
  }

  /** Renders the current state. `colors` holds each geom's rgb (3 per geom). */
  render(mj: Mujoco, model: MjModel, data: MjData, colors: Float32Array): Frame {
    const w = this.width
    const h = this.height
    const n = w * h
    // The binding accepts typed arrays although its .d.ts says number[].
    mj.mj_multiRay(
      model,
      data,
      this.#origin as unknown as number[],
      this.#dirs as unknown as number[],
      ALL_GROUPS,
      1,
      -1,
      this.#geomId,
      this.#dist,
      n,
      FAR,
    )
    const ids = this.#geomId.GetView() as Int32Array
    const dist = this.#dist.GetView() as Float64Array
    const dirs = this.#dirs
    const cos = this.#cos
    const depth = new Float32Array(n)
    // Hit points relative to the camera, for the depth-gradient normals below.
    const pts = this.#points
    for (let i = 0; i < n; i++) {
      const t = ids[i]! >= 0 ? dist[i]! : 0
      depth[i] = t * cos[i]!
      pts[3 * i] = dirs[3 * i]! * t
      pts[3 * i + 1] = dirs[3 * i + 1]! * t
      pts[3 * i + 2] = dirs[3 * i + 2]! * t
    }
    const rgb = new Uint8Array(n * 3)
    for (let v = 0; v < h; v++) {
      for (let u = 0; u < w; u++) {
        const i = v * w + u
        const g = ids[i]!
        if (g < 0) {
          rgb[3 * i] = SKY[0] * 255
          rgb[3 * i + 1] = SKY[1] * 255
          rgb[3 * i + 2] = SKY[2] * 255
          continue
        }
        // Lambert-like shading lit from the camera, normal from the depth gradient within the same geom
        // (edge pixels get a flat 0.8): 0.55 ambient + 0.45·|cos| keeps every colour recognisable.
        let shade = 0.8
        const iu = u + 1 < w && ids[i + 1] === g ? i + 1 : u > 0 && ids[i - 1] === g ? i - 1 : -1
        const iv = v + 1 < h && ids[i + w] === g ? i + w : v > 0 && ids[i - w] === g ? i - w : -1
        if (iu >= 0 && iv >= 0) {
          const px = pts[3 * i]!
          const py = pts[3 * i + 1]!
          const pz = pts[3 * i + 2]!
          const ax = pts[3 * iu]! - px
          const ay = pts[3 * iu + 1]! - py
          const az = pts[3 * iu + 2]! - pz
          const bx = pts[3 * iv]! - px
          const by = pts[3 * iv + 1]! - py
          const bz = pts[3 * iv + 2]! - pz
          const nx = ay * bz - az * by
          const ny = az * bx - ax * bz
          const nz = ax * by - ay * bx
          const nl = Math.sqrt(nx * nx + ny * ny + nz * nz)
          if (nl > 0)
            shade = 0.55 + (0.45 * Math.abs(nx * dirs[3 * i]! + ny * dirs[3 * i + 1]! + nz * dirs[3 * i + 2]!)) / nl
        }
        const k = 255 * shade
        // Uint8Array assignment truncates; +0.5 rounds. Colours are <= 1 and shade <= 1, so no overflow.
        rgb[3 * i] = colors[3 * g]! * k + 0.5
        rgb[3 * i + 1] = colors[3 * g + 1]! * k + 0.5
        rgb[3 * i + 2] = colors[3 * g + 2]! * k + 0.5
      }
    }
    return {
      rgb: { data: rgb, shape: [h, w, 3], dtype: 'uint8' },
      depth: { data: new Uint8Array(depth.buffer), shape: [h, w, 1], dtype: 'float32' },
    }
  }

  delete(): void {
    this.#geomId.delete()
    this.#dist.delete()
  }
}
