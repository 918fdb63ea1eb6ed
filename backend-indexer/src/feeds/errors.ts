import { KinitroError } from '#protocol'

/**
 * What to do about each feed error code. `API_FEED_*` reach clients as `{type:'error', code, message}`
 * frames; `INDEXER_FEED_*` are thrown to the code that builds or feeds the hub. The README "Errors" table
 * mirrors it (`test/unit/feeds/errors.test.ts`).
 */
export const FEED_ERROR_FIXES = {
  API_FEED_BAD_MESSAGE:
    'send one JSON object per text frame, under 4 KiB: op subscribe, unsubscribe or ping, with channel, id? and resume?',
  API_FEED_UNKNOWN_CHANNEL: 'subscribe to results, jobs, validators, scores, competition:<id> or miner:<ss58 hotkey>',
  API_FEED_TOO_MANY_SUBSCRIPTIONS: 'unsubscribe from channels you no longer need, or open a second connection',
  API_FEED_SNAPSHOT_FAILED: 'subscribe again; if it persists, the indexer log has the cause',
  INDEXER_FEED_BAD_EVENT:
    'publish a known kind, an array of channel names and JSON-serializable data (no bigint, no cycles)',
  INDEXER_FEED_BAD_OPTIONS: 'pass positive integers for the option the message names',
} as const

/** One feed error code. */
export type FeedErrorCode = keyof typeof FEED_ERROR_FIXES

/** Every code a {@link FeedError} can carry. */
export const FEED_ERROR_CODES = Object.keys(FEED_ERROR_FIXES) as readonly FeedErrorCode[]

/** Metadata per code: plain data, so the error survives `toObject()`. */
export type FeedErrorMeta =
  | { code: 'API_FEED_BAD_MESSAGE'; reason: string }
  | { code: 'API_FEED_UNKNOWN_CHANNEL'; channel: string }
  | { code: 'API_FEED_TOO_MANY_SUBSCRIPTIONS'; limit: number }
  | { code: 'API_FEED_SNAPSHOT_FAILED'; channel: string }
  | { code: 'INDEXER_FEED_BAD_EVENT'; reason: string }
  | { code: 'INDEXER_FEED_BAD_OPTIONS'; field: string; value: unknown }

/** Errors of the realtime feed hub (`backend-indexer/src/feeds`). Branch on `code`. */
export class FeedError extends KinitroError<FeedErrorMeta> {}
