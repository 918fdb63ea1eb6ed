import { KinitroError } from '../../errors.js'

/** Every code a {@link SyncError} can carry; README.md "## Errors" lists the same codes. */
export const MESH_SYNC_ERROR_CODES = [
  'MESH_SYNC_DIAL_FAILED',
  'MESH_SYNC_TIMEOUT',
  'MESH_SYNC_ABORTED',
  'MESH_SYNC_STREAM_FAILED',
  'MESH_SYNC_RESPONSE_TOO_LARGE',
  'MESH_SYNC_BAD_RESPONSE',
  'MESH_SYNC_WRONG_NETUID',
  'MESH_SYNC_RATE_LIMITED',
  'MESH_SYNC_BAD_REQUEST',
  'MESH_SYNC_INVALID_LIMITS',
] as const

/** One of {@link MESH_SYNC_ERROR_CODES}. */
export type SyncErrorCode = (typeof MESH_SYNC_ERROR_CODES)[number]

/** Which sync request an error belongs to. */
export type SyncMethod = 'status' | 'range' | 'by-id'

/** Which deadline expired (p2p.md §7: dial, time to first byte, whole response). */
export type SyncTimeoutPhase = 'dial' | 'ttfb' | 'total'

/** Metadata per code: plain data, so the error survives `toObject()`. Peer ids are strings. */
export type SyncErrorMeta =
  | { code: 'MESH_SYNC_DIAL_FAILED'; peer: string; method: SyncMethod; reason: string }
  | { code: 'MESH_SYNC_TIMEOUT'; peer: string; method: SyncMethod; phase: SyncTimeoutPhase; ms: number }
  | { code: 'MESH_SYNC_ABORTED'; peer: string; method: SyncMethod }
  | { code: 'MESH_SYNC_STREAM_FAILED'; peer: string; method: SyncMethod; reason: string }
  | { code: 'MESH_SYNC_RESPONSE_TOO_LARGE'; peer: string; method: SyncMethod; limit: number }
  | { code: 'MESH_SYNC_BAD_RESPONSE'; peer: string; method: SyncMethod; reason: string }
  | { code: 'MESH_SYNC_WRONG_NETUID'; peer: string; expected: number; actual: number }
  | { code: 'MESH_SYNC_RATE_LIMITED'; peer: string; method: SyncMethod }
  | { code: 'MESH_SYNC_BAD_REQUEST'; peer: string; method: SyncMethod; reason: string }
  | { code: 'MESH_SYNC_INVALID_LIMITS'; field: string; value: number }

/**
 * Errors of the catch-up sync protocols (`protocol/src/mesh/sync`). Branch on `err.code`.
 *
 * @example
 * ```ts
 * try { await client.status(peer) } catch (err) { if (hasCode(err, 'MESH_SYNC_TIMEOUT')) tryAnother() }
 * ```
 */
export class SyncError extends KinitroError<SyncErrorMeta> {}

/** What to do about each sync code; mirrored in README.md. */
export const MESH_SYNC_ERROR_FIXES: Readonly<Record<SyncErrorCode, string>> = {
  MESH_SYNC_DIAL_FAILED: 'check the peer is up, reachable and speaks /kinitro/sync/*/1; catch-up tries the next peer',
  MESH_SYNC_TIMEOUT:
    'the peer is slow or hanging; catch-up tries the next peer; raise the timeouts only for slow links',
  MESH_SYNC_ABORTED: 'the caller aborted (shutdown); nothing to fix',
  MESH_SYNC_STREAM_FAILED:
    'the peer reset or closed the stream (it refused the request: rate limit, bad request) ; retry later or elsewhere',
  MESH_SYNC_RESPONSE_TOO_LARGE: 'the peer sent a frame above the limit; it is buggy or hostile, use another peer',
  MESH_SYNC_BAD_RESPONSE:
    'the peer broke the sync protocol (bad frame, cursor loop, unrequested item); use another peer',
  MESH_SYNC_WRONG_NETUID: 'the peer serves another subnet; fix the bootstrap list or its netuid',
  MESH_SYNC_RATE_LIMITED: 'a peer asked faster than the per-peer token bucket allows; it should back off',
  MESH_SYNC_BAD_REQUEST: 'a peer sent a request frame that fails validateSyncFrame; it is buggy or hostile',
  MESH_SYNC_INVALID_LIMITS: 'pass positive integers for every sync limit (see defaultSyncLimits)',
}
