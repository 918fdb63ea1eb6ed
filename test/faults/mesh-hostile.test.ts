import { mkdirSync, writeFileSync } from 'node:fs'
import { setTimeout as sleep } from 'node:timers/promises'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { type PreparedValidator, prepareValidator } from '#node'
import { createMeshHost, createNodeKey, type MeshHost, PEER_RATE, TOPIC_NAMES } from '#protocol'
import { createMeshNetwork, type MeshNetwork } from '../utils/mesh-network.js'
import { readNode } from '../utils/node-db.js'
import { metricValue } from '../utils/prometheus.js'
import { until } from '../utils/until.js'
import { forgedFlood, hostileMessages } from './hostile-messages.js'

// Lying and unbound peers against real `kinitro node run` processes (design §3–§4): a test-side libp2p
// peer whose node key IS bound (its own registered, staked validator hotkey and a peer record in
// peers.hex) publishes bad messages on the real topics; a peer bound by nothing tries to connect.
// The nodes run light (they validate, store and relay; they evaluate nothing): that is all this needs.

const NODES = 3
const ERRORS = 'kinitro_mesh_validation_error_total'
const VERDICTS = 'kinitro_mesh_validation_total'
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex')

let net: MeshNetwork
let hostileId: PreparedValidator
let hostile: MeshHost | undefined
let stranger: MeshHost | undefined
let head = 0
let ticker: NodeJS.Timeout | undefined

/** A test-side mesh host that admits node 0 only: whatever reaches nodes 1 and 2 came through node 0. */
function peerOfNode0(nodeKey: PreparedValidator['nodeKey'], listen?: string): MeshHost {
  const node0 = hex(net.subnet.validators[0]!.hotkey.publicKey)
  return createMeshHost({
    netuid: net.netuid,
    nodeKey,
    headBlock: () => head,
    isPermitted: (hotkey) => hex(hotkey) === node0,
    onAccepted: () => {},
    ...(listen === undefined ? {} : { listen: [listen] }),
    peerRecords: [net.prepared[0]!.record],
  })
}

beforeAll(async () => {
  net = await createMeshNetwork({
    nodes: NODES,
    extraValidators: 1,
    // The job-status freshness window is 300 blocks: start past it so a stale status can be made.
    advanceBlocks: 400,
    config: { light: true, weights: { enabled: false } },
  })
  head = (await net.chain.head()).number
  hostileId = await prepareValidator({ netuid: net.netuid, hotkey: net.extra[0]!.hotkey, head })
  net.addPeerRecords([hostileId.record])
  await net.startAll()
  ticker = setInterval(() => {
    net.chain.head().then(
      (b) => {
        head = b.number
      },
      () => {},
    )
  }, 500)
  hostile = peerOfNode0(hostileId.nodeKey, hostileId.listen)
  await hostile.start()
}, 300_000)

afterEach((ctx) => {
  if (ctx.task.result?.state === 'fail') process.stderr.write(`\n${net?.logs(25)}\n`)
})

afterAll(async () => {
  clearInterval(ticker)
  await stranger?.stop().catch(() => {})
  await hostile?.stop().catch(() => {})
  await net?.close()
}, 120_000)

describe('hostile peers against validator node processes', () => {
  it('drops what a bound peer forges, replays or oversizes: counted by reason, stored nowhere, forwarded to no one', async () => {
    const node0 = net.nodes[0]!
    const node0Peer = net.prepared[0]!.nodeKey.peerId.toString()
    const h = hostile as MeshHost
    await until('the hostile peer to see node 0 on every topic', () =>
      TOPIC_NAMES.every((t) => h.topicPeers(t).includes(node0Peer)),
    )
    await until(
      'node 0 connected to nodes 1 and 2 and the hostile peer',
      async () => (await node0.status()).peers >= NODES,
      { timeoutMs: 60_000 },
    )
    const { control, attacks } = hostileMessages({
      netuid: net.netuid,
      head,
      bound: hostileId.nodeKey,
      stranger: await createNodeKey(),
    })
    const before = await Promise.all(net.nodes.map((n) => n.metrics()))
    const delta = (text: string, i: number, code: string): number =>
      metricValue(text, ERRORS, { code }) - metricValue(before[i]!, ERRORS, { code })
    const everywhere = async (id: string, what: string): Promise<void> => {
      await until(what, () => net.nodes.every((n) => readNode(n, (db) => db.hasMessage(id))), { timeoutMs: 60_000 })
    }

    // Control: what passes validation does travel hostile → node 0 → nodes 1 and 2.
    const first = control(head)
    await h.publish(first.type, first.bytes)
    await everywhere(first.id, 'the valid control message on every node')

    for (const a of attacks) await h.publish(a.type, a.bytes)
    const judged = await until(
      'node 0 to count every attack under its code',
      async () => {
        const m = await node0.metrics()
        return attacks.every((a) => delta(m, 0, a.code as string) >= 1) ? m : undefined
      },
      { timeoutMs: 60_000, explain: () => node0.logTail(20) },
    )
    // Node 0 has judged every attack; a second control that arrives everywhere comes after anything it forwarded.
    const last = control(head)
    await h.publish(last.type, last.bytes)
    await everywhere(last.id, 'the second control message on every node')

    const after = await Promise.all(net.nodes.map((n) => n.metrics()))
    after[0] = judged
    for (const a of attacks) {
      const code = a.code as string
      expect(delta(after[0]!, 0, code), `node 0 counts "${a.name}" as ${code}`).toBeGreaterThanOrEqual(1)
      for (let i = 1; i < NODES; i++) {
        expect(delta(after[i]!, i, code), `validator-${i} received "${a.name}" (forwarded)`).toBe(0)
      }
      for (const n of net.nodes) {
        expect(
          readNode(n, (db) => db.hasMessage(a.id)),
          `${n.name} stored "${a.name}"`,
        ).toBe(false)
      }
    }
  }, 300_000)

  it('refuses a peer bound by no record: the gater closes it and it never counts as a peer', async () => {
    const node0 = net.nodes[0]!
    const node0Peer = net.prepared[0]!.nodeKey.peerId.toString()
    // A fresh node key, no peer record anywhere; it admits node 0 itself, so only node 0 can refuse.
    stranger = peerOfNode0(await createNodeKey())
    await stranger.start()
    const outcome = await stranger.dial(net.prepared[0]!.dialAddr).then(
      () => 'connected',
      (err: { meta?: { code?: string } }) => err.meta?.code ?? String(err),
    )
    const s = stranger
    await until('the unbound peer to hold no connection to node 0', () => !s.connectedPeers().includes(node0Peer), {
      timeoutMs: 30_000,
    })
    // The gater acts once the Noise handshake names the peer: the dialler may see the dial fail, or see it
    // succeed and the connection closed at once. Either way it must not stay.
    expect(['MESH_DIAL_FAILED', 'connected'], 'dial result').toContain(outcome)
    const metrics = await node0.metrics()
    expect(metricValue(metrics, 'kinitro_mesh_peers', { kind: 'other' }), 'unadmitted peers on node 0').toBe(0)
    // Admitted: the other nodes and the hostile (but bound) peer.
    expect((await node0.status()).peers, 'node 0 peers').toBeLessThanOrEqual(NODES)
  }, 120_000)

  it('holds a flood past the per-peer rate: the excess dropped unvalidated and counted, nothing stored or forwarded, /health answering', async () => {
    const node0 = net.nodes[0]!
    const node0Peer = net.prepared[0]!.nodeKey.peerId.toString()
    const h = hostile as MeshHost
    await until('the hostile peer to see node 0 on the weights topic', () =>
      h.topicPeers('weights').includes(node0Peer),
    )
    // Ten times the per-peer rate for about ten seconds, in slices every 50 ms: a sustained flood, so /health
    // is sampled all through it (one burst would be over before the first sample).
    const rate = 10 * PEER_RATE.perSecond
    const flood = forgedFlood({ netuid: net.netuid, head, bound: hostileId.nodeKey, n: 10 * rate })
    const slice = rate / 20
    const before = await Promise.all(net.nodes.map((n) => n.metrics()))
    const delta = (text: string, i: number, code: string): number =>
      metricValue(text, ERRORS, { code }) - metricValue(before[i]!, ERRORS, { code })

    // /health polled all through the flood: every answer must be a 200; the latencies go to RELIABILITY.md.
    const latencies: number[] = []
    let failures = 0
    let polling = true
    const poller = (async () => {
      while (polling) {
        const t = performance.now()
        try {
          const res = await fetch(`${node0.healthUrl}/health`, { signal: AbortSignal.timeout(10_000) })
          await res.arrayBuffer()
          if (!res.ok) failures++
        } catch {
          failures++
        }
        latencies.push(performance.now() - t)
        await sleep(20)
      }
    })()
    const started = performance.now()
    for (let i = 0; i < flood.length; i += slice) {
      const due = started + (i / rate) * 1000
      if (due > performance.now()) await sleep(due - performance.now())
      for (const m of flood.slice(i, i + slice)) await h.publish(m.type, m.bytes)
    }
    // Every flood message ends in a verdict on the weights topic: reject (validated: bad signature) or
    // ignore (past the peer's rate, or pushed out of the full topic queue).
    const verdicts = (m: string, i: number): number =>
      (['accept', 'ignore', 'reject'] as const).reduce(
        (n, result) =>
          n +
          metricValue(m, VERDICTS, { topic: 'weights', result }) -
          metricValue(before[i]!, VERDICTS, { topic: 'weights', result }),
        0,
      )
    let last = ''
    const judged = await until(
      'node 0 to judge every flood message',
      async () => {
        const m = await node0.metrics()
        last = `verdicts ${verdicts(m, 0)}, bad signature ${delta(m, 0, 'MESH_BAD_SIGNATURE')}, rate limited ${delta(m, 0, 'MESH_RATE_LIMITED')}`
        return verdicts(m, 0) >= flood.length ? m : undefined
      },
      { timeoutMs: 120_000, explain: () => `${last}\n${node0.logTail(20)}` },
    )
    const seconds = (performance.now() - started) / 1000
    polling = false
    await poller

    const limited = delta(judged, 0, 'MESH_RATE_LIMITED')
    const verified = delta(judged, 0, 'MESH_BAD_SIGNATURE')
    expect(limited, 'dropped before validation').toBeGreaterThan(0)
    expect(verified, 'validated: the burst plus the refill while the flood lasted').toBeLessThanOrEqual(
      PEER_RATE.burst + Math.ceil(PEER_RATE.perSecond * (seconds + 1)),
    )
    expect(failures, '/health requests that failed during the flood').toBe(0)
    expect(latencies.length).toBeGreaterThan(0)

    // The bucket refills: a valid message afterwards still travels hostile → node 0 → nodes 1 and 2.
    await sleep(1000)
    const ok = hostileMessages({
      netuid: net.netuid,
      head,
      bound: hostileId.nodeKey,
      stranger: await createNodeKey(),
    }).control(head)
    await h.publish(ok.type, ok.bytes)
    await until(
      'the control message on every node',
      () => net.nodes.every((n) => readNode(n, (db) => db.hasMessage(ok.id))),
      {
        timeoutMs: 60_000,
      },
    )
    const after = await Promise.all(net.nodes.map((n) => n.metrics()))
    for (let i = 1; i < NODES; i++) {
      for (const code of ['MESH_BAD_SIGNATURE', 'MESH_RATE_LIMITED']) {
        expect(delta(after[i]!, i, code), `validator-${i} received flood messages (${code})`).toBe(0)
      }
    }
    for (const n of net.nodes) {
      const stored = readNode(n, (db) => flood.filter((m) => db.hasMessage(m.id)).length)
      expect(stored, `${n.name} stored flood messages`).toBe(0)
    }
    const sorted = [...latencies].sort((a, b) => a - b)
    const pct = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? Number.NaN
    const figures = {
      flood: flood.length,
      seconds: Number(seconds.toFixed(2)),
      verified,
      limited,
      queueDropped: flood.length - verified - limited,
      healthRequests: latencies.length,
      healthP50Ms: Number(pct(0.5).toFixed(1)),
      healthP99Ms: Number(pct(0.99).toFixed(1)),
      healthMaxMs: Number(sorted.at(-1)?.toFixed(1)),
    }
    process.stderr.write(`flood figures: ${JSON.stringify(figures)}\n`)
    mkdirSync('test/artifacts', { recursive: true })
    writeFileSync('test/artifacts/reliability-flood.json', `${JSON.stringify(figures, null, 2)}\n`)
  }, 300_000)
})
