/**
 * Tunable numbers of the realtime feed. Each carries where it came from; change one only with a
 * measurement (`npm run bench -- feed`) and update its comment.
 */

/** Route of the WebSocket feed (api-spec.md, "WebSocket feed"). */
export const FEED_PATH = '/v1/feed'

/**
 * Heartbeat period, ms (api-spec.md). Under the 60 s idle timeout of common reverse proxies (nginx
 * `proxy_read_timeout` default), so a quiet feed is never cut by one.
 */
export const DEFAULT_HEARTBEAT_MS = 15_000

/**
 * Frames one client may have waiting (queued by the hub or written but not yet taken by the kernel) before
 * it counts as a slow consumer (api-spec.md). At the 20 events/s design rate that is 100 s of backlog.
 */
export const DEFAULT_BUFFER_FRAMES = 2_000

/** Bytes one client may have waiting, hub queue plus socket buffer (api-spec.md: 1 MiB). */
export const DEFAULT_BUFFER_BYTES = 1 << 20

/**
 * Events kept for `resume` (feeds brief). ~1 KiB of JSON each, so ~10 MiB; at 20 events/s it covers a
 * reconnect gap of ~8 minutes.
 */
export const DEFAULT_HISTORY_EVENTS = 10_000

/** Subscriptions one connection may hold (feeds brief). A dashboard page needs fewer than ten. */
export const DEFAULT_MAX_SUBSCRIPTIONS = 32

/**
 * Largest client request the hub parses, bytes. The longest valid request (subscribe to a 128-byte
 * competition id with a 128-char id and a resume cursor) is under 400 B.
 */
export const MAX_CLIENT_MESSAGE_BYTES = 4_096

/**
 * `maxPayload` given to @fastify/websocket when the hub registers it: larger frames close the connection
 * with 1009 before they are buffered. Generous over {@link MAX_CLIENT_MESSAGE_BYTES}, which answers with an
 * error frame instead.
 */
export const WS_MAX_PAYLOAD_BYTES = 64 * 1024

/** Longest request id echoed back (`id` of subscribe/unsubscribe/ping), characters. */
export const MAX_REQUEST_ID_CHARS = 128

/**
 * Snapshots retried when the resume ring overran while a snapshot was being built (over
 * `historyEvents` events during one provider call); past it the client is asked to reconnect (1013).
 */
export const MAX_SNAPSHOT_ATTEMPTS = 3

/** How long close() waits for clients to answer the close handshake before cutting them, ms. */
export const CLOSE_GRACE_MS = 1_000

/** RFC 6455 §7.4.1 close codes the hub sends. */
export const CLOSE_GOING_AWAY = 1001
export const CLOSE_TRY_AGAIN_LATER = 1013

/** Close reason for a client over its buffer bound (api-spec.md). */
export const SLOW_CONSUMER_REASON = 'slow consumer'
