import { KinitroError } from '#protocol'

/** Every code a {@link CanaryError} can carry; `README.md` "Errors" lists the same codes. */
export const NODE_CANARY_ERROR_CODES = ['NODE_CANARY_BAD_INPUT', 'NODE_CANARY_ABORTED'] as const

/** One of {@link NODE_CANARY_ERROR_CODES}. */
export type CanaryErrorCode = (typeof NODE_CANARY_ERROR_CODES)[number]

/** Metadata per code: plain data, so the error survives `toObject()`. */
export type CanaryErrorMeta =
  | { code: 'NODE_CANARY_BAD_INPUT'; field: string; reason: string }
  | { code: 'NODE_CANARY_ABORTED'; competitionId: string; cycle: number }

/**
 * Errors raised by canary planning and the canary runner (`node/src/canary`). A canary that runs and
 * drifts is not an error: it is an unhealthy report. Branch on `err.code`.
 *
 * @example
 * ```ts
 * try { await runner.runCycle(input, { signal }) } catch (err) { if (hasCode(err, 'NODE_CANARY_ABORTED')) return }
 * ```
 */
export class CanaryError extends KinitroError<CanaryErrorMeta> {}

/** What to do about each code; mirrored in the README table. */
export const NODE_CANARY_ERROR_FIXES: Readonly<Record<CanaryErrorCode, string>> = {
  NODE_CANARY_BAD_INPUT:
    'caller bug: pass a u16 netuid, a cycle ≥ 0, a 32-byte cycle start hash, a manifest with tasks and episodesPerTask ≥ 1, and reference policies with unique names and bands in [0, 1]',
  NODE_CANARY_ABORTED: 'the canary run was cancelled (node stopping or caller signal); it runs again next cycle',
}

export function badInput(field: string, reason: string): CanaryError {
  return new CanaryError({ code: 'NODE_CANARY_BAD_INPUT', field, reason }, `canary ${field}: ${reason}`)
}
