import { type Logger, silentLogger } from '#protocol'
import type { CameraSpec, Environment, EnvironmentFactory, EnvironmentOptions, EnvironmentSpec } from '../types.js'
import { MujocoEnvironment } from './environment.js'
import { MujocoEnvError } from './errors.js'
import { loadMujoco } from './loader.js'
import { cameraProblem, DEFAULT_CAMERAS, specFor } from './spec.js'
import { TASKS } from './tasks.js'

export interface MujocoFactoryOptions {
  /** Cameras when `create` is given none. @default corner + topdown, 84×84, with depth */
  defaultCameras?: readonly CameraSpec[]
  /** @default silentLogger */
  logger?: Logger
}

/** Ids of the built-in tasks, in `list()` order. */
export const MUJOCO_ENV_IDS: readonly string[] = TASKS.map((t) => t.envId)

/**
 * The built-in MuJoCo tasks (`mujoco/reach-v1`, `push-v1`, `pick-place-v1`, `button-press-v1`,
 * `drawer-close-v1`, `door-open-v1`). The WASM module loads on the first `create`.
 *
 * @example
 * ```ts
 * const env = await createMujocoEnvironmentFactory().create('mujoco/reach-v1', { cameras: [] })
 * let obs = await env.reset({ envId: 'mujoco/reach-v1', taskId: 'reach-0', seed: 7, params: {} })
 * ```
 */
export function createMujocoEnvironmentFactory(opts: MujocoFactoryOptions = {}): EnvironmentFactory {
  const log = (opts.logger ?? silentLogger).child('evaluator:env:mujoco')
  const defaults = opts.defaultCameras ?? DEFAULT_CAMERAS
  const specs = TASKS.map((t) => specFor(t, defaults))
  return {
    list(): readonly EnvironmentSpec[] {
      return specs
    },
    async create(envId: string, options: EnvironmentOptions = {}): Promise<Environment> {
      const task = TASKS.find((t) => t.envId === envId)
      if (task === undefined) {
        throw new MujocoEnvError(
          { code: 'EVAL_ENV_UNKNOWN', envId, known: [...MUJOCO_ENV_IDS] },
          `unknown environment ${envId}; built-in: ${MUJOCO_ENV_IDS.join(', ')}`,
        )
      }
      const cameras = options.cameras ?? defaults
      for (const cam of cameras) {
        const reason = cameraProblem(cam)
        if (reason !== undefined) {
          throw new MujocoEnvError({ code: 'EVAL_ENV_BAD_CAMERA', envId, camera: cam.name, reason }, reason)
        }
      }
      const mj = await loadMujoco()
      log.debug('environment created', { envId, cameras: cameras.map((c) => c.name) })
      return new MujocoEnvironment(mj, task, cameras)
    },
  }
}
