export { type Frame, RayCamera } from './camera.js'
export { MujocoEnvironment } from './environment.js'
export {
  failureCodeForEnvError,
  MUJOCO_ENV_ERROR_CODES,
  MUJOCO_ENV_ERROR_FIXES,
  MujocoEnvError,
  type MujocoEnvErrorCode,
  type MujocoEnvErrorMeta,
} from './errors.js'
export { createMujocoEnvironmentFactory, MUJOCO_ENV_IDS, type MujocoFactoryOptions } from './factory.js'
export { loadMujoco, MUJOCO_SIMULATOR, MUJOCO_VERSION, type Mujoco } from './loader.js'
export { canonicalParams, TASK_PRNG_DOMAIN, TaskPrng } from './prng.js'
export { SCENE_CAMERAS, type SceneCamera, sceneXml, type TaskFamily } from './scene.js'
export {
  ACTION_KEYS,
  DEFAULT_CAMERAS,
  FRAME_SKIP,
  MAX_STEP_DISPLACEMENT,
  MAX_STEPS,
  PROPRIO_KEYS,
  TIMESTEP,
} from './spec.js'
export { MIN_OBJECT_GOAL_XY, SUCCESS_THRESHOLDS, TASKS, type TaskDefinition } from './tasks.js'
