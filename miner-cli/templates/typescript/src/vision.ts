// Where is the coloured thing? The built-in tasks paint their parts in fixed colours (goal green, object red,
// button yellow, drawer handle blue, door handle cyan) and never put their positions in proprio, so a policy
// finds them in the cameras: colour picks the pixels, depth and the camera matrices place them in the world.
import type { Observation } from './wire.js'

export type ColourTest = (r: number, g: number, b: number) => boolean

export const isGreen: ColourTest = (r, g, b) => g > 100 && g > 1.6 * r && g > 1.6 * b
export const isRed: ColourTest = (r, g, b) => r > 100 && r > 1.8 * g && r > 1.8 * b

/**
 * World position [x, y, z] (metres) of what `matches` picks, from the camera that sees most of it, or null.
 *
 * A pixel (u, v) with depth z is at ((u − cx)·z/fx, (v − cy)·z/fy, z) in camera coordinates and the extrinsics
 * map camera to world. The map is affine, so the mean of the world points is the world point of the mean.
 * The pixels show only the surface facing the camera: `behind` moves the result that far along the viewing
 * ray (the visible half of a sphere of radius r has its centroid r/2 in front of the centre).
 */
export function locate(obs: Observation, matches: ColourTest, behind = 0, minPixels = 4): number[] | null {
  let best: { count: number; mean: number[]; e: number[][] } | null = null
  for (const [name, rgb] of Object.entries(obs.rgb)) {
    const depth = obs.depth[name]?.floats
    const k = obs.camIntrinsics[name]
    const e = obs.camExtrinsics[name]
    if (depth === undefined || k === undefined || e === undefined) continue
    const width = rgb.shape[1] ?? 0
    const [fx, cx, fy, cy] = [k[0]?.[0] ?? 1, k[0]?.[2] ?? 0, k[1]?.[1] ?? 1, k[1]?.[2] ?? 0]
    const px = rgb.bytes
    const sum = [0, 0, 0]
    let count = 0
    for (let i = 0; i < depth.length; i++) {
      const z = depth[i] ?? 0
      if (!(z > 0)) continue // the ray hit nothing
      if (!matches(px[3 * i] ?? 0, px[3 * i + 1] ?? 0, px[3 * i + 2] ?? 0)) continue
      const u = i % width
      const v = (i - u) / width
      sum[0] = (sum[0] ?? 0) + ((u - cx) * z) / fx
      sum[1] = (sum[1] ?? 0) + ((v - cy) * z) / fy
      sum[2] = (sum[2] ?? 0) + z
      count++
    }
    if (count >= minPixels && (best === null || count > best.count)) {
      best = { count, mean: sum.map((s) => s / count), e }
    }
  }
  if (best === null) return null
  const p = best.mean
  const scale = 1 + behind / Math.hypot(p[0] ?? 0, p[1] ?? 0, p[2] ?? 0)
  const [x, y, z] = p.map((c) => c * scale) as [number, number, number]
  return [0, 1, 2].map((row) => {
    const r = best.e[row] ?? []
    return (r[0] ?? 0) * x + (r[1] ?? 0) * y + (r[2] ?? 0) * z + (r[3] ?? 0)
  })
}
