import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { KinitroError } from '../../../src/errors.js'
import { MESH_SYNC_ERROR_CODES, MESH_SYNC_ERROR_FIXES, SyncError } from '../../../src/mesh/sync/errors.js'
import { resolveSyncLimits } from '../../../src/mesh/sync/limits.js'
import { createTokenBucket } from '../../../src/mesh/sync/rate-limit.js'
import {
  decodeBlockIdCursor,
  encodeBlockIdCursor,
  type SyncableLog,
  syncSourceFromLog,
} from '../../../src/mesh/sync/source.js'

describe('sync errors', () => {
  it('has a fix for exactly the listed codes, and the README table lists the same codes', () => {
    expect(Object.keys(MESH_SYNC_ERROR_FIXES).sort()).toEqual([...MESH_SYNC_ERROR_CODES].sort())
    const readme = readFileSync(resolve(import.meta.dirname, '../../../src/mesh/sync/README.md'), 'utf8')
    const section = readme.split(/^## Errors\b.*$/m)[1] ?? ''
    const documented = [...section.matchAll(/^\|\s*`([A-Z][A-Z0-9_]+)`\s*\|/gm)].map((m) => m[1])
    expect(documented.sort()).toEqual([...MESH_SYNC_ERROR_CODES].sort())
  })

  it('is a KinitroError that survives toObject/fromObject', () => {
    const err = new SyncError({ code: 'MESH_SYNC_TIMEOUT', peer: 'p', method: 'range', phase: 'ttfb', ms: 5 })
    expect(err).toBeInstanceOf(KinitroError)
    const back = KinitroError.fromObject(structuredClone(err.toObject()))
    expect(back.name).toBe('SyncError')
    expect(back.meta).toMatchObject({ code: 'MESH_SYNC_TIMEOUT', phase: 'ttfb' })
  })
})

describe('sync limits', () => {
  it('refuses non-positive and out-of-protocol limits', () => {
    expect(() => resolveSyncLimits({ ttfbTimeoutMs: 0 })).toThrow(SyncError)
    expect(() => resolveSyncLimits({ maxItemsPerPage: 257 })).toThrow(SyncError)
    expect(() => resolveSyncLimits({ maxResponseBytes: 3 * 1024 * 1024 })).toThrow(SyncError)
    expect(resolveSyncLimits({ rateLimitPerSecond: 0.5 }).rateLimitPerSecond).toBe(0.5)
  })
})

describe('token bucket', () => {
  it('allows a burst, refills over time, per key, and bounds the keys it tracks', () => {
    let t = 0
    const b = createTokenBucket({ burst: 2, perSecond: 1, maxPeers: 2, now: () => t })
    expect([b.take('a'), b.take('a'), b.take('a')]).toEqual([true, true, false])
    expect(b.take('b')).toBe(true)
    t = 1000
    expect(b.take('a')).toBe(true)
    expect(b.take('a')).toBe(false)
    // A third key evicts the least recently seen ('b'), which comes back with a full bucket.
    expect(b.take('c')).toBe(true)
    expect(b.take('b')).toBe(true)
    expect(b.take('b')).toBe(true)
  })
})

describe('MessageLog adapter', () => {
  it('round-trips cursors and refuses malformed ones', () => {
    const id = new Uint8Array(32).fill(7)
    expect(decodeBlockIdCursor(encodeBlockIdCursor({ block: 123_456, id }))).toEqual({ block: 123_456, id })
    expect(decodeBlockIdCursor(new Uint8Array(5))).toBeUndefined()
  })

  it('maps status, range (with cursors) and by-id onto a log', () => {
    const rows = [3, 5, 5, 9].map((block, i) => ({
      block,
      id: new Uint8Array(32).fill(i),
      envelope: Uint8Array.of(i + 1),
    }))
    const log: SyncableLog = {
      range(q) {
        const after = (r: (typeof rows)[number]) =>
          q.cursor === undefined
            ? true
            : r.block > q.cursor.block || (r.block === q.cursor.block && (r.id[0] ?? 0) > (q.cursor.id[0] ?? 0))
        const match = rows.filter((r) => r.block >= q.fromBlock && r.block <= q.toBlock && after(r))
        const entries = match.slice(0, q.limit)
        const last = entries.at(-1)
        return last !== undefined && entries.length === q.limit
          ? { entries, next: { block: last.block, id: last.id } }
          : { entries }
      },
      get: (id) => rows.find((r) => r.id[0] === id[0]),
      count: () => rows.length,
      headBlock: () => 9,
    }
    const src = syncSourceFromLog(log)
    expect(src.status()).toEqual({ headBlock: 9, oldestBlock: 3, count: 4 })
    const p1 = src.range({ topic: 'results', fromBlock: 0, toBlock: 100, limit: 2 }) as {
      items: Uint8Array[]
      nextCursor?: Uint8Array
    }
    expect(p1.items.map((e) => e[0])).toEqual([1, 2])
    const p2 = src.range({ topic: 'results', fromBlock: 0, toBlock: 100, limit: 2, cursor: p1.nextCursor }) as {
      items: Uint8Array[]
    }
    expect(p2.items.map((e) => e[0])).toEqual([3, 4])
    expect(
      (src.byId([new Uint8Array(32).fill(2), new Uint8Array(32).fill(99)]) as Uint8Array[]).map((e) => e[0]),
    ).toEqual([3])
  })
})
