import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { CameraSpec, ImageTensor, Observation } from '../../evaluator/src/env/types.js'
import { createPolicyClient } from '../../evaluator/src/policy/client.js'
import { type ServedPolicy, servePolicy } from '../../evaluator/src/policy/server.js'
import { validateActResponse } from '../../evaluator/src/policy/validate.js'
import { encodeObservation, type WireObservation } from '../../evaluator/src/policy/wire.js'
import { type Bench, type BenchRow, fmt, measure } from './harness.js'

// Policy round-trip cost per step: the same act function called in-process (baseline), through JSON
// encode/parse/validate without a socket, then over HTTP keep-alive on TCP loopback and on a Unix socket
// (the bubblewrap bridge). Two shapes: proprio-only (~200 B) and two 84×84 RGB + depth cameras (~130 KiB).

const DIRECT_OPS = 20_000
const HTTP_OPS = 2_000
const ARM = { ee_twist: 6, gripper: 1 } as const
const ops = (n: number, scale: number) => Math.max(20, Math.round(n * scale))

function image(w: number, h: number, c: number, dtype: 'uint8' | 'float32'): ImageTensor {
  const data = new Uint8Array(w * h * c * (dtype === 'uint8' ? 1 : 4))
  for (let i = 0; i < data.length; i++) data[i] = (i * 131) & 0xff
  return { data, shape: [h, w, c], dtype }
}

function observation(cameras: readonly CameraSpec[]): Observation {
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
    extra: {},
  }
  for (const c of cameras) {
    obs.rgb[c.name] = image(c.width, c.height, 3, 'uint8')
    obs.depth[c.name] = image(c.width, c.height, 1, 'float32')
    obs.camIntrinsics[c.name] = [
      [70, 0, 42],
      [0, 70, 42],
      [0, 0, 1],
    ]
  }
  return obs
}

/** A proportional controller on ee_pos: cheap, so the transport dominates. */
const policy: ServedPolicy = {
  act(obs: WireObservation) {
    const p = obs.proprio.ee_pos ?? [0, 0, 0]
    return { continuous: { ee_twist: [-p[0]!, -p[1]!, -p[2]!, 0, 0, 0], gripper: [0] } }
  },
}

export const bench: Bench = {
  name: 'policy',
  description: 'policy /act round trip: in-process call vs JSON only vs HTTP keep-alive (TCP, Unix socket)',
  about:
    'Policy round-trip cost per step: the same act function called in-process (the baseline), through JSON encode/parse/validate without a socket, and over HTTP keep-alive on TCP loopback and on a Unix socket (the sandbox bridge), for a proprio-only observation (~200 B) and two 84×84 RGB + depth cameras (~130 KiB).',
  columns: {
    'x baseline time': "time per call ÷ the in-process call's time (baseline req/s ÷ req/s; lower is better)",
  },
  async run({ repeats, scale }) {
    const dir = mkdtempSync(join(tmpdir(), 'kinitro-policy-bench-'))
    const tcp = await servePolicy(policy)
    const unix = await servePolicy(policy, { socketPath: join(dir, 'policy.sock') })
    const tcpClient = createPolicyClient({ url: tcp.url })
    const unixClient = createPolicyClient({ url: unix.url, socketPath: join(dir, 'policy.sock') })
    const shapes = [
      { name: 'proprio only', obs: observation([]) },
      {
        name: '2 cameras 84x84 rgb+depth',
        obs: observation([
          { name: 'corner', width: 84, height: 84, depth: true },
          { name: 'corner2', width: 84, height: 84, depth: true },
        ]),
      },
    ]
    const rows: BenchRow[] = []
    try {
      for (const s of shapes) {
        const bytes = Buffer.byteLength(JSON.stringify({ obs: encodeObservation(s.obs) }))
        const cases: { path: string; n: number; body: () => unknown }[] = [
          { path: 'in-process act (baseline)', n: DIRECT_OPS, body: () => policy.act(encodeObservation(s.obs)) },
          {
            path: 'in-process + JSON + validate',
            n: DIRECT_OPS / 4,
            body: () => {
              const wire = JSON.parse(JSON.stringify({ obs: encodeObservation(s.obs) })).obs
              const answer = JSON.parse(JSON.stringify({ action: policy.act(wire) }))
              return validateActResponse(answer, ARM)
            },
          },
          { path: 'HTTP keep-alive, TCP', n: HTTP_OPS, body: () => tcpClient.act(s.obs, ARM) },
          { path: 'HTTP keep-alive, Unix socket', n: HTTP_OPS, body: () => unixClient.act(s.obs, ARM) },
        ]
        let base = Number.NaN
        for (const c of cases) {
          const m = await measure({ ops: ops(c.n, scale), repeats, setup: () => c.body })
          if (Number.isNaN(base)) base = m.opsPerSec
          rows.push({
            shape: s.name,
            path: c.path,
            'req/s (median)': fmt(m.opsPerSec),
            'p50 µs': fmt(m.p50Us ?? Number.NaN, 1),
            'p99 µs': fmt(m.p99Us ?? Number.NaN, 1),
            'x baseline time': fmt(base / m.opsPerSec, 1),
            'request bytes': bytes,
          })
          console.error(`policy: ${s.name} / ${c.path}: ${fmt(m.opsPerSec)} req/s`)
        }
      }
    } finally {
      tcpClient.close()
      unixClient.close()
      await tcp.close()
      await unix.close()
      rmSync(dir, { recursive: true, force: true })
    }
    return rows
  },
}
