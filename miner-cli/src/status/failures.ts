/**
 * Episode failure codes (protocol's `FAILURE_CODES`, README "Episode failure codes") from the miner's side:
 * what each one means for its score and what to do. The test checks every code has a note.
 */
import { countsAgainstMiner, type FailureCode, failureParty, isFailureCode } from '#protocol'

/** What a failure code means for the miner, and the fix when it is the miner's to make. */
export const FAILURE_NOTES: Readonly<Record<FailureCode, string>> = {
  policy_start_failed:
    'your policy did not start: check the entry point in kinitro.json and run `kinitro miner eval` locally',
  policy_health_failed:
    'GET /health never answered healthy in time: make startup faster (load the model lazily) and answer /health at once',
  policy_connection_refused:
    'nothing listened on the port the runtime gave: bind to the PORT environment variable on 127.0.0.1',
  policy_crashed: 'the policy process exited mid-episode: check it for uncaught exceptions and memory growth',
  policy_reset_failed: 'POST /reset failed or answered non-2xx: make /reset accept the task and return 2xx',
  policy_timeout:
    'an /act or /reset answer missed its deadline: make each step faster (smaller model, no I/O per step)',
  policy_http_error:
    '/act answered a non-2xx status: the policy raised while acting; reproduce with `kinitro miner eval`',
  policy_bad_response:
    'the answer was not the JSON shape the contract asks for: compare with the template in `kinitro miner init`',
  policy_invalid_action: 'the action had wrong keys or lengths, or NaN/infinite numbers: clip and validate actions',
  policy_oversized_response: 'the answer exceeded the byte limit: send only the action',
  policy_episode_deadline: 'a whole episode ran past its wall-clock limit: act faster per step',
  policy_resource_limit:
    'the sandbox killed the policy for memory, CPU time or process count: shrink the model or its threads',
  policy_artifact_mismatch:
    'the downloaded archive’s SHA-256 differs from your commitment: package, upload and commit again from the same build',
  policy_artifact_invalid:
    'the archive is malformed, too large or unpacks unsafely, or the reference is wrong: rebuild with `kinitro miner package` and check `kinitro miner verify`',
  env_error: 'the environment raised; not your fault, and the episode is re-run, not scored',
  env_unstable: 'the simulation diverged; not your fault, and the episode is re-run, not scored',
  env_unavailable: 'a remote environment did not answer; not your fault, and the episode is re-run, not scored',
  validator_internal: 'a validator-side bug; not your fault, and the episode is re-run, not scored',
  validator_cancelled: 'the validator stopped the evaluation (shutdown, lease lost); it is re-run, not scored',
  validator_sandbox_unavailable: 'that validator cannot sandbox policies; another validator evaluates, not scored',
  validator_overloaded: 'the validator had no capacity in time; the episode is re-run, not scored',
  network_artifact_unavailable:
    'the validator could not download your artifact (host down, private repo, auth): make the repo or bucket public and check `kinitro miner verify`; not scored, retried',
  network_remote_unreachable: 'your remote endpoint was unreachable from the validator; not scored, retried',
}

/** One failure code seen in the miner's episodes, with its count and note. */
export interface FailureSummary {
  code: string
  count: number
  /** Whose fault the code says it is (`unknown` for codes this CLI does not know). */
  party: 'policy' | 'env' | 'validator' | 'network' | 'unknown'
  /** True for `policy_*`: reproduced by another validator, it counts as a failed episode. */
  countsAgainstMiner: boolean
  note: string
}

/** Count episode failure codes, most frequent first (then by code). */
export function summarizeFailures(codes: readonly string[]): FailureSummary[] {
  const counts = new Map<string, number>()
  for (const c of codes) counts.set(c, (counts.get(c) ?? 0) + 1)
  return [...counts]
    .map(([code, count]): FailureSummary => {
      const known = isFailureCode(code)
      return {
        code,
        count,
        party: known ? failureParty(code) : 'unknown',
        countsAgainstMiner: countsAgainstMiner(code),
        note: known ? FAILURE_NOTES[code] : 'a code this CLI does not know: upgrade it',
      }
    })
    .sort((a, b) => b.count - a.count || (a.code < b.code ? -1 : 1))
}
