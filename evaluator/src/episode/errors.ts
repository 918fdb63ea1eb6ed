import { KinitroError } from '#protocol'

/** Every code an {@link EpisodeError} can carry; the evaluator README's error table lists the same codes. */
export const EPISODE_ERROR_CODES = ['EVAL_EPISODE_INVALID_OPTIONS', 'EVAL_EPISODE_ENV_UNKNOWN'] as const

/** One of {@link EPISODE_ERROR_CODES}. */
export type EpisodeErrorCode = (typeof EPISODE_ERROR_CODES)[number]

/** Metadata per code: plain data, so the error survives `toObject()` across worker boundaries. */
export type EpisodeErrorMeta =
  | { code: 'EVAL_EPISODE_INVALID_OPTIONS'; option: string; reason: string }
  | { code: 'EVAL_EPISODE_ENV_UNKNOWN'; envId: string; known: string[] }

/**
 * Configuration mistakes in running episodes or jobs (the operator's to fix). A policy's faults never
 * surface as this error: they end the episode with a `policy_*` failure code instead.
 */
export class EpisodeError extends KinitroError<EpisodeErrorMeta> {}

/** What the operator should do about each code. */
export const EPISODE_ERROR_FIXES: Readonly<Record<EpisodeErrorCode, string>> = {
  EVAL_EPISODE_INVALID_OPTIONS: 'fix the named option (positive integers for counts, at least one lane and one task)',
  EVAL_EPISODE_ENV_UNKNOWN:
    'use an env id the factory lists (`kinitro env list`), or register the family that provides it',
}
