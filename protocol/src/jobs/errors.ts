import { KinitroError } from '../errors.js'

/** Every code a {@link JobsError} can carry; `README.md` "Errors" lists the same codes. */
export const JOBS_ERROR_CODES = [
  'JOBS_BAD_MANIFEST',
  'JOBS_BAD_INPUT',
  'JOBS_BLOCK_HASH_UNAVAILABLE',
  'JOBS_CHAIN_FAILED',
] as const

/** One of {@link JOBS_ERROR_CODES}. */
export type JobsErrorCode = (typeof JOBS_ERROR_CODES)[number]

/** Metadata per code: plain data, so the error survives `toObject()`. */
export type JobsErrorMeta =
  | { code: 'JOBS_BAD_MANIFEST'; competitionId: string; field: string }
  | { code: 'JOBS_BAD_INPUT'; field: string; reason: string }
  | { code: 'JOBS_BLOCK_HASH_UNAVAILABLE'; block: number }
  | { code: 'JOBS_CHAIN_FAILED'; call: string; reason: string }

/**
 * Errors raised by job derivation, assignment and the planner (`node/src/jobs`). Branch on `err.code`.
 *
 * @example
 * ```ts
 * try { cycleOf(block, manifest) } catch (err) { if (hasCode(err, 'JOBS_BAD_MANIFEST')) skip(manifest) }
 * ```
 */
export class JobsError extends KinitroError<JobsErrorMeta> {}

/** What to do about each code; mirrored in the README table. */
export const JOBS_ERROR_FIXES: Readonly<Record<JobsErrorCode, string>> = {
  JOBS_BAD_MANIFEST:
    'the manifest breaks a schedule rule (cycle_length_blocks ≥ 1, end_block 0 or ≥ start_block); validate manifests with validateContent before planning',
  JOBS_BAD_INPUT:
    'caller bug: pass R ≥ 1, unique validator hotkeys (SS58), integer capacities ≥ 0 and a 32-byte job id',
  JOBS_BLOCK_HASH_UNAVAILABLE:
    'the chain did not serve the cycle start block; use an archive-capable endpoint or wait for the block',
  JOBS_CHAIN_FAILED: 'check the chain endpoint; the planner retries on the next block',
}
