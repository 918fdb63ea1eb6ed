/**
 * The closed set of episode failure codes carried in `EpisodeRecord.error` (and in job failures).
 *
 * The prefix says whose fault a failure is, because scoring must treat them differently: only `policy_*`
 * failures may count against a miner (and, in the mesh, only once another validator reproduces them);
 * `env_*`, `validator_*` and `network_*` failures are the evaluating side's problem and are re-run, not
 * scored.
 */
export const FAILURE_CODES = [
  // The miner's policy or artifact.
  'policy_start_failed', // the runtime could not start the policy (bad entry point, exits at once)
  'policy_health_failed', // GET /health never answered healthy within the start deadline
  'policy_connection_refused', // nothing listens where the policy should be
  'policy_crashed', // the policy process exited or reset the connection mid-episode
  'policy_reset_failed', // POST /reset failed or answered non-2xx
  'policy_timeout', // an /act (or /reset) answer missed its deadline
  'policy_http_error', // /act answered a non-2xx status
  'policy_bad_response', // not JSON, wrong content type, or the wrong shape
  'policy_invalid_action', // wrong keys, lengths, dtype, or non-finite numbers
  'policy_oversized_response', // the answer exceeded the byte limit
  'policy_episode_deadline', // the whole episode exceeded its wall-clock limit
  'policy_resource_limit', // killed by the sandbox for memory, CPU time or process count
  'policy_artifact_mismatch', // the artifact's SHA-256 differs from the commitment
  'policy_artifact_invalid', // the artifact is malformed, too large, or unpacks unsafely
  // The environment (simulator or remote environment container).
  'env_error', // the environment raised
  'env_unstable', // the simulation diverged (NaN state)
  'env_unavailable', // a remote environment container did not answer
  // The validator itself.
  'validator_internal', // a bug or unexpected exception on our side
  'validator_cancelled', // the evaluation was aborted (shutdown, lease lost)
  'validator_sandbox_unavailable', // the configured sandbox cannot run on this machine
  'validator_overloaded', // no capacity to run the episode in time
  // The network between the validator and something it does not control.
  'network_artifact_unavailable', // the artifact host did not serve the file
  'network_remote_unreachable', // a miner-served remote endpoint could not be reached
] as const

/** One of {@link FAILURE_CODES}. */
export type FailureCode = (typeof FAILURE_CODES)[number]

/** Who a failure is attributed to; the code's prefix. */
export type FailureParty = 'policy' | 'env' | 'validator' | 'network'

const CODES: ReadonlySet<string> = new Set(FAILURE_CODES)

/** True when `code` is one of {@link FAILURE_CODES}. */
export function isFailureCode(code: string): code is FailureCode {
  return CODES.has(code)
}

/** The party a failure code blames. */
export function failureParty(code: FailureCode): FailureParty {
  return code.slice(0, code.indexOf('_')) as FailureParty
}

/** True when a failure may count against the miner (a `policy_*` code). */
export function countsAgainstMiner(code: string): boolean {
  return isFailureCode(code) && failureParty(code) === 'policy'
}
