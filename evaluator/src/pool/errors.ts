import { KinitroError } from '#protocol'

/** Every code a {@link PoolError} can carry; the evaluator README's error table lists the same codes. */
export const POOL_ERROR_CODES = [
  'EVAL_POOL_FULL',
  'EVAL_POOL_CLOSED',
  'EVAL_POOL_INVALID_OPTIONS',
  'EVAL_POOL_WORKER_START_FAILED',
] as const

/** One of {@link POOL_ERROR_CODES}. */
export type PoolErrorCode = (typeof POOL_ERROR_CODES)[number]

export type PoolErrorMeta =
  | { code: 'EVAL_POOL_FULL'; maxQueue: number; running: number }
  | { code: 'EVAL_POOL_CLOSED' }
  | { code: 'EVAL_POOL_INVALID_OPTIONS'; option: string; reason: string }
  | { code: 'EVAL_POOL_WORKER_START_FAILED'; failures: number; reason: string }

/** Errors of the episode worker pool: capacity and setup problems, never an episode's own failure. */
export class PoolError extends KinitroError<PoolErrorMeta> {}

/** What the operator should do about each code. */
export const POOL_ERROR_FIXES: Readonly<Record<PoolErrorCode, string>> = {
  EVAL_POOL_FULL: 'submit at most size + maxQueue episodes at once (one per policy lane), or raise maxQueue',
  EVAL_POOL_CLOSED: 'create a new pool; a closed pool runs nothing',
  EVAL_POOL_INVALID_OPTIONS: 'fix the named option (size ≥ 1, maxQueue ≥ 0, integers)',
  EVAL_POOL_WORKER_START_FAILED:
    'workers die at start: run from a build (npm run build) or with tsx installed, and check the env module path',
}
