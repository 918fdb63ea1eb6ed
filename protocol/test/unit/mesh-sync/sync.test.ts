import type { Libp2p } from '@libp2p/interface'
import { lpStream } from '@libp2p/utils'
import { Registry } from 'prom-client'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { MAX_SYNC_FRAME_BYTES } from '../../../src/constants.js'
import { initCrypto } from '../../../src/identity/signer.js'
import { createSyncClient } from '../../../src/mesh/sync/client.js'
import { SYNC_PROTOCOLS } from '../../../src/mesh/sync/constants.js'
import { SyncError } from '../../../src/mesh/sync/errors.js'
import { getMetrics as getSyncMetrics } from '../../../src/mesh/sync/metrics.js'
import { registerSyncProtocols } from '../../../src/mesh/sync/server.js'
import { forge, type Item, idOf, makeItems, makeNode, memorySource, NETUID, validateItem, waitFor } from './helpers.js'

const nodes: Libp2p[] = []

async function node(): Promise<Libp2p> {
  const n = await makeNode()
  nodes.push(n)
  return n
}

/** A client node already connected to each of `servers`. */
async function clientOf(...servers: Libp2p[]): Promise<Libp2p> {
  const c = await node()
  for (const s of servers) await c.dial(s.getMultiaddrs())
  return c
}

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p
  } catch (err) {
    expect(err).toBeInstanceOf(SyncError)
    return (err as SyncError).code
  }
  throw new Error('expected a SyncError')
}

/** A recording store: what catch-up stored, by message id. */
function recordingStore() {
  const stored = new Map<string, Uint8Array>()
  return { stored, store: async (e: Uint8Array) => void stored.set(idOf(e), e) }
}

beforeAll(async () => {
  await initCrypto()
})

afterEach(async () => {
  await Promise.all(nodes.splice(0).map((n) => n.stop()))
})

describe('sync protocols over real TCP', () => {
  it('status round trip reports the source and our netuid', async () => {
    const items = makeItems(5, 200)
    const server = await node()
    await registerSyncProtocols(server, { source: memorySource(items), netuid: NETUID })
    const c = await clientOf(server)
    const st = await createSyncClient(c, { netuid: NETUID }).status(server.peerId)
    expect(st).toEqual({ netuid: NETUID, headBlock: 204, oldestBlock: 200, count: 5 })
  })

  it('serves a range in pages (item and byte bounds) and catch-up stores every item', async () => {
    const items = makeItems(40)
    const server = await node()
    const source = memorySource(items)
    const srv = await registerSyncProtocols(server, { source, netuid: NETUID })
    const c = await clientOf(server)
    const sync = createSyncClient(c, { netuid: NETUID, limits: { maxItemsPerPage: 16 } })

    const sizes: number[] = []
    for await (const page of sync.range(server.peerId, 'status', 0, 10_000)) sizes.push(page.items.length)
    expect(sizes).toEqual([16, 16, 8])
    // Another topic is empty: the topic filter reaches the source.
    const other: number[] = []
    for await (const page of sync.range(server.peerId, 'results', 0, 10_000)) other.push(page.items.length)
    expect(other).toEqual([0])

    const { stored, store } = recordingStore()
    const summary = await sync.catchUp({
      peers: [server.peerId],
      topics: ['status'],
      fromBlock: 0,
      toBlock: 10_000,
      validate: validateItem,
      store,
    })
    expect(summary).toMatchObject({ fetched: 40, accepted: 40, rejected: 0, ignored: 0, complete: true })
    expect([...stored.keys()].sort()).toEqual(items.map((i) => i.id).sort())
    // 3 range pages per walk, twice (once by hand, once by catch-up), plus the empty topic.
    expect(source.rangeCalls.filter((q) => q.topic === 'status')).toHaveLength(6)
    expect(srv.stats().served).toBe(1 + 3 + 1 + 3)
  })

  it('skips items the caller already holds (known): counted, neither validated nor stored again', async () => {
    const items = makeItems(30)
    const server = await node()
    await registerSyncProtocols(server, { source: memorySource(items), netuid: NETUID })
    const c = await clientOf(server)
    const held = new Set(items.slice(0, 20).map((i) => i.id))
    const validated: string[] = []
    const { stored, store } = recordingStore()
    const summary = await createSyncClient(c, { netuid: NETUID }).catchUp({
      peers: [server.peerId],
      topics: ['status'],
      fromBlock: 0,
      toBlock: 10_000,
      known: (id) => held.has(Buffer.from(id).toString('hex')),
      validate: async (e) => {
        validated.push(idOf(e))
        return validateItem(e)
      },
      store,
    })
    expect(summary).toMatchObject({ fetched: 30, known: 20, accepted: 10, complete: true })
    const fresh = items
      .slice(20)
      .map((i) => i.id)
      .sort()
    expect(validated.sort()).toEqual(fresh)
    expect([...stored.keys()].sort()).toEqual(fresh)
  })

  it('a server cuts pages at maxPageBytes without losing items', async () => {
    const items = makeItems(10)
    const server = await node()
    const itemBytes = Math.max(...items.map((i) => i.envelope.length))
    await registerSyncProtocols(server, {
      source: memorySource(items),
      netuid: NETUID,
      limits: { maxPageBytes: itemBytes * 3 + 1 },
    })
    const c = await clientOf(server)
    const got: string[] = []
    const sizes: number[] = []
    for await (const page of createSyncClient(c, { netuid: NETUID }).range(server.peerId, 'status', 0, 10_000)) {
      sizes.push(page.items.length)
      got.push(...page.items.map(idOf))
    }
    expect(sizes).toEqual([3, 3, 3, 1])
    expect(got).toEqual(items.map((i) => i.id))
  })

  it('the block range bounds what is served', async () => {
    const items = makeItems(20, 100)
    const server = await node()
    await registerSyncProtocols(server, { source: memorySource(items), netuid: NETUID })
    const c = await clientOf(server)
    const got: string[] = []
    for await (const page of createSyncClient(c, { netuid: NETUID }).range(server.peerId, 'status', 105, 109)) {
      got.push(...page.items.map(idOf))
    }
    expect(got).toEqual(items.slice(5, 10).map((i) => i.id))
  })

  it('a forged item is rejected, not stored, counted, and its sender penalised and disconnected', async () => {
    const items = makeItems(12)
    const forged = forge(items[4]?.envelope ?? new Uint8Array())
    const bad: Item[] = items.map((it, i) => (i === 4 ? { ...it, envelope: forged, id: idOf(forged) } : it))
    const forger = await node()
    const honest = await node()
    await registerSyncProtocols(forger, { source: memorySource(bad), netuid: NETUID })
    await registerSyncProtocols(honest, { source: memorySource(items), netuid: NETUID })
    const c = await clientOf(forger, honest)
    const penalties: string[] = []
    const { stored, store } = recordingStore()
    const summary = await createSyncClient(c, { netuid: NETUID }).catchUp({
      peers: [forger.peerId, honest.peerId],
      topics: ['status'],
      fromBlock: 0,
      toBlock: 10_000,
      validate: validateItem,
      store,
      onPenalty: (peer, reason) => penalties.push(`${peer.toString()}:${reason}`),
    })
    expect(summary.rejected).toBe(1)
    expect(summary.byPeer[forger.peerId.toString()]).toMatchObject({ rejected: 1, accepted: 4, penalised: true })
    expect(summary.byPeer[honest.peerId.toString()]).toMatchObject({ rejected: 0, accepted: 8, penalised: false })
    expect(summary.accepted).toBe(12)
    expect(summary.duplicates).toBe(4)
    expect(summary.complete).toBe(true)
    expect(stored.has(idOf(forged))).toBe(false)
    expect([...stored.keys()].sort()).toEqual(items.map((i) => i.id).sort())
    expect(penalties).toEqual([`${forger.peerId.toString()}:rejected-item`])
    await waitFor(() => c.getConnections(forger.peerId).length === 0)
  })

  it('refuses an oversized response frame from its length prefix', async () => {
    const rogue = await node()
    await rogue.handle(SYNC_PROTOCOLS.range, async (stream) => {
      const lp = lpStream(stream)
      await lp.read()
      await lp.write(new Uint8Array(MAX_SYNC_FRAME_BYTES['range-response'] + 1)).catch(() => {})
      await stream.close().catch(() => {})
    })
    const c = await clientOf(rogue)
    const sync = createSyncClient(c, { netuid: NETUID })
    const it = sync.range(rogue.peerId, 'status', 0, 10)
    expect(await codeOf(it.next())).toBe('MESH_SYNC_RESPONSE_TOO_LARGE')
  })

  it('a hanging server times out (TTFB) and catch-up moves to the next peer', async () => {
    const items = makeItems(6)
    const hanging = await node()
    const hang = async (stream: { addEventListener: (t: 'close', f: () => void) => void }) =>
      new Promise<void>((resolve) => stream.addEventListener('close', () => resolve()))
    for (const p of Object.values(SYNC_PROTOCOLS)) await hanging.handle(p, hang)
    const honest = await node()
    await registerSyncProtocols(honest, { source: memorySource(items), netuid: NETUID })
    const c = await clientOf(hanging, honest)
    const sync = createSyncClient(c, { netuid: NETUID, limits: { ttfbTimeoutMs: 300, totalTimeoutMs: 5_000 } })

    const direct = sync.status(hanging.peerId).catch((e: unknown) => e)
    const err = (await direct) as SyncError
    expect(err).toBeInstanceOf(SyncError)
    expect(err.meta).toMatchObject({ code: 'MESH_SYNC_TIMEOUT', phase: 'ttfb' })

    const { stored, store } = recordingStore()
    const summary = await sync.catchUp({
      peers: [hanging.peerId, honest.peerId],
      topics: ['status'],
      fromBlock: 0,
      toBlock: 10_000,
      validate: validateItem,
      store,
    })
    expect(summary.byPeer[hanging.peerId.toString()]).toMatchObject({ failures: 1, lastError: 'MESH_SYNC_TIMEOUT' })
    expect(summary.accepted).toBe(6)
    expect(stored.size).toBe(6)
    expect(summary.complete).toBe(true)
  })

  it('reports a topic as incomplete when no peer can serve it', async () => {
    const hanging = await node()
    for (const p of Object.values(SYNC_PROTOCOLS)) {
      await hanging.handle(p, (stream) => new Promise<void>((r) => stream.addEventListener('close', () => r())))
    }
    const c = await clientOf(hanging)
    const summary = await createSyncClient(c, { netuid: NETUID, limits: { ttfbTimeoutMs: 200 } }).catchUp({
      peers: [hanging.peerId],
      topics: ['status'],
      fromBlock: 0,
      toBlock: 10,
      validate: validateItem,
      store: async () => {},
    })
    expect(summary.complete).toBe(false)
    expect(summary.incompleteTopics).toEqual(['status'])
  })

  it('by-id returns exactly the asked items', async () => {
    const items = makeItems(30)
    const server = await node()
    await registerSyncProtocols(server, { source: memorySource(items), netuid: NETUID })
    const c = await clientOf(server)
    const want = [items[3], items[17], items[29]].map((i) => Buffer.from(i?.id ?? '', 'hex'))
    const unknown = new Uint8Array(32).fill(0xee)
    const got = await createSyncClient(c, { netuid: NETUID }).byId(server.peerId, [...want, unknown])
    expect(got.map(idOf).sort()).toEqual([items[3], items[17], items[29]].map((i) => i?.id).sort())
  })

  it('by-id refuses items that were not asked for', async () => {
    const items = makeItems(3)
    const server = await node()
    // A source that answers with everything, whatever was asked.
    await registerSyncProtocols(server, {
      source: { ...memorySource(items), byId: () => items.map((i) => i.envelope) },
      netuid: NETUID,
    })
    const c = await clientOf(server)
    const ask = [Buffer.from(items[0]?.id ?? '', 'hex')]
    expect(await codeOf(createSyncClient(c, { netuid: NETUID }).byId(server.peerId, ask))).toBe(
      'MESH_SYNC_BAD_RESPONSE',
    )
  })

  it('rate limit refuses a flood of requests from one peer', async () => {
    const server = await node()
    const srv = await registerSyncProtocols(server, {
      source: memorySource(makeItems(2)),
      netuid: NETUID,
      limits: { rateLimitBurst: 3, rateLimitPerSecond: 0.001 },
    })
    const c = await clientOf(server)
    const sync = createSyncClient(c, { netuid: NETUID })
    const results: string[] = []
    for (let i = 0; i < 10; i++) {
      results.push(
        await sync.status(server.peerId).then(
          () => 'ok',
          (e: unknown) => (e instanceof SyncError ? e.code : 'other'),
        ),
      )
    }
    expect(results.filter((r) => r === 'ok')).toHaveLength(3)
    expect(results.slice(3).every((r) => r === 'MESH_SYNC_STREAM_FAILED')).toBe(true)
    expect(srv.stats()).toMatchObject({ served: 3, rateLimited: 7 })
    // Another peer still gets served: the bucket is per peer.
    const other = await clientOf(server)
    await expect(createSyncClient(other, { netuid: NETUID }).status(server.peerId)).resolves.toMatchObject({
      netuid: NETUID,
    })
  })

  it('resets a garbage request and counts it (and metrics see it)', async () => {
    const register = new Registry()
    const metrics = getSyncMetrics(register)
    const server = await node()
    const srv = await registerSyncProtocols(server, { source: memorySource([]), netuid: NETUID, metrics })
    const c = await clientOf(server)
    const stream = await c.dialProtocol(server.peerId, SYNC_PROTOCOLS.range)
    const lp = lpStream(stream)
    await lp.write(Uint8Array.of(0xff, 0xff, 0xff))
    await expect(lp.read({ signal: AbortSignal.timeout(10_000) })).rejects.toThrow()
    await waitFor(() => srv.stats().badRequests === 1)
    const text = await register.getSingleMetricAsString('kinitro_mesh_sync_inbound_requests_total')
    expect(text).toContain('method="range",result="bad_request"} 1')
  })

  it('catch-up penalises a peer serving another subnet', async () => {
    const server = await node()
    await registerSyncProtocols(server, { source: memorySource(makeItems(2)), netuid: NETUID + 1 })
    const c = await clientOf(server)
    const summary = await createSyncClient(c, { netuid: NETUID }).catchUp({
      peers: [server.peerId],
      topics: ['status'],
      fromBlock: 0,
      toBlock: 10_000,
      validate: validateItem,
      store: async () => {},
    })
    expect(summary.byPeer[server.peerId.toString()]).toMatchObject({
      lastError: 'MESH_SYNC_WRONG_NETUID',
      penalised: true,
    })
    expect(summary.fetched).toBe(0)
  })
})
