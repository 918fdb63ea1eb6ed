// A reach specialist: it steers the hand to the green goal it sees and does nothing useful on any other
// task. It is the devnet's middle miner: better than random on one task, beaten by the expert on the rest.
// Perception is deliberately plain: the centroid of the green pixels of the one camera that sees the most,
// back-projected with that pixel's depth.

/** Hand displacement per saturated action component is 1 cm; this gain saturates beyond 3 cm. */
const GAIN = 30

function isGreen(r, g, b) {
  return g > 90 && r < 0.5 * g && b < 0.5 * g
}

function pixels(img) {
  return Uint8Array.from(Buffer.from(img.data, 'base64'))
}

/** World position of the green blob's centroid, or null when no camera sees it. */
function goalOf(obs) {
  let best = null
  for (const [name, rgbImg] of Object.entries(obs.rgb ?? {})) {
    const K = obs.cam_intrinsics?.[name]
    const E = obs.cam_extrinsics?.[name]
    const depthImg = obs.depth?.[name]
    if (!K || !E || !depthImg) continue
    const [h, w] = rgbImg.shape
    const rgb = pixels(rgbImg)
    const depth = new Float32Array(pixels(depthImg).buffer)
    let n = 0
    const sum = [0, 0, 0]
    for (let i = 0; i < h * w; i++) {
      if (!isGreen(rgb[3 * i], rgb[3 * i + 1], rgb[3 * i + 2]) || !(depth[i] > 0)) continue
      const z = depth[i]
      const x = (((i % w) - K[0][2]) / K[0][0]) * z
      const y = ((Math.floor(i / w) - K[1][2]) / K[1][1]) * z
      for (let r = 0; r < 3; r++) sum[r] += E[r][0] * x + E[r][1] * y + E[r][2] * z + E[r][3]
      n++
    }
    if (n > 0 && (best === null || n > best.n)) best = { n, point: sum.map((s) => s / n) }
  }
  return best?.point ?? null
}

const idle = () => ({ continuous: { ee_twist: [0, 0, 0, 0, 0, 0], gripper: [0] }, discrete: {}, extra: {} })

export function createPolicy() {
  let reach = true
  let goal = null
  return {
    reset(taskConfig) {
      const name = String(taskConfig?.task_name || taskConfig?.env_id || taskConfig?.env_name || '')
      reach = name.includes('reach')
      goal = null
    },
    act(obs) {
      if (!reach) return idle()
      goal ??= goalOf(obs)
      if (goal === null) return idle()
      const tcp = obs.proprio?.ee_pos ?? [0, 0, 0]
      const twist = goal.map((g, k) => Math.max(-1, Math.min(1, GAIN * (g - tcp[k]))))
      return { continuous: { ee_twist: [...twist, 0, 0, 0], gripper: [0] }, discrete: {}, extra: {} }
    },
  }
}
