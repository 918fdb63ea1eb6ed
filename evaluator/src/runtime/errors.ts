import type { FailureCode } from '#protocol'
import { KinitroError } from '#protocol'

/** Every code a {@link RuntimeError} can carry; the evaluator README's error table lists the same codes. */
export const RUNTIME_ERROR_CODES = [
  'EVAL_RUNTIME_POLICY_START_FAILED',
  'EVAL_RUNTIME_POLICY_UNHEALTHY',
  'EVAL_RUNTIME_SANDBOX_UNAVAILABLE',
  'EVAL_RUNTIME_INTERPRETER_UNREACHABLE',
  'EVAL_RUNTIME_UIDS_EXHAUSTED',
  'EVAL_RUNTIME_BAD_SOURCE',
  'EVAL_RUNTIME_IMAGE_NOT_PINNED',
  'EVAL_RUNTIME_INSECURE_REFUSED',
  'EVAL_RUNTIME_IMAGE_PULL_FAILED',
  'EVAL_RUNTIME_UNSCHEDULABLE',
  'EVAL_RUNTIME_CLUSTER_ERROR',
  'EVAL_RUNTIME_REMOTE_URL_REJECTED',
  'EVAL_RUNTIME_REMOTE_UNREACHABLE',
  'EVAL_RUNTIME_ABORTED',
  'EVAL_RUNTIME_CLOSED',
] as const

/** One of {@link RUNTIME_ERROR_CODES}. */
export type RuntimeErrorCode = (typeof RUNTIME_ERROR_CODES)[number]

/**
 * Metadata of every runtime error. `failure` is the episode failure code the runner records when the
 * error ends a start: `policy_*` when the miner's artifact is at fault, `validator_*`/`network_*` otherwise.
 */
export interface RuntimeErrorMeta {
  [key: string]: unknown
  code: RuntimeErrorCode
  failure: FailureCode
  /** Runtime name (`process`, `bubblewrap`, `kubernetes`, `remote`). */
  runtime: string
  /** The policy source's label, when the error concerns one start. */
  label?: string
  reason: string
  /** The last captured output of the policy, when there was any. */
  logs?: string
}

/**
 * Errors raised by runtimes (`evaluator/src/runtime`). Branch on `err.code`, record `err.meta.failure`.
 *
 * @example
 * ```ts
 * try { await runtime.start(source, limits) } catch (err) {
 *   if (err instanceof RuntimeError) return recordFailure(err.meta.failure)
 *   throw err
 * }
 * ```
 */
export class RuntimeError extends KinitroError<RuntimeErrorMeta> {}

/** What the operator should do about each runtime code; mirrored in the evaluator README table. */
export const RUNTIME_ERROR_FIXES: Readonly<Record<RuntimeErrorCode, string>> = {
  EVAL_RUNTIME_POLICY_START_FAILED:
    "the miner's policy exited or could not be spawned; nothing to fix locally unless every policy fails (then check the command and that its interpreter is installed)",
  EVAL_RUNTIME_POLICY_UNHEALTHY:
    "the miner's policy never answered GET /health in time; raise startTimeoutMs only if healthy policies are slow on this machine",
  EVAL_RUNTIME_SANDBOX_UNAVAILABLE:
    "install bubblewrap (apt-get install bubblewrap) and allow unprivileged user namespaces (sysctl kernel.unprivileged_userns_clone=1), or set sandbox: 'auto'",
  EVAL_RUNTIME_INTERPRETER_UNREACHABLE:
    'install the interpreter where the sandbox user can read it (e.g. /usr or /opt, not under /root), or set runAsUid: null',
  EVAL_RUNTIME_UIDS_EXHAUSTED:
    'every uid of evaluator.runtime.uidRange runs a policy (of this or another process on the host); raise uidRange.count or run fewer policies at once; the job is retried',
  EVAL_RUNTIME_BAD_SOURCE: 'pass an existing policy directory and a non-empty command',
  EVAL_RUNTIME_IMAGE_NOT_PINNED: 'pin the policy image by digest (name@sha256:<64 hex>) in the commitment',
  EVAL_RUNTIME_INSECURE_REFUSED:
    'set runtimeClassName to a sandboxed RuntimeClass (gvisor, kata) installed in the cluster, or allowInsecure: true for development only',
  EVAL_RUNTIME_IMAGE_PULL_FAILED: 'check that the image digest exists and the cluster can reach its registry',
  EVAL_RUNTIME_UNSCHEDULABLE: 'add cluster capacity or lower the policy resource requests; the job is retried later',
  EVAL_RUNTIME_CLUSTER_ERROR:
    'check the kubeconfig, the namespace, and that the service account may create/delete pods and networkpolicies there',
  EVAL_RUNTIME_REMOTE_URL_REJECTED:
    'the committed policy URL must be http(s) and public; set allowPrivate/allowLoopback only on test networks',
  EVAL_RUNTIME_REMOTE_UNREACHABLE:
    "no connection to the miner-served URL after retries; check this validator's outbound network if every remote policy fails",
  EVAL_RUNTIME_ABORTED: 'the start was cancelled by its signal (shutdown, lease lost); nothing to fix',
  EVAL_RUNTIME_CLOSED: 'the runtime was closed; create a new one before starting policies',
}

/** Shorthand used by every runtime. */
export function runtimeError(meta: RuntimeErrorMeta, cause?: unknown): RuntimeError {
  return new RuntimeError(meta, `${meta.code}: ${meta.reason}`, cause === undefined ? undefined : { cause })
}
