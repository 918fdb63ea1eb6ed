import { KinitroError, registerErrorFixes } from '#protocol'
import { DASHBOARD_ERROR_FIXES } from './dashboard/errors.js'
import { FEED_ERROR_FIXES } from './feeds/errors.js'
import { INDEXER_REPLAY_ERROR_FIXES } from './replay/errors.js'
import { INDEXER_STORE_ERROR_FIXES, STORE_API_ERROR_FIXES } from './store/errors.js'

/**
 * What a client (or the operator) should do about each REST error code. The README "Errors" table mirrors
 * it; `test/unit/api/errors.test.ts` keeps the two in step.
 */
export const API_ERROR_FIXES = {
  API_BAD_REQUEST: 'fix the parameter the message names (limits are 1..1000, ids are 64 lowercase hex digits)',
  API_NOT_FOUND: 'check the id or hotkey; the indexer may not have received that message yet',
  API_ROUTE_NOT_FOUND: 'check the method and path against /openapi.json',
  API_SCORES_UNAVAILABLE: 'wait for the first score computation (it runs once results and a metagraph are in)',
  API_REPLAY_UNAVAILABLE: 'the result stored no trace for that episode, or the indexer runs without replays',
  API_RATE_LIMITED: 'slow down: wait for the Retry-After seconds, or raise rateLimit.max on the indexer',
  API_INTERNAL: 'retry; if it persists, the indexer log has the cause under the request id',
} as const

/** One REST error code. */
export type ApiErrorCode = keyof typeof API_ERROR_FIXES

/** Every code an {@link ApiError} can carry. */
export const API_ERROR_CODES = Object.keys(API_ERROR_FIXES) as readonly ApiErrorCode[]

/** The HTTP status each code is answered with. */
export const API_ERROR_STATUS: Readonly<Record<ApiErrorCode, number>> = {
  API_BAD_REQUEST: 400,
  API_NOT_FOUND: 404,
  API_ROUTE_NOT_FOUND: 404,
  API_SCORES_UNAVAILABLE: 404,
  API_REPLAY_UNAVAILABLE: 404,
  API_RATE_LIMITED: 429,
  API_INTERNAL: 500,
}

/** Metadata per code: plain data, so the error survives `toObject()`. */
export type ApiErrorMeta =
  | { code: 'API_BAD_REQUEST'; part: string }
  | { code: 'API_NOT_FOUND'; resource: string; id: string }
  | { code: 'API_ROUTE_NOT_FOUND'; method: string; url: string }
  | { code: 'API_SCORES_UNAVAILABLE' }
  | { code: 'API_REPLAY_UNAVAILABLE'; resultId: string; episodeIndex: number }
  | { code: 'API_RATE_LIMITED'; max: number; timeWindowMs: number }
  | { code: 'API_INTERNAL' }

/**
 * An error the REST API answers with `{error: {code, message, statusCode}}`. Branch on `code`; the
 * status follows from it ({@link API_ERROR_STATUS}).
 */
export class ApiError extends KinitroError<ApiErrorMeta> {
  get statusCode(): number {
    return API_ERROR_STATUS[this.meta.code]
  }
}

/** How to fix every error code the indexer component can raise (REST, store, feed, dashboard). */
export const INDEXER_ERROR_FIXES: Readonly<Record<string, string>> = {
  ...API_ERROR_FIXES,
  ...STORE_API_ERROR_FIXES,
  ...INDEXER_STORE_ERROR_FIXES,
  ...FEED_ERROR_FIXES,
  ...DASHBOARD_ERROR_FIXES,
  ...INDEXER_REPLAY_ERROR_FIXES,
}

/** Every error code the indexer component can raise; README "Errors" documents each. */
export const INDEXER_ERROR_CODES: readonly string[] = Object.keys(INDEXER_ERROR_FIXES)

// One formatter (`describeError` in #protocol) prints "how to fix" for every component's codes.
registerErrorFixes(INDEXER_ERROR_FIXES)
