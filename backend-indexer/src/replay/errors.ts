import { KinitroError } from '#protocol'

/** Every code a {@link ReplayError} can carry; the backend-indexer README's errors table lists the same codes. */
export const INDEXER_REPLAY_ERROR_CODES = ['INDEXER_REPLAY_CORRUPT', 'INDEXER_REPLAY_TIMEOUT'] as const

/** One of {@link INDEXER_REPLAY_ERROR_CODES}. */
export type ReplayErrorCode = (typeof INDEXER_REPLAY_ERROR_CODES)[number]

/** Metadata per code: plain data, so the error survives `toObject()`. No URIs: they may carry credentials. */
export type ReplayErrorMeta =
  | { code: 'INDEXER_REPLAY_CORRUPT'; resultId: string; episodeIndex: number; reason: string }
  | { code: 'INDEXER_REPLAY_TIMEOUT'; resultId: string; episodeIndex: number; timeoutMs: number }

/**
 * Errors of the replay source (`backend-indexer/src/replay`). A trace that is missing or unreadable is not an
 * error (the source answers `undefined`); a trace that is there but does not check out is. Branch on `err.code`.
 *
 * @example
 * ```ts
 * try { doc = await replays.replay(id, 0) } catch (err) { if (hasCode(err, 'INDEXER_REPLAY_CORRUPT')) reply.code(422) }
 * ```
 */
export class ReplayError extends KinitroError<ReplayErrorMeta> {}

/** What the operator should do about each code; mirrored in the README table. */
export const INDEXER_REPLAY_ERROR_FIXES: Readonly<Record<ReplayErrorCode, string>> = {
  INDEXER_REPLAY_CORRUPT:
    'the stored trace fails its digests or does not re-simulate to the signed result; the validator that wrote it must rewrite it (or it was tampered with)',
  INDEXER_REPLAY_TIMEOUT: 'the trace took too long to fetch or re-simulate; retry, or raise the replay timeoutMs',
}

export function corrupt(resultId: string, episodeIndex: number, reason: string, cause?: unknown): ReplayError {
  return new ReplayError(
    { code: 'INDEXER_REPLAY_CORRUPT', resultId, episodeIndex, reason },
    `replay of ${resultId.slice(0, 16)}/${episodeIndex}: ${reason}`,
    cause === undefined ? undefined : { cause },
  )
}
