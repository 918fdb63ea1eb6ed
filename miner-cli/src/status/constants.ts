/** Numbers of `kinitro miner status` / `explain`, each with why it is what it is. */

/**
 * Per-request timeout against the indexer. Its routes answer from memory or one indexed SQLite query
 * (milliseconds); 10 s only covers a slow link, and a dead host fails fast enough to retry.
 */
export const STATUS_TIMEOUT_MS = 10_000

/**
 * Failed episodes scanned for failure codes, newest first. One page (the API caps pages at 1000): 500 is
 * several cycles of a competition (tasks × episodes per task × validators) and answers in one request.
 */
export const FAILED_EPISODE_SCAN = 500

/** The indexer's realtime feed, relative to its REST root (backend-indexer/src/feeds, `FEED_PATH`). */
export const FEED_PATH = 'v1/feed'

/** WebSocket handshake timeout; like a REST request, it is local work for the indexer. */
export const FEED_CONNECT_TIMEOUT_MS = 10_000
