import { KinitroError, registerErrorFixes } from '#protocol'

/** Every code `kinitro miner eval` can end with; `miner-cli/src/eval/README.md` documents the same codes. */
export const EVAL_ERROR_CODES = [
  'MINER_EVAL_NOT_A_POLICY',
  'MINER_EVAL_UNKNOWN_TASK',
  'MINER_EVAL_BAD_POLICY_URL',
  'MINER_EVAL_HEALTH_FAILED',
  'MINER_EVAL_START_FAILED',
  'MINER_EVAL_INTERPRETER_UNREACHABLE',
  'MINER_EVAL_SANDBOX_UNAVAILABLE',
  'MINER_EVAL_VIDEO_FAILED',
  'MINER_EVAL_POLICY_FAILED',
  'MINER_EVAL_BELOW_THRESHOLD',
] as const

export type EvalErrorCode = (typeof EVAL_ERROR_CODES)[number]

/** What the miner should do about each code (printed under the error by the CLI). */
export const EVAL_ERROR_FIXES: Readonly<Record<EvalErrorCode, string>> = {
  MINER_EVAL_NOT_A_POLICY:
    'run eval in (or pass) the policy folder: it needs kinitro.json ({"name", "entry": [..., "{port}"]}) and the files its entry starts (TypeScript: npm run build)',
  MINER_EVAL_UNKNOWN_TASK: 'pass --tasks with ids from `kinitro env list` (e.g. mujoco/reach-v1), comma-separated',
  MINER_EVAL_BAD_POLICY_URL: 'pass --policy-url as the http:// or https:// base URL of a running policy server',
  MINER_EVAL_HEALTH_FAILED:
    'make GET /health answer 200 {"status": "healthy"} within the start timeout: read the policy output above, run the server by hand to see it start, load the model faster, or raise --start-timeout while you debug (validators wait 30 s)',
  MINER_EVAL_START_FAILED:
    'the policy exited before it was healthy: read its output above, run the entry command from kinitro.json by hand in the policy folder, and fix the error (a missing module, a wrong path, a syntax error)',
  MINER_EVAL_INTERPRETER_UNREACHABLE:
    'as root, eval runs the policy as uid 65534 like validators do, and that user cannot read an interpreter under /root (pyenv, conda): install it under /usr or /opt, put /usr/bin first in PATH, or pass --as-current-user',
  MINER_EVAL_SANDBOX_UNAVAILABLE:
    'install bubblewrap (apt-get install bubblewrap) and allow unprivileged user namespaces, or use --sandbox auto to run without it',
  MINER_EVAL_VIDEO_FAILED:
    'pass --video-camera with a camera of the task (corner, topdown) and --video-size WxH between 2x2 and 1024x1024, or drop --video',
  MINER_EVAL_POLICY_FAILED:
    'episodes failed because of the policy (the failure codes are in the table; its output is above): validators score these as failures; fix the cause and run eval again',
  MINER_EVAL_BELOW_THRESHOLD: 'the success rate is under --fail-under: improve the policy, or lower the threshold',
}

export type EvalErrorMeta = {
  code: EvalErrorCode
  /** The folder, URL or task concerned. */
  subject: string
  reason: string
  /** The policy's last output lines, when it ran and printed any. */
  logTail?: string[]
}

/** Why `kinitro miner eval` could not evaluate the policy. */
export class MinerEvalError extends KinitroError<EvalErrorMeta> {}

/** Builds an {@link MinerEvalError}; the message carries the policy's last output lines, where the miner will look. */
export function evalError(
  code: EvalErrorCode,
  subject: string,
  reason: string,
  opts: { logTail?: string[]; cause?: unknown } = {},
): MinerEvalError {
  const tail = opts.logTail ?? []
  const message =
    tail.length > 0 ? `${reason}\npolicy output (last ${tail.length} lines):\n  ${tail.join('\n  ')}` : reason
  return new MinerEvalError(
    { code, subject, reason, ...(tail.length > 0 ? { logTail: tail } : {}) },
    message,
    opts.cause === undefined ? undefined : { cause: opts.cause },
  )
}

registerErrorFixes(EVAL_ERROR_FIXES)
