import { KinitroError, registerErrorFixes } from '#protocol'

/** Every code a {@link StatusError} can carry; `README.md` in this folder documents the same codes. */
export const STATUS_ERROR_CODES = [
  'MINER_STATUS_INDEXER_UNREACHABLE',
  'MINER_STATUS_NOT_FOUND',
  'MINER_STATUS_COMPETITION_NOT_FOUND',
  'MINER_STATUS_SCORES_UNAVAILABLE',
  'MINER_STATUS_BAD_RESPONSE',
  'MINER_STATUS_FEED_FAILED',
  'MINER_STATUS_WATCH_TIMEOUT',
] as const

/** One of {@link STATUS_ERROR_CODES}. */
export type StatusErrorCode = (typeof STATUS_ERROR_CODES)[number]

/** What failed, against which indexer. */
export type StatusErrorMeta =
  | { code: 'MINER_STATUS_INDEXER_UNREACHABLE'; url: string; reason: string }
  | { code: 'MINER_STATUS_NOT_FOUND'; url: string; hotkey: string }
  | { code: 'MINER_STATUS_COMPETITION_NOT_FOUND'; url: string; competition: string }
  | { code: 'MINER_STATUS_SCORES_UNAVAILABLE'; url: string }
  | { code: 'MINER_STATUS_BAD_RESPONSE'; url: string; status: number; reason: string }
  | { code: 'MINER_STATUS_FEED_FAILED'; url: string; reason: string }
  | { code: 'MINER_STATUS_WATCH_TIMEOUT'; hotkey: string; seconds: number; until: string }

/** The indexer could not tell where the miner stands. */
export class StatusError extends KinitroError<StatusErrorMeta> {}

/** What to do about each code (the CLI prints it under the error). */
export const STATUS_ERROR_FIXES: Readonly<Record<StatusErrorCode, string>> = {
  MINER_STATUS_INDEXER_UNREACHABLE:
    'check the indexer URL (--indexer-url, KINITRO_INDEXER_URL or [indexer] url in kinitro-miner.toml) and that the indexer is running (`kinitro indexer run`, or the URL `kinitro devnet` printed)',
  MINER_STATUS_NOT_FOUND:
    'commit first (`kinitro miner commit`), then wait for the next block; check the hotkey (argument, or --wallet-name/--wallet-hotkey) and the subnet the indexer watches',
  MINER_STATUS_COMPETITION_NOT_FOUND:
    'use a competition id the indexer scores (`kinitro miner status` lists yours; /v1/competitions lists all), or drop --competition',
  MINER_STATUS_SCORES_UNAVAILABLE:
    "wait for the indexer's first score computation (it runs once results and a metagraph are in) and retry, or use `kinitro miner status --watch --until scored`",
  MINER_STATUS_BAD_RESPONSE:
    'check --indexer-url points at the indexer itself (not the dashboard or a proxy page); if it does, upgrade the CLI or the indexer so they match',
  MINER_STATUS_FEED_FAILED:
    'run the command again; if it persists, check the indexer log and that a proxy in between allows WebSockets',
  MINER_STATUS_WATCH_TIMEOUT:
    'check `kinitro miner status` for jobs and failures (validators may still be evaluating, or every episode failed), then watch again with a longer --timeout',
}

registerErrorFixes(STATUS_ERROR_FIXES)
