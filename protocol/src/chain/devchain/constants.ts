/** Tunables of the embedded dev chain. */

/** Block interval when none is given: Subtensor's 12 s is too slow for a devnet, 1 s keeps logs readable. */
export const DEFAULT_DEV_BLOCK_TIME_MS = 1000

/** Port of `kinitro chain dev` (Subtensor's local ws port is 9944; we sit beside it). */
export const DEFAULT_DEV_CHAIN_PORT = 9945

/** Host the dev chain listens on: loopback, because the admin API has no authentication. */
export const DEFAULT_DEV_CHAIN_HOST = '127.0.0.1'

/** Netuids the dev chain creates at genesis. */
export const DEFAULT_DEV_NETUIDS: readonly number[] = [1]

/** Domain prefix of every signed dev chain call, so a signature made for anything else never verifies. */
export const DEV_CHAIN_SIGNING_DOMAIN = 'kinitro/devchain/v1'

/** First reconnect delay of the client's block stream; doubles per failure up to the max. */
export const RECONNECT_BASE_MS = 50

/** Longest reconnect delay: a restarted dev chain is picked up within a second. */
export const RECONNECT_MAX_MS = 1000

/** Time the client waits for one HTTP answer before `CHAIN_TIMEOUT` (local server: seconds are plenty). */
export const REQUEST_TIMEOUT_MS = 10_000

/** Largest request body the server parses (a 512-byte commitment in hex plus envelope fits 16 KiB many times). */
export const MAX_REQUEST_BYTES = 1_048_576

/** Blocks per page the feed reads from SQLite while replaying history to a reconnecting client. */
export const FEED_PAGE_BLOCKS = 1000
