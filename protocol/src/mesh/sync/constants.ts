import { MAX_SYNC_FRAME_BYTES, MAX_SYNC_ITEMS } from '../../constants.js'

/** Protocol ids (design §6). Not namespaced by netuid: the status handshake carries and checks it. */
export const SYNC_PROTOCOLS = {
  status: '/kinitro/sync/status/1',
  range: '/kinitro/sync/range/1',
  'by-id': '/kinitro/sync/by-id/1',
} as const

/** Bounds and deadlines for both sides of the sync protocols. Plain data (survives structuredClone). */
export interface SyncLimits {
  /** Dial + protocol negotiation deadline, ms. @default 5000 (Lodestar reqresp request/index.ts) */
  dialTimeoutMs: number
  /** Deadline from request sent to the first response byte, ms. @default 5000 (Lodestar) */
  ttfbTimeoutMs: number
  /** Deadline for one whole request/response, ms. @default 10000 (Lodestar) */
  totalTimeoutMs: number
  /** Items per range page: the client asks for this many and the server caps at it. @default 256 (p2p.md §7) */
  maxItemsPerPage: number
  /** Envelope bytes a server puts in one page (at least one item is always sent). @default 1 MiB (p2p.md §7) */
  maxPageBytes: number
  /** Largest response frame the client reads; larger ones are refused before buffering. @default 2 MiB */
  maxResponseBytes: number
  /** Pages one range walk may take before the client calls it a cursor loop. @default 10000 */
  maxPagesPerRange: number
  /** Per-peer inbound token bucket: burst size. @default 20 */
  rateLimitBurst: number
  /** Per-peer inbound token bucket: tokens added per second. @default 10 */
  rateLimitPerSecond: number
  /** Concurrent inbound streams per connection and protocol. @default 4 */
  maxInboundStreams: number
  /** Concurrent outbound streams per connection and protocol. @default 8 */
  maxOutboundStreams: number
}

/**
 * Defaults. Deadlines follow Lodestar (p2p.md §7); page bounds follow p2p.md §7 and stay under
 * MAX_SYNC_FRAME_BYTES so a full page always encodes; the bucket allows a catch-up burst of 20 pages then
 * 10 pages/s, far above what one honest catching-up peer needs.
 */
export const defaultSyncLimits: Readonly<SyncLimits> = {
  dialTimeoutMs: 5_000,
  ttfbTimeoutMs: 5_000,
  totalTimeoutMs: 10_000,
  maxItemsPerPage: MAX_SYNC_ITEMS,
  maxPageBytes: 1024 * 1024,
  maxResponseBytes: MAX_SYNC_FRAME_BYTES['range-response'],
  maxPagesPerRange: 10_000,
  rateLimitBurst: 20,
  rateLimitPerSecond: 10,
  maxInboundStreams: 4,
  maxOutboundStreams: 8,
}

/**
 * Declared backpressure (style §2.6): every bounded structure of the sync service, its bound and what
 * happens at the bound.
 */
export const SYNC_BOUNDS = {
  /** Peers tracked by the inbound rate limiter; at the bound the least recently seen peer is forgotten
   * (it gets a full bucket back, bounded harm: one burst). */
  rateLimiterPeers: 4096,
  /** Message ids remembered by one catch-up for de-duplication across peers; past it, items are simply
   * revalidated (the store is idempotent), so memory stays bounded on huge ranges. */
  catchUpSeenIds: 200_000,
} as const
