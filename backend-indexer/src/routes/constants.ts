/**
 * Caps of the aggregate routes. They bound the work one request can cause; each is far above what a subnet
 * produces (256 uids, a few commitments per miner per day).
 */

/** Rows per store call when a route walks a whole list. */
export const SCAN_PAGE = 1000
/** Commitment rows `/v1/miners` reads at most (all miners' history). */
export const MAX_COMMITMENT_SCAN = 20_000
/** Commitment history rows `/v1/miners/:hotkey` returns, newest first. */
export const MINER_COMMITMENT_HISTORY = 1000
/** Jobs `/v1/miners/:hotkey` returns. */
export const MINER_RECENT_JOBS = 20
/** Results `/v1/validators/:hotkey` returns. */
export const VALIDATOR_RECENT_RESULTS = 20
/** A replay re-simulates up to a whole episode; past this the client is better served by an error. */
export const REPLAY_TIMEOUT_MS = 30_000
