import { KinitroError } from '#protocol'

/**
 * What the operator should do about each weight-setter code; the README "Errors" table mirrors it and
 * `test/unit/error-tables.test.ts` keeps the two in sync.
 */
export const WEIGHTS_ERROR_FIXES = {
  NODE_WEIGHTS_BAD_OPTIONS: 'pass intervalBlocks ≥ 1, maxAttempts ≥ 1 and a registered hotkey signer',
  NODE_WEIGHTS_INPUTS_FAILED:
    'the scoring inputs could not be gathered or were refused by computeWeights; meta.reason names the cause',
  NODE_WEIGHTS_EMPTY: 'nobody can be paid yet (no accepted results for any registered miner); wait for results',
  NODE_WEIGHTS_NOT_ELIGIBLE:
    'register the hotkey, stake at least the stake threshold and hold a validator permit (meta.reason says which)',
  NODE_WEIGHTS_CR_UNSUPPORTED:
    'commit-reveal is on but this runtime has no commit_weights/reveal_weights; timelocked (v4) commits are not implemented yet',
  NODE_WEIGHTS_CHAIN_FAILED:
    'the chain refused or did not answer after the retries; meta.chainCode names the chain error',
  NODE_WEIGHTS_REVEAL_EXPIRED:
    'the reveal window passed (node stopped or chain unreachable for an epoch); the setter commits again',
  NODE_WEIGHTS_PUBLISH_FAILED: 'the announcement could not be published; the weights are on chain, check the mesh',
} as const

/** One weight-setter error code. */
export type WeightsErrorCode = keyof typeof WEIGHTS_ERROR_FIXES

/** Every code a {@link WeightsError} can carry. */
export const WEIGHTS_ERROR_CODES = Object.keys(WEIGHTS_ERROR_FIXES) as readonly WeightsErrorCode[]

/** Metadata per code: plain data, so the error survives `toObject()`. */
export type WeightsErrorMeta =
  | { code: 'NODE_WEIGHTS_BAD_OPTIONS'; field: string }
  | { code: 'NODE_WEIGHTS_INPUTS_FAILED'; reason: string }
  | { code: 'NODE_WEIGHTS_EMPTY'; inputsDigest: string }
  | { code: 'NODE_WEIGHTS_NOT_ELIGIBLE'; reason: 'not-registered' | 'no-validator-permit' | 'stake-too-low' }
  | { code: 'NODE_WEIGHTS_CR_UNSUPPORTED'; timelocked: boolean }
  | {
      code: 'NODE_WEIGHTS_CHAIN_FAILED'
      step: 'set' | 'commit' | 'reveal' | 'read'
      chainCode: string
      attempts: number
    }
  | { code: 'NODE_WEIGHTS_REVEAL_EXPIRED'; commitBlock: number; block: number }
  | { code: 'NODE_WEIGHTS_PUBLISH_FAILED'; block: number }

/** Errors of the weight setter (`node/src/weights`). Branch on `err.code`. */
export class WeightsError extends KinitroError<WeightsErrorMeta> {}
