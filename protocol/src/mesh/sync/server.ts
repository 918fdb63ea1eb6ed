import type { Connection, Libp2p, Stream } from '@libp2p/interface'
import { lpStream } from '@libp2p/utils'
import { MAX_SYNC_FRAME_BYTES } from '../../constants.js'
import type { Logger } from '../../logger.js'
import { silentLogger } from '../../logger.js'
import { decodeSyncFrame, encodeSyncFrame } from '../../messages/sync.js'
import type { TopicName } from '../../messages/topics.js'
import { isValidationError } from '../../validation/errors.js'
import type { SyncFrameKind, SyncFrames } from '../../validation/sync.js'
import { SYNC_BOUNDS, SYNC_PROTOCOLS, type SyncLimits } from './constants.js'
import { SyncError, type SyncMethod } from './errors.js'
import { resolveSyncLimits } from './limits.js'
import type { SyncMetrics } from './metrics.js'
import { createTokenBucket } from './rate-limit.js'
import type { SyncSource } from './source.js'

/** Options of {@link registerSyncProtocols}. */
export interface SyncServerInit {
  /** Where answers come from: stored, already accepted messages only. */
  source: SyncSource
  /** Our subnet, reported in status so peers on another subnet stop syncing from us. */
  netuid: number
  /** @default defaultSyncLimits */
  limits?: Partial<SyncLimits>
  /** @default silentLogger */
  logger?: Logger
  metrics?: SyncMetrics
}

/** Inbound counters, for tests and health output. */
export interface SyncServerStats {
  served: number
  rateLimited: number
  badRequests: number
  failed: number
}

/** A registered server: `unregister()` removes the handlers (idempotent). */
export interface SyncServer {
  stats(): SyncServerStats
  unregister(): Promise<void>
}

type Outcome = 'served' | 'rate_limited' | 'bad_request' | 'failed'

const KINDS: { [M in SyncMethod]: { req: SyncFrameKind; res: SyncFrameKind } } = {
  status: { req: 'status-request', res: 'status-response' },
  range: { req: 'range-request', res: 'range-response' },
  'by-id': { req: 'by-id-request', res: 'by-id-response' },
}

/**
 * Serve `/kinitro/sync/{status,range,by-id}/1` on `node` from `init.source`. Each stream carries one
 * length-prefixed request and one length-prefixed response, then closes; a peer over its token bucket,
 * or sending a bad request, gets the stream reset (the frames have no error field).
 *
 * @example
 * ```ts
 * const server = await registerSyncProtocols(node, { source: syncSourceFromLog(log), netuid: 7 })
 * ```
 */
export async function registerSyncProtocols(node: Libp2p, init: SyncServerInit): Promise<SyncServer> {
  const limits = resolveSyncLimits(init.limits)
  const log = (init.logger ?? silentLogger).child('mesh:sync:server')
  const bucket = createTokenBucket({
    burst: limits.rateLimitBurst,
    perSecond: limits.rateLimitPerSecond,
    maxPeers: SYNC_BOUNDS.rateLimiterPeers,
  })
  const stats: SyncServerStats = { served: 0, rateLimited: 0, badRequests: 0, failed: 0 }
  const count = (method: SyncMethod, outcome: Outcome) => {
    if (outcome === 'served') stats.served++
    else if (outcome === 'rate_limited') stats.rateLimited++
    else if (outcome === 'bad_request') stats.badRequests++
    else stats.failed++
    init.metrics?.served.inc({ method, result: outcome })
  }

  const answer = {
    status: async (): Promise<SyncFrames['status-response']> => {
      const s = await init.source.status()
      return { netuid: init.netuid, headBlock: s.headBlock, oldestBlock: s.oldestBlock, messageCount: s.count }
    },
    range: async (req: SyncFrames['range-request']): Promise<SyncFrames['range-response']> => {
      const page = await init.source.range({
        topic: req.topic as TopicName, // validateSyncFrame checked isTopicName
        fromBlock: req.fromBlock,
        toBlock: req.toBlock,
        cursor: req.cursor.length === 0 ? undefined : req.cursor,
        limit: Math.min(req.limit, limits.maxItemsPerPage),
      })
      // Byte bound: when the page passes maxPageBytes, ask the source again for just the items that fit,
      // so the cursor it returns points right after them (its cursors are opaque; we cannot build one).
      const envelopes = fitPage(page.items, limits.maxPageBytes)
      if (envelopes.length < page.items.length) {
        const again = await init.source.range({
          topic: req.topic as TopicName,
          fromBlock: req.fromBlock,
          toBlock: req.toBlock,
          cursor: req.cursor.length === 0 ? undefined : req.cursor,
          limit: envelopes.length,
        })
        return {
          envelopes: fitPage(again.items, limits.maxPageBytes),
          nextCursor: again.nextCursor ?? new Uint8Array(0),
        }
      }
      return { envelopes, nextCursor: page.nextCursor ?? new Uint8Array(0) }
    },
    'by-id': async (req: SyncFrames['by-id-request']): Promise<SyncFrames['by-id-response']> => {
      const items = await init.source.byId(req.ids)
      return { envelopes: fitPage(items, limits.maxPageBytes) }
    },
  }

  const handler =
    (method: SyncMethod) =>
    async (stream: Stream, connection: Connection): Promise<void> => {
      const peer = connection.remotePeer.toString()
      if (!bucket.take(peer)) {
        count(method, 'rate_limited')
        log.debug('sync request rate limited', { method, peer })
        stream.abort(new SyncError({ code: 'MESH_SYNC_RATE_LIMITED', peer, method }))
        return
      }
      const { req, res } = KINDS[method]
      const signal = AbortSignal.timeout(limits.totalTimeoutMs)
      const lp = lpStream(stream, { maxDataLength: MAX_SYNC_FRAME_BYTES[req] })
      let request: SyncFrames[SyncFrameKind]
      try {
        request = decodeSyncFrame(req, (await lp.read({ signal })).subarray())
      } catch (err) {
        count(method, 'bad_request')
        log.debug('sync request refused', { method, peer, code: codeOf(err) })
        stream.abort(new SyncError({ code: 'MESH_SYNC_BAD_REQUEST', peer, method, reason: codeOf(err) }))
        return
      }
      try {
        // biome-ignore lint/suspicious/noExplicitAny: the KINDS table pairs each method with its frame kinds
        const response = await (answer[method] as (r: any) => Promise<any>)(request)
        await lp.write(encodeSyncFrame(res, response), { signal })
        await stream.close({ signal })
        count(method, 'served')
      } catch (err) {
        count(method, 'failed')
        log.debug('sync response failed', { method, peer, code: codeOf(err) })
        stream.abort(err instanceof Error ? err : new Error(String(err)))
      }
    }

  const opts = { maxInboundStreams: limits.maxInboundStreams, maxOutboundStreams: limits.maxOutboundStreams }
  const methods = Object.keys(SYNC_PROTOCOLS) as SyncMethod[]
  for (const m of methods) await node.handle(SYNC_PROTOCOLS[m], handler(m), opts)
  let registered = true
  return {
    stats: () => ({ ...stats }),
    async unregister() {
      if (!registered) return
      registered = false
      await node.unhandle(methods.map((m) => SYNC_PROTOCOLS[m]))
    },
  }
}

/** The longest prefix of `items` within `maxBytes`, but always at least one item (an envelope fits a frame). */
function fitPage(items: readonly Uint8Array[], maxBytes: number): Uint8Array[] {
  const out: Uint8Array[] = []
  let bytes = 0
  for (const item of items) {
    if (out.length > 0 && bytes + item.length > maxBytes) break
    bytes += item.length
    out.push(item)
  }
  return out
}

function codeOf(err: unknown): string {
  if (isValidationError(err)) return err.code
  if (err instanceof SyncError) return err.code
  return err instanceof Error ? err.name : 'unknown'
}
