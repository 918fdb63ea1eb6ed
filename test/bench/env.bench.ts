import {
  createMujocoEnvironmentFactory,
  FRAME_SKIP,
  loadMujoco,
  MUJOCO_ENV_IDS,
  TASKS,
} from '../../evaluator/src/env/mujoco/index.js'
import { modelFromXml } from '../../evaluator/src/env/mujoco/loader.js'
import { sceneXml } from '../../evaluator/src/env/mujoco/scene.js'
import type { Action, Environment } from '../../evaluator/src/env/types.js'
import { type Bench, type BenchRow, fmt, measure } from './harness.js'

// Built-in MuJoCo env throughput per task: control steps/s proprio-only and with the default two 84×84
// ray-cast cameras, ms per rendered frame, and the baseline from the same run: bare mj_step × FRAME_SKIP on
// the same compiled scene, so the ratio shows what the env layer (action mapping, stability check,
// success evaluation, observation assembly) costs on top of physics.

const STEPS_NO_CAM = 4000
const STEPS_CAM = 400
const FRAMES = 400

const ops = (n: number, scale: number) => Math.max(20, Math.round(n * scale))

// A slow circle with the gripper cycling: keeps contacts and the solver busy like a real episode.
const actionAt = (i: number): Action => ({
  continuous: {
    ee_twist: [0.5 * Math.sin(i / 20), 0.5 * Math.cos(i / 20), 0.3 * Math.sin(i / 37), 0, 0, 0],
    gripper: [i % 60 < 30 ? 0 : 1],
  },
  discrete: {},
  extra: {},
})

/** A body that steps `env`, resetting whenever an episode ends. */
function stepper(env: Environment, envId: string): (i: number) => Promise<unknown> {
  let t = 0
  return async (i) => {
    if (t >= env.spec.maxSteps) {
      await env.reset({ envId, taskId: 'bench', seed: i, params: {} })
      t = 0
    }
    t++
    return env.step(actionAt(i))
  }
}

export const bench: Bench = {
  name: 'env',
  description: 'built-in MuJoCo env steps/s (no cameras, two 84x84 cameras), ms/frame, vs bare mj_step x frame_skip',
  about:
    'Control steps per second of each built-in MuJoCo task (evaluator/src/environments/mujoco), proprio-only and with the default two 84×84 ray-cast cameras, plus milliseconds per rendered frame. Baseline in the same run: bare mj_step × frame_skip on the same compiled scene, so the ratio is what the env layer (action mapping, stability check, success evaluation, observation assembly) adds on top of physics.',
  columns: {
    'overhead x raw':
      'bare mj_step×frame_skip steps/s ÷ env steps/s without cameras (time ratio: 1 = no overhead, lower is better)',
  },
  async run({ repeats, scale }) {
    const mj = await loadMujoco()
    const factory = createMujocoEnvironmentFactory()
    const rows: BenchRow[] = []
    for (const envId of MUJOCO_ENV_IDS) {
      const family = TASKS.find((t) => t.envId === envId)!.family
      const model = modelFromXml(mj, family, sceneXml(family), envId)
      const data = new mj.MjData(model)
      const raw = await measure({
        ops: ops(STEPS_NO_CAM, scale),
        repeats,
        setup: () => {
          mj.mj_resetData(model, data)
          return () => {
            for (let k = 0; k < FRAME_SKIP; k++) mj.mj_step(model, data)
          }
        },
      })
      data.delete()
      model.delete()

      const bare = await factory.create(envId, { cameras: [] })
      const noCam = await measure({
        ops: ops(STEPS_NO_CAM, scale),
        repeats,
        setup: async () => {
          await bare.reset({ envId, taskId: 'bench', seed: 1, params: {} })
          return stepper(bare, envId)
        },
      })
      await bare.close()

      const withCams = await factory.create(envId)
      const cam = await measure({
        ops: ops(STEPS_CAM, scale),
        repeats,
        setup: async () => {
          await withCams.reset({ envId, taskId: 'bench', seed: 1, params: {} })
          return stepper(withCams, envId)
        },
      })
      const frame = await measure({ ops: ops(FRAMES, scale), repeats, setup: () => () => withCams.render!('corner') })
      await withCams.close()

      rows.push({
        env: envId,
        'raw mj_step x5 /s': fmt(raw.opsPerSec),
        'env steps/s (no cameras)': fmt(noCam.opsPerSec),
        'overhead x raw': fmt(raw.opsPerSec / noCam.opsPerSec, 2),
        'env steps/s (2 cams 84x84)': fmt(cam.opsPerSec),
        'ms/frame 84x84': fmt(1000 / frame.opsPerSec, 2),
        'p99 ms/step (2 cams)': fmt((cam.p99Us ?? Number.NaN) / 1000, 2),
      })
      console.error(`env: ${envId}: ${fmt(noCam.opsPerSec)} steps/s bare, ${fmt(cam.opsPerSec)} with cameras`)
    }
    return rows
  },
}
