import type { CameraSpec, EnvironmentSpec } from '../types.js'
import { MUJOCO_SIMULATOR } from './loader.js'
import { SCENE_CAMERAS } from './scene.js'
import type { TaskDefinition } from './tasks.js'

/** Substeps per control step and the physics timestep: 5 × 2.5 ms = 80 Hz control, as MetaWorld. */
export const FRAME_SKIP = 5
export const TIMESTEP = 0.0025
export const MAX_STEPS = 500
/** Hand displacement per control step for a saturated `ee_twist` component (1 cm; 0.8 m/s). */
export const MAX_STEP_DISPLACEMENT = 0.01
export const DEFAULT_CAMERAS: readonly CameraSpec[] = [
  { name: 'corner', width: 84, height: 84, depth: true },
  { name: 'topdown', width: 84, height: 84, depth: true },
]
export const PROPRIO_KEYS = { ee_pos: 3, ee_quat: 4, ee_vel_lin: 3, ee_vel_ang: 3, gripper: 1 } as const
export const ACTION_KEYS = { ee_twist: 6, gripper: 1 } as const

export function specFor(task: TaskDefinition, cameras: readonly CameraSpec[]): EnvironmentSpec {
  return {
    envId: task.envId,
    family: 'mujoco',
    description: task.description,
    maxSteps: MAX_STEPS,
    controlHz: 1 / (FRAME_SKIP * TIMESTEP),
    cameras,
    actionKeys: ACTION_KEYS,
    proprioKeys: PROPRIO_KEYS,
    simulator: MUJOCO_SIMULATOR,
  }
}

/** Problem with a requested camera, or undefined when the scene can render it. */
export function cameraProblem(spec: CameraSpec): string | undefined {
  if (!SCENE_CAMERAS.some((c) => c.name === spec.name)) {
    return `unknown camera; the scenes define ${SCENE_CAMERAS.map((c) => c.name).join(', ')}`
  }
  const ok = (n: number) => Number.isInteger(n) && n >= 1 && n <= 1024
  if (!ok(spec.width) || !ok(spec.height)) return `size ${spec.width}x${spec.height} is outside 1..1024`
  return undefined
}
