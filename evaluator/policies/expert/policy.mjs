// Scripted expert for the built-in mujoco/* tasks. It sees only what a policy server receives: the wire
// observation (base64 images, camera matrices, proprio) and the task name from /reset. It finds the task's
// coloured objects in the RGB images, back-projects their pixels with depth, intrinsics and extrinsics to
// world coordinates, then follows a per-family sequence of waypoints with a proportional controller.
// Plain JavaScript, no dependencies: this folder is packaged and run on its own.

/** Tool-centre-point displacement per saturated action component (the env's 1 cm per step). */
const GAIN = 30
/** Distance the fingertip pads reach below the tool centre point (scene geometry known to the expert). */
const PAD_BELOW_TCP = 0.01

const CLASSIFIERS = {
  red: (r, g, b) => r > 90 && g < 0.5 * r && b < 0.5 * r,
  green: (r, g, b) => g > 90 && r < 0.5 * g && b < 0.5 * g,
  blue: (r, g, b) => b > 90 && r < 0.5 * b && g < 0.6 * b,
  yellow: (r, g, b) => r > 90 && g > 0.7 * r && b < 0.4 * r,
  cyan: (r, g, b) => g > 90 && b > 90 && r < 0.4 * g && r < 0.4 * b,
}
/** Door geometry the expert knows: the handle bar's centre relative to the hinge, door closed. */
const DOOR_HANDLE_FROM_HINGE = [0.18, -0.06]
const DOOR_HANDLE_HALF_DEPTH = 0.008

function familyOf(name) {
  const s = String(name ?? '')
  for (const f of ['pick-place', 'button-press', 'drawer-close', 'door-open', 'push', 'reach'])
    if (s.includes(f)) return f
  return 'reach'
}

function bytes(img) {
  return Uint8Array.from(Buffer.from(img.data, 'base64'))
}

/** World points of every pixel of `color`, from the camera that sees the most of them. */
export function detect(obs, color) {
  const test = CLASSIFIERS[color]
  let best = null
  for (const name of Object.keys(obs.rgb ?? {})) {
    const rgbImg = obs.rgb[name]
    const depthImg = obs.depth?.[name]
    const K = obs.cam_intrinsics?.[name]
    const E = obs.cam_extrinsics?.[name]
    if (!depthImg || !K || !E) continue
    const [h, w] = rgbImg.shape
    const rgb = bytes(rgbImg)
    const depth = new Float32Array(bytes(depthImg).buffer)
    const points = []
    for (let v = 0; v < h; v++) {
      for (let u = 0; u < w; u++) {
        const i = v * w + u
        const z = depth[i]
        if (!(z > 0) || !test(rgb[3 * i], rgb[3 * i + 1], rgb[3 * i + 2])) continue
        const x = ((u - K[0][2]) / K[0][0]) * z
        const y = ((v - K[1][2]) / K[1][1]) * z
        points.push([
          E[0][0] * x + E[0][1] * y + E[0][2] * z + E[0][3],
          E[1][0] * x + E[1][1] * y + E[1][2] * z + E[1][3],
          E[2][0] * x + E[2][1] * y + E[2][2] * z + E[2][3],
        ])
      }
    }
    if (points.length > 0 && (best === null || points.length > best.points.length)) {
      best = { points, camera: [E[0][3], E[1][3], E[2][3]] }
    }
  }
  return best
}

function mean(points) {
  const m = [0, 0, 0]
  for (const p of points) for (let k = 0; k < 3; k++) m[k] += p[k] / points.length
  return m
}

function quantile(values, q) {
  const s = [...values].sort((a, b) => a - b)
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]
}

/** Visible surface points lie on the camera's side of a round object: move the mean away from the camera. */
function centre(det, depthBias) {
  const m = mean(det.points)
  const d = [m[0] - det.camera[0], m[1] - det.camera[1], m[2] - det.camera[2]]
  const n = Math.hypot(...d)
  return m.map((x, k) => x + (depthBias * d[k]) / n)
}

/** The q-quantile of coordinate k over the points. */
function quantileOf(points, k, q) {
  return quantile(
    points.map((p) => p[k]),
    q,
  )
}

/** Centre of the face looking at the robot (-y): mean x and z, near-minimum y. */
function frontOf(det) {
  const m = mean(det.points)
  return [m[0], quantileOf(det.points, 1, 0.1), m[2]]
}

/** Waypoints per family from the first observation (every target is static until the hand touches it). */
function perceive(family, obs) {
  if (family === 'reach') {
    const goal = detect(obs, 'green')
    return goal ? { goal: centre(goal, 0.013) } : null
  }
  if (family === 'push' || family === 'pick-place') {
    const goal = detect(obs, 'green')
    const obj = detect(obs, 'red')
    if (!goal || !obj) return null
    // The puck's top face is the highest red surface; its centre is half a puck height (2 cm) below.
    const [x, y] = centre(obj, 0.01)
    return { goal: centre(goal, 0.013), object: [x, y, Math.max(0.015, quantileOf(obj.points, 2, 0.9) - 0.02)] }
  }
  if (family === 'button-press') {
    const b = detect(obs, 'yellow')
    return b ? { front: frontOf(b) } : null
  }
  if (family === 'door-open') {
    const d = detect(obs, 'cyan')
    if (!d) return null
    const [x, y, z] = frontOf(d)
    const handle = [x, y + DOOR_HANDLE_HALF_DEPTH, z]
    return { handle, hinge: [x - DOOR_HANDLE_FROM_HINGE[0], handle[1] - DOOR_HANDLE_FROM_HINGE[1]] }
  }
  const handle = detect(obs, 'blue')
  return handle ? { front: frontOf(handle) } : null
}

function toward(tcp, target) {
  return [0, 1, 2].map((k) => Math.max(-1, Math.min(1, (target[k] - tcp[k]) * GAIN)))
}

const near = (a, b, tol) => Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]) < tol
const nearXY = (a, b, tol) => Math.hypot(a[0] - b[0], a[1] - b[1]) < tol

/** Next (target, gripper) for the current phase; advances `s.phase` when a waypoint is reached. */
function plan(family, s, tcp) {
  const w = s.waypoints
  if (family === 'reach') return [w.goal, 0]
  if (family === 'door-open') return planDoor(s, tcp)
  if (family === 'button-press' || family === 'drawer-close') {
    const [x, y, z] = w.front
    // Lower the tcp so the pads (which reach 1 cm below it and 5 cm above) cover the target's centre.
    const zt = z - PAD_BELOW_TCP
    const ready = [x, y - 0.06, zt]
    if (s.phase === 0) {
      if (near(tcp, ready, 0.01)) s.phase = 1
      return [ready, 1]
    }
    return [[x, y + (family === 'button-press' ? 0.05 : 0.16), zt], 1]
  }
  const o = w.object
  const above = [o[0], o[1], 0.12]
  switch (s.phase) {
    case 0:
      if (nearXY(tcp, above, 0.01) && Math.abs(tcp[2] - above[2]) < 0.03) s.phase = 1
      return [above, 0]
    case 1:
      if (Math.abs(tcp[2] - o[2]) < 0.008 || ++s.ticks > 60) {
        s.phase = 2
        s.ticks = 0
      }
      return [o, 0]
    case 2:
      if (++s.ticks > 12) s.phase = 3
      return [o, 1]
    case 3: {
      const lift = family === 'push' ? 0.04 : 0.12
      if (tcp[2] > lift - 0.01) s.phase = 4
      return [[o[0], o[1], lift], 1]
    }
    default:
      return [family === 'push' ? [w.goal[0], w.goal[1], 0.035] : w.goal, 1]
  }
}

/** Door: straddle the handle bar, close, then walk the grasp point around the hinge toward the robot. */
function planDoor(s, tcp) {
  const { handle, hinge } = s.waypoints
  const z = handle[2] - 0.02
  const grasp = [handle[0], handle[1], z]
  switch (s.phase) {
    case 0: {
      const ready = [handle[0], handle[1] - 0.08, z]
      if (near(tcp, ready, 0.01)) s.phase = 1
      return [ready, 0]
    }
    case 1:
      if (near(tcp, grasp, 0.006) || ++s.ticks > 40) {
        s.phase = 2
        s.ticks = 0
      }
      return [grasp, 0]
    case 2:
      if (++s.ticks > 12) s.phase = 3
      return [grasp, 1]
    default: {
      const radius = Math.hypot(handle[0] - hinge[0], handle[1] - hinge[1])
      const start = Math.atan2(handle[1] - hinge[1], handle[0] - hinge[0])
      const now = Math.atan2(tcp[1] - hinge[1], tcp[0] - hinge[0])
      const a = Math.max(start - 1.2, now - 0.25)
      return [[hinge[0] + radius * Math.cos(a), hinge[1] + radius * Math.sin(a), z], 1]
    }
  }
}

/**
 * @returns {{ reset(taskConfig: object): void, act(obs: object): object }}
 */
export function createPolicy() {
  let family = 'reach'
  let s = { phase: 0, ticks: 0, waypoints: null }
  return {
    reset(taskConfig) {
      family = familyOf(taskConfig?.task_name || taskConfig?.env_id || taskConfig?.env_name)
      s = { phase: 0, ticks: 0, waypoints: null }
    },
    act(obs) {
      const tcp = obs.proprio?.ee_pos ?? [0, 0, 0]
      s.waypoints ??= perceive(family, obs)
      if (s.waypoints === null)
        return { continuous: { ee_twist: [0, 0, 0, 0, 0, 0], gripper: [0] }, discrete: {}, extra: {} }
      const [target, grip] = plan(family, s, tcp)
      return { continuous: { ee_twist: [...toward(tcp, target), 0, 0, 0], gripper: [grip] }, discrete: {}, extra: {} }
    },
  }
}
