/** Tunables of the Subtensor adapter. Each names where its value comes from. */

/** Delay between WebSocket reconnect attempts; polkadot-js WsProvider's own default (`RETRY_DELAY`). */
export const RECONNECT_DELAY_MS = 2_500

/** How long the first connection plus metadata download may take (finney metadata is ~340 KB). */
export const CONNECT_TIMEOUT_MS = 30_000

/** Per-call ceiling for reads; a synced node answers storage reads in milliseconds. */
export const CALL_TIMEOUT_MS = 30_000

/** Ceiling from submission to inclusion: five 12 s blocks (reference/chain.md §1 block time). */
export const INCLUSION_TIMEOUT_MS = 60_000

/** Mortal era length in blocks, as the Bittensor SDK signs (reference/chain.md §11). */
export const MORTAL_ERA_PERIOD = 128

/** Largest `RawN` commitment field (commitments `types.rs`: Raw0..Raw128). */
export const RAW_COMMITMENT_MAX_BYTES = 128

/** Largest `BigRaw` commitment field (`BoundedVec<u8, 512>`, spec 424). */
export const BIG_RAW_COMMITMENT_MAX_BYTES = 512

/** Substrate signs the blake2-256 of a payload longer than this (sp-runtime `SignedPayload::using_encoded`). */
export const SIGN_PAYLOAD_HASH_THRESHOLD = 256

/** Resubmissions after a stale/future nonce before giving up (one resync is enough when we own the key). */
export const NONCE_RETRIES = 2

/** JSON-RPC error code of a transaction the pool refused (`author_submitExtrinsic`). */
export const RPC_INVALID_TRANSACTION = 1010

/** JSON-RPC error code of a transaction the pool already holds or outranks (`1014 Priority is too low`). */
export const RPC_TX_PRIORITY_TOO_LOW = 1014
