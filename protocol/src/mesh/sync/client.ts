import type { Libp2p, PeerId, Stream } from '@libp2p/interface'
import { lpStream } from '@libp2p/utils'
import { equals } from 'uint8arrays/equals'
import { toString as toHex } from 'uint8arrays/to-string'
import { messageId } from '../../ids/message-id.js'
import type { Logger } from '../../logger.js'
import { silentLogger } from '../../logger.js'
import { decodeSyncFrame, encodeSyncFrame } from '../../messages/sync.js'
import type { TopicName } from '../../messages/topics.js'
import { isValidationError } from '../../validation/errors.js'
import type { SyncFrames } from '../../validation/sync.js'
import { SYNC_BOUNDS, SYNC_PROTOCOLS, type SyncLimits } from './constants.js'
import { SyncError, type SyncMethod } from './errors.js'
import { resolveSyncLimits } from './limits.js'
import type { SyncMetrics } from './metrics.js'
import type { SyncRangePage, SyncStatus } from './source.js'

/** Options of {@link createSyncClient}. */
export interface SyncClientInit {
  /** Our subnet; a peer whose status names another one is refused (`MESH_SYNC_WRONG_NETUID`). */
  netuid: number
  /** @default defaultSyncLimits */
  limits?: Partial<SyncLimits>
  /** @default silentLogger */
  logger?: Logger
  metrics?: SyncMetrics
}

/** Abort options of every client call. */
export interface SyncCallOptions {
  signal?: AbortSignal
}

/** A peer's status, with the subnet it serves. */
export interface PeerSyncStatus extends SyncStatus {
  netuid: number
}

/** Verdict of the caller's validation, the same one gossip uses. */
export type SyncVerdict = 'accept' | 'ignore' | 'reject'

/** Why catch-up penalised a peer. */
export type SyncPenaltyReason = 'rejected-item' | 'bad-response' | 'wrong-netuid'

/** Options of {@link SyncClient.catchUp}. */
export interface CatchUpInit extends SyncCallOptions {
  /** Peers to fetch from, in order of preference; the next one is tried when one fails. */
  peers: readonly PeerId[]
  topics: readonly TopicName[]
  fromBlock: number
  /** Inclusive. */
  toBlock: number
  /** Runs on EVERY fetched item (the gossip validator, in sync mode). Throwing counts as 'ignore'. */
  validate: (envelope: Uint8Array) => Promise<SyncVerdict>
  /** Stores an accepted item; must be idempotent. A throw aborts the catch-up (a local failure). */
  store: (envelope: Uint8Array) => Promise<void>
  /**
   * True for a message id the caller already holds: the item is counted `known` and neither validated nor
   * stored again. Catch-up windows overlap and peers serve what gossip already delivered, so most items are
   * known (the scale simulation: catch-up re-checked and re-wrote ~2.7× the gossip traffic).
   */
  known?: (id: Uint8Array) => boolean
  /** Told when a peer is penalised (feed it to peer scoring). The peer is also disconnected. */
  onPenalty?: (peer: PeerId, reason: SyncPenaltyReason) => void
}

/** Per-peer counts of one catch-up. */
export interface PeerCatchUpTally {
  fetched: number
  accepted: number
  ignored: number
  rejected: number
  /** Requests that failed (timeout, reset, bad response); each moved catch-up to the next peer. */
  failures: number
  /** Code of the last failure, when there was one. */
  lastError?: string
  penalised: boolean
}

/** What a catch-up did. `complete` is false when some topic could not be fetched from any peer. */
export interface CatchUpSummary {
  fetched: number
  accepted: number
  ignored: number
  rejected: number
  /** Items already handled in this catch-up (seen from an earlier peer), not validated twice. */
  duplicates: number
  /** Items the caller already held before this catch-up (`known`), skipped without validation. */
  known: number
  byPeer: Record<string, PeerCatchUpTally>
  incompleteTopics: TopicName[]
  complete: boolean
}

/** The client side of `/kinitro/sync/*\/1`. */
export interface SyncClient {
  status(peer: PeerId, opts?: SyncCallOptions): Promise<PeerSyncStatus>
  /** Pages of a block range of one topic, one request per page, following cursors until exhausted. */
  range(
    peer: PeerId,
    topic: TopicName,
    fromBlock: number,
    toBlock: number,
    opts?: SyncCallOptions,
  ): AsyncGenerator<SyncRangePage, void, undefined>
  /** The envelopes among `ids` the peer has. Each returned item hashes to a requested id (checked);
   * the items are NOT validated: run them through the gossip validator. */
  byId(peer: PeerId, ids: readonly Uint8Array[], opts?: SyncCallOptions): Promise<Uint8Array[]>
  /** Fetch a block range of several topics, validating and storing every item; see {@link CatchUpSummary}. */
  catchUp(init: CatchUpInit): Promise<CatchUpSummary>
}

const KINDS = {
  status: { req: 'status-request', res: 'status-response' },
  range: { req: 'range-request', res: 'range-response' },
  'by-id': { req: 'by-id-request', res: 'by-id-response' },
} as const

type Req<M extends SyncMethod> = SyncFrames[(typeof KINDS)[M]['req']]
type Res<M extends SyncMethod> = SyncFrames[(typeof KINDS)[M]['res']]

/** Peer misbehaviour found by the client itself (not a transport failure). */
const MISBEHAVIOUR = new Set(['MESH_SYNC_BAD_RESPONSE', 'MESH_SYNC_RESPONSE_TOO_LARGE', 'MESH_SYNC_WRONG_NETUID'])

/**
 * A sync client over any libp2p 3 node. Every request opens one stream, writes one length-prefixed
 * frame, reads one back (refusing frames over `maxResponseBytes` from the length prefix, before
 * buffering), under dial / TTFB / total deadlines.
 *
 * @example
 * ```ts
 * const sync = createSyncClient(node, { netuid: 7 })
 * const summary = await sync.catchUp({ peers, topics: ['jobs', 'results'], fromBlock, toBlock, validate, store })
 * ```
 */
export function createSyncClient(node: Libp2p, init: SyncClientInit): SyncClient {
  const limits = resolveSyncLimits(init.limits)
  const log = (init.logger ?? silentLogger).child('mesh:sync:client')

  async function request<M extends SyncMethod>(
    peer: PeerId,
    method: M,
    frame: Req<M>,
    outer?: AbortSignal,
  ): Promise<Res<M>> {
    const p = peer.toString()
    try {
      const res = await requestOnce(p, peer, method, frame, outer)
      init.metrics?.requests.inc({ method, result: 'ok' })
      return res
    } catch (err) {
      init.metrics?.requests.inc({ method, result: err instanceof SyncError ? err.code : 'unknown' })
      throw err
    }
  }

  async function requestOnce<M extends SyncMethod>(
    p: string,
    peer: PeerId,
    method: M,
    frame: Req<M>,
    outer?: AbortSignal,
  ): Promise<Res<M>> {
    const { req, res } = KINDS[method]
    // encodeSyncFrame's generic needs the literal kind; the KINDS table keeps kind and frame paired.
    const bytes = encodeSyncFrame(req, frame as never)
    const total = AbortSignal.timeout(limits.totalTimeoutMs)
    const dialTimeout = AbortSignal.timeout(limits.dialTimeoutMs)
    const fail = (phase: 'dial' | 'io', err: unknown): SyncError => {
      if (outer?.aborted) return new SyncError({ code: 'MESH_SYNC_ABORTED', peer: p, method })
      if (total.aborted) {
        return new SyncError({ code: 'MESH_SYNC_TIMEOUT', peer: p, method, phase: 'total', ms: limits.totalTimeoutMs })
      }
      if (phase === 'dial') {
        if (dialTimeout.aborted) {
          return new SyncError({ code: 'MESH_SYNC_TIMEOUT', peer: p, method, phase: 'dial', ms: limits.dialTimeoutMs })
        }
        return new SyncError({ code: 'MESH_SYNC_DIAL_FAILED', peer: p, method, reason: nameOf(err) }, undefined, {
          cause: err,
        })
      }
      if (ttfb.signal.aborted) {
        return new SyncError({ code: 'MESH_SYNC_TIMEOUT', peer: p, method, phase: 'ttfb', ms: limits.ttfbTimeoutMs })
      }
      if (err instanceof SyncError) return err
      if (nameOf(err) === 'InvalidDataLengthError' || nameOf(err) === 'InvalidDataLengthLengthError') {
        return new SyncError({ code: 'MESH_SYNC_RESPONSE_TOO_LARGE', peer: p, method, limit: limits.maxResponseBytes })
      }
      if (isValidationError(err)) {
        return new SyncError({ code: 'MESH_SYNC_BAD_RESPONSE', peer: p, method, reason: err.code })
      }
      return new SyncError({ code: 'MESH_SYNC_STREAM_FAILED', peer: p, method, reason: nameOf(err) }, undefined, {
        cause: err,
      })
    }
    const ttfb = new AbortController()
    let stream: Stream
    try {
      stream = await node.dialProtocol(peer, SYNC_PROTOCOLS[method], {
        signal: anySignal(outer, total, dialTimeout),
      })
    } catch (err) {
      throw fail('dial', err)
    }
    // TTFB: the timer runs from the request write until the first response bytes arrive.
    const timer = setTimeout(() => ttfb.abort(), limits.ttfbTimeoutMs)
    const firstByte = () => clearTimeout(timer)
    stream.addEventListener('message', firstByte, { once: true })
    const signal = anySignal(outer, total, ttfb.signal)
    try {
      const lp = lpStream(stream, { maxDataLength: limits.maxResponseBytes })
      await lp.write(bytes, { signal })
      const body = (await lp.read({ signal })).subarray()
      const decoded = decodeSyncFrame(res, body) as Res<M>
      await stream.close({ signal }).catch(() => {})
      return decoded
    } catch (err) {
      const e = fail('io', err)
      stream.abort(e)
      throw e
    } finally {
      clearTimeout(timer)
      stream.removeEventListener('message', firstByte)
    }
  }

  const bad = (peer: PeerId, method: SyncMethod, reason: string) =>
    new SyncError(
      { code: 'MESH_SYNC_BAD_RESPONSE', peer: peer.toString(), method, reason },
      `bad sync response: ${reason}`,
    )

  const client: SyncClient = {
    async status(peer, opts = {}) {
      const r = await request(peer, 'status', {}, opts.signal)
      return { netuid: r.netuid, headBlock: r.headBlock, oldestBlock: r.oldestBlock, count: r.messageCount }
    },

    async *range(peer, topic, fromBlock, toBlock, opts = {}) {
      let cursor: Uint8Array = new Uint8Array(0)
      for (let page = 0; ; page++) {
        if (page >= limits.maxPagesPerRange) throw bad(peer, 'range', 'too many pages')
        const r = await request(
          peer,
          'range',
          { topic, fromBlock, toBlock, cursor, limit: limits.maxItemsPerPage },
          opts.signal,
        )
        if (r.envelopes.length > limits.maxItemsPerPage) throw bad(peer, 'range', 'page over limit')
        const more = r.nextCursor.length > 0
        // A cursor that does not move, or a page that is empty yet claims more, would loop forever.
        if (more && (r.envelopes.length === 0 || equals(r.nextCursor, cursor))) throw bad(peer, 'range', 'cursor loop')
        yield more ? { items: r.envelopes, nextCursor: r.nextCursor } : { items: r.envelopes }
        if (!more) return
        cursor = r.nextCursor
      }
    },

    async byId(peer, ids, opts = {}) {
      const wanted = new Set(ids.map((id) => toHex(id, 'base16')))
      const r = await request(peer, 'by-id', { ids: [...ids] }, opts.signal)
      const got = new Set<string>()
      for (const env of r.envelopes) {
        const id = toHex(messageId(env), 'base16')
        if (!wanted.has(id) || got.has(id)) throw bad(peer, 'by-id', 'unrequested or repeated item')
        got.add(id)
      }
      return r.envelopes
    },

    async catchUp(c) {
      const summary: CatchUpSummary = {
        fetched: 0,
        accepted: 0,
        ignored: 0,
        rejected: 0,
        duplicates: 0,
        known: 0,
        byPeer: {},
        incompleteTopics: [],
        complete: true,
      }
      const tallyOf = (peer: PeerId): PeerCatchUpTally => {
        const key = peer.toString()
        let t = summary.byPeer[key]
        if (t === undefined) {
          t = { fetched: 0, accepted: 0, ignored: 0, rejected: 0, failures: 0, penalised: false }
          summary.byPeer[key] = t
        }
        return t
      }
      const penalise = async (peer: PeerId, reason: SyncPenaltyReason) => {
        tallyOf(peer).penalised = true
        log.info('sync peer penalised', { peer: peer.toString(), reason })
        c.onPenalty?.(peer, reason)
        await node.hangUp(peer).catch(() => {})
      }
      const checked = new Set<string>()
      const seen = new Set<string>()
      for (const topic of c.topics) {
        let done = false
        for (const peer of c.peers) {
          const tally = tallyOf(peer)
          if (tally.penalised) continue
          let storeError: { err: unknown } | undefined
          try {
            if (!checked.has(peer.toString())) {
              const st = await client.status(peer, { signal: c.signal })
              if (st.netuid !== init.netuid) {
                throw new SyncError({
                  code: 'MESH_SYNC_WRONG_NETUID',
                  peer: peer.toString(),
                  expected: init.netuid,
                  actual: st.netuid,
                })
              }
              checked.add(peer.toString())
            }
            for await (const page of client.range(peer, topic, c.fromBlock, c.toBlock, { signal: c.signal })) {
              for (const item of page.items) {
                summary.fetched++
                tally.fetched++
                const id = messageId(item)
                const key = toHex(id, 'base16')
                if (seen.has(key)) {
                  summary.duplicates++
                  init.metrics?.items.inc({ verdict: 'duplicate' })
                  continue
                }
                if (c.known?.(id) === true) {
                  summary.known++
                  init.metrics?.items.inc({ verdict: 'known' })
                  if (seen.size < SYNC_BOUNDS.catchUpSeenIds) seen.add(key)
                  continue
                }
                const verdict = await c.validate(item).catch((err: unknown) => {
                  log.debug('sync validate threw', { topic, err: nameOf(err) })
                  return 'ignore' as const
                })
                init.metrics?.items.inc({ verdict })
                if (verdict === 'reject') {
                  summary.rejected++
                  tally.rejected++
                  throw new RejectedItem()
                }
                if (verdict === 'accept') {
                  try {
                    await c.store(item)
                  } catch (err) {
                    storeError = { err }
                    throw err
                  }
                  summary.accepted++
                  tally.accepted++
                } else {
                  summary.ignored++
                  tally.ignored++
                }
                if (seen.size < SYNC_BOUNDS.catchUpSeenIds) seen.add(key)
              }
            }
            done = true
            break
          } catch (err) {
            if (storeError !== undefined) throw storeError.err
            if (c.signal?.aborted) {
              throw new SyncError({ code: 'MESH_SYNC_ABORTED', peer: peer.toString(), method: 'range' })
            }
            tally.failures++
            tally.lastError =
              err instanceof RejectedItem ? 'rejected-item' : err instanceof SyncError ? err.code : nameOf(err)
            log.debug('sync peer failed, trying next', { peer: peer.toString(), topic, code: tally.lastError })
            if (err instanceof RejectedItem) await penalise(peer, 'rejected-item')
            else if (err instanceof SyncError && MISBEHAVIOUR.has(err.code)) {
              await penalise(peer, err.code === 'MESH_SYNC_WRONG_NETUID' ? 'wrong-netuid' : 'bad-response')
            }
          }
        }
        if (!done) summary.incompleteTopics.push(topic)
      }
      summary.complete = summary.incompleteTopics.length === 0
      if (!summary.complete) log.warn('sync catch-up incomplete', { topics: summary.incompleteTopics })
      return summary
    },
  }
  return client
}

/** Thrown inside catch-up when a peer served an item the validator rejects. */
class RejectedItem extends Error {}

function anySignal(...signals: (AbortSignal | undefined)[]): AbortSignal {
  return AbortSignal.any(signals.filter((s): s is AbortSignal => s !== undefined))
}

function nameOf(err: unknown): string {
  if (err instanceof SyncError) return err.code
  return err instanceof Error ? err.name : 'unknown'
}
