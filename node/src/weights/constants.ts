/**
 * Tunables of the weight setter. Blocks, not milliseconds: the chain is the clock (style.md §11).
 */

/**
 * Default blocks between two weight updates: Subtensor's default tempo (one epoch, 360 blocks ≈ 72 min),
 * the cadence at which the chain consumes weights anyway.
 */
export const DEFAULT_WEIGHTS_INTERVAL_BLOCKS = 360

/** Attempts for one update (transient chain errors) before it gives up until the next interval. */
export const DEFAULT_WEIGHTS_MAX_ATTEMPTS = 5

/**
 * Backoff between attempts, in blocks: 1, 2, 4, … capped here. A block is ~12 s on Subtensor, so the cap
 * (16 blocks ≈ 3 min) keeps a flaky endpoint from delaying weights by more than a few minutes.
 */
export const WEIGHTS_RETRY_MAX_BLOCKS = 16

/** Blocks to wait after a refusal retrying cannot fix (not registered, no permit): one operator action. */
export const WEIGHTS_INELIGIBLE_RETRY_BLOCKS = 10

/**
 * u16 values in a CR v2 salt. The bittensor SDK uses 8 (`generate_weight_hash` salt of 8 u16s); the
 * salt only has to make the hash unguessable from the weights.
 */
export const WEIGHTS_SALT_LENGTH = 8

/** Chain error codes a retry may fix (network trouble, a stale nonce). Others wait for a change of state. */
export const TRANSIENT_CHAIN_CODES: ReadonlySet<string> = new Set([
  'CHAIN_CONNECTION_FAILED',
  'CHAIN_DISCONNECTED',
  'CHAIN_TIMEOUT',
  'CHAIN_TX_INVALID',
])
