import { type FailureCode, KinitroError } from '#protocol'

/** Every code a {@link RemoteEnvError} can carry; the evaluator README's error table lists the same codes. */
export const REMOTE_ENV_ERROR_CODES = [
  'EVAL_REMOTE_ENV_UNREACHABLE',
  'EVAL_REMOTE_ENV_UNSUPPORTED',
  'EVAL_REMOTE_ENV_BAD_SPEC',
] as const

/** One of {@link REMOTE_ENV_ERROR_CODES}. */
export type RemoteEnvErrorCode = (typeof REMOTE_ENV_ERROR_CODES)[number]

export type RemoteEnvErrorMeta =
  | { code: 'EVAL_REMOTE_ENV_UNREACHABLE'; url: string; reason: string }
  | { code: 'EVAL_REMOTE_ENV_UNSUPPORTED'; url: string; missing: string[] }
  | { code: 'EVAL_REMOTE_ENV_BAD_SPEC'; url: string; envId: string; reason: string }

/**
 * Setting up a remote environment container failed (connect time, the operator's to fix). Failures
 * during an episode are {@link RemoteEnvCallError}s and become `env_*` episode codes instead.
 */
export class RemoteEnvError extends KinitroError<RemoteEnvErrorMeta> {}

/** What the operator should do about each code. */
export const REMOTE_ENV_ERROR_FIXES: Readonly<Record<RemoteEnvErrorCode, string>> = {
  EVAL_REMOTE_ENV_UNREACHABLE: 'start the environment container and check its URL (affinetes serves on port 8000)',
  EVAL_REMOTE_ENV_UNSUPPORTED:
    "the container's Actor lacks the listed methods: add them (STEP_DRIVEN_METHODS in env/remote/environment.ts) or use evaluateRemote",
  EVAL_REMOTE_ENV_BAD_SPEC: "fix the container's env_spec answer for that env (ids, max_steps, action/proprio keys)",
}

/**
 * One `/call` to an environment container failed mid-episode. `failure` is `env_unavailable` (no answer,
 * connection refused, timeout) or `env_error` (HTTP 500/404, malformed answer), or `validator_cancelled`
 * when our own caller aborted: never a `policy_*` code, whatever the container was doing.
 */
export class RemoteEnvCallError extends Error {
  readonly failure: FailureCode
  readonly method: string
  readonly detail: string
  constructor(failure: FailureCode, method: string, detail: string) {
    const clean = detail.replace(/[^\x20-\x7e]/g, '?').slice(0, 240)
    super(`${method}: ${failure}: ${clean}`)
    this.name = 'RemoteEnvCallError'
    this.failure = failure
    this.method = method
    this.detail = clean
  }
}
