/**
 * Catch-up sync over libp2p request/response (design §6, p2p.md §7): `/kinitro/sync/status/1`,
 * `/kinitro/sync/range/1` (block range + topic, paged) and `/kinitro/sync/by-id/1`. Works on any
 * libp2p 3 node; every fetched item goes through the caller's gossip validator.
 *
 * @example
 * ```ts
 * await registerSyncProtocols(node, { source: syncSourceFromLog(log), netuid: 7 })
 * const sync = createSyncClient(node, { netuid: 7 })
 * const summary = await sync.catchUp({ peers, topics: ['results'], fromBlock, toBlock, validate, store })
 * ```
 */

export type {
  CatchUpInit,
  CatchUpSummary,
  PeerCatchUpTally,
  PeerSyncStatus,
  SyncCallOptions,
  SyncClient,
  SyncClientInit,
  SyncPenaltyReason,
  SyncVerdict,
} from './client.js'
export { createSyncClient } from './client.js'
export type { SyncLimits } from './constants.js'
export { defaultSyncLimits, SYNC_BOUNDS, SYNC_PROTOCOLS } from './constants.js'
export type { SyncErrorCode, SyncErrorMeta, SyncMethod, SyncTimeoutPhase } from './errors.js'
export { MESH_SYNC_ERROR_CODES, MESH_SYNC_ERROR_FIXES, SyncError } from './errors.js'
export { resolveSyncLimits } from './limits.js'
export type { SyncMetrics } from './metrics.js'
export { getMetrics as getSyncMetrics } from './metrics.js'
export type { SyncServer, SyncServerInit, SyncServerStats } from './server.js'
export { registerSyncProtocols } from './server.js'
export type { SyncableLog, SyncRangePage, SyncRangeQuery, SyncSource, SyncStatus } from './source.js'
export { decodeBlockIdCursor, encodeBlockIdCursor, syncSourceFromLog } from './source.js'
