import { registerErrorFixes } from '#protocol'
import { ARTIFACT_ERROR_CODES, ARTIFACT_ERROR_FIXES } from './artifacts/errors.js'
import { MUJOCO_ENV_ERROR_CODES, MUJOCO_ENV_ERROR_FIXES } from './env/mujoco/errors.js'
import { REMOTE_ENV_ERROR_CODES, REMOTE_ENV_ERROR_FIXES } from './env/remote/errors.js'
import { EPISODE_ERROR_CODES, EPISODE_ERROR_FIXES } from './episode/errors.js'
import { EVALUATION_ERROR_CODES, EVALUATION_ERROR_FIXES } from './evaluation/errors.js'
import { FETCH_ERROR_CODES, FETCH_ERROR_FIXES } from './fetch/errors.js'
import { POLICY_ERROR_CODES, POLICY_ERROR_FIXES } from './policy/errors.js'
import { POOL_ERROR_CODES, POOL_ERROR_FIXES } from './pool/errors.js'
import { RUNTIME_ERROR_CODES, RUNTIME_ERROR_FIXES } from './runtime/errors.js'

/**
 * Every error code the evaluator can raise: operator-facing problems (config, sandbox, cluster, storage).
 * Faults of a miner's policy are not errors but episode outcomes with a failure code (see #protocol
 * FAILURE_CODES). The READMEs' "Errors" tables (this component's and its areas') document each code.
 */
export const EVALUATOR_ERROR_CODES: readonly string[] = [
  ...ARTIFACT_ERROR_CODES,
  ...MUJOCO_ENV_ERROR_CODES,
  ...REMOTE_ENV_ERROR_CODES,
  ...EPISODE_ERROR_CODES,
  ...EVALUATION_ERROR_CODES,
  ...FETCH_ERROR_CODES,
  ...POLICY_ERROR_CODES,
  ...POOL_ERROR_CODES,
  ...RUNTIME_ERROR_CODES,
]

for (const fixes of [
  ARTIFACT_ERROR_FIXES,
  MUJOCO_ENV_ERROR_FIXES,
  REMOTE_ENV_ERROR_FIXES,
  EPISODE_ERROR_FIXES,
  EVALUATION_ERROR_FIXES,
  FETCH_ERROR_FIXES,
  POLICY_ERROR_FIXES,
  POOL_ERROR_FIXES,
  RUNTIME_ERROR_FIXES,
]) {
  registerErrorFixes(fixes)
}
