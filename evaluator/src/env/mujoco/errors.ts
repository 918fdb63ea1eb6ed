import { KinitroError } from '#protocol'

/** Every code a {@link MujocoEnvError} can carry. */
export const MUJOCO_ENV_ERROR_CODES = [
  'EVAL_ENV_UNKNOWN',
  'EVAL_ENV_BAD_CAMERA',
  'EVAL_ENV_LOAD_FAILED',
  'EVAL_ENV_NOT_RESET',
  'EVAL_ENV_EPISODE_OVER',
  'EVAL_ENV_CLOSED',
  'EVAL_ENV_UNSTABLE',
] as const

/** One of {@link MUJOCO_ENV_ERROR_CODES}. */
export type MujocoEnvErrorCode = (typeof MUJOCO_ENV_ERROR_CODES)[number]

/** Metadata per code: plain data, so the error survives `toObject()` across process boundaries. */
export type MujocoEnvErrorMeta =
  | { code: 'EVAL_ENV_UNKNOWN'; envId: string; known: string[] }
  | { code: 'EVAL_ENV_BAD_CAMERA'; envId: string; camera: string; reason: string }
  | { code: 'EVAL_ENV_LOAD_FAILED'; envId: string; reason: string }
  | { code: 'EVAL_ENV_NOT_RESET'; envId: string }
  | { code: 'EVAL_ENV_EPISODE_OVER'; envId: string; step: number }
  | { code: 'EVAL_ENV_CLOSED'; envId: string }
  | { code: 'EVAL_ENV_UNSTABLE'; envId: string; step: number; reason: string }

/**
 * Errors raised by the built-in MuJoCo environments. `EVAL_ENV_UNSTABLE` is the only one a policy can
 * provoke (by driving the simulation to divergence); the runner maps it to the `env_unstable` failure code
 * via {@link failureCodeForEnvError}. The others are caller or installation bugs.
 */
export class MujocoEnvError extends KinitroError<MujocoEnvErrorMeta> {}

/** What the operator should do about each code. */
export const MUJOCO_ENV_ERROR_FIXES: Readonly<Record<MujocoEnvErrorCode, string>> = {
  EVAL_ENV_UNKNOWN: 'use one of the ids `kinitro env list` prints (e.g. mujoco/reach-v1); fix the competition manifest',
  EVAL_ENV_BAD_CAMERA: 'request only cameras the scene defines (corner, topdown, front) with sizes 1..1024',
  EVAL_ENV_LOAD_FAILED: 'reinstall dependencies (npm ci) so mujoco-js@0.0.7 is present and its WASM module loads',
  EVAL_ENV_NOT_RESET: 'call reset(task) before step(); this is a bug in the episode runner',
  EVAL_ENV_EPISODE_OVER: 'stop stepping once done is true, or reset; this is a bug in the episode runner',
  EVAL_ENV_CLOSED: 'create a new environment; a closed one frees its simulator memory',
  EVAL_ENV_UNSTABLE: 'nothing to fix on the validator: record the episode as env_unstable and re-run it',
}

/** The episode failure code for an error thrown by an environment (`env_unstable` or `env_error`). */
export function failureCodeForEnvError(err: unknown): 'env_unstable' | 'env_error' {
  return err instanceof MujocoEnvError && err.code === 'EVAL_ENV_UNSTABLE' ? 'env_unstable' : 'env_error'
}
