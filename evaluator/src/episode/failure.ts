import { type FailureCode, isFailureCode } from '#protocol'

export { detailOf, MAX_ERROR_DETAIL_CHARS } from './detail.js'

/**
 * The failure code an exception stands for. Errors that know their code carry it as `.failure`
 * (`PolicyCallError`, remote-env call errors, the toy's instability error); a simulator's instability
 * error is recognised by name (`…Unstable…`) or code (`…_UNSTABLE`), so this module imports no simulator. Anything
 * else gets `fallback`: `env_error` around env calls, `validator_internal` around our own code.
 */
export function failureOf(err: unknown, fallback: FailureCode): FailureCode {
  if (typeof err === 'object' && err !== null) {
    const f = (err as { failure?: unknown }).failure
    if (typeof f === 'string' && isFailureCode(f)) return f
    // By name (`ToyUnstableError`) or by KinitroError code (`EVAL_ENV_UNSTABLE` of the MuJoCo envs).
    const { name, code } = err as { name?: unknown; code?: unknown }
    if (typeof name === 'string' && /unstable/i.test(name)) return 'env_unstable'
    if (typeof code === 'string' && /_UNSTABLE$/.test(code)) return 'env_unstable'
  }
  return fallback
}
