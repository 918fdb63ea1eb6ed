import { MAX_SYNC_FRAME_BYTES, MAX_SYNC_ITEMS } from '../../constants.js'
import { defaultSyncLimits, type SyncLimits } from './constants.js'
import { SyncError } from './errors.js'

/** Merge `partial` over the defaults and check every field is a positive integer within protocol bounds. */
export function resolveSyncLimits(partial: Partial<SyncLimits> = {}): SyncLimits {
  const limits: SyncLimits = { ...defaultSyncLimits, ...partial }
  for (const [field, value] of Object.entries(limits)) {
    // rateLimitPerSecond may be fractional (one request per N seconds); everything else counts things or ms.
    const ok =
      field === 'rateLimitPerSecond' ? Number.isFinite(value) && value > 0 : Number.isSafeInteger(value) && value > 0
    if (!ok)
      throw new SyncError({ code: 'MESH_SYNC_INVALID_LIMITS', field, value }, `sync limit ${field} must be positive`)
  }
  if (limits.maxItemsPerPage > MAX_SYNC_ITEMS) {
    throw new SyncError({ code: 'MESH_SYNC_INVALID_LIMITS', field: 'maxItemsPerPage', value: limits.maxItemsPerPage })
  }
  // Above the protocol frame limit decodeSyncFrame refuses the frame anyway; say so at startup instead.
  if (limits.maxResponseBytes > MAX_SYNC_FRAME_BYTES['range-response']) {
    throw new SyncError({ code: 'MESH_SYNC_INVALID_LIMITS', field: 'maxResponseBytes', value: limits.maxResponseBytes })
  }
  return limits
}
