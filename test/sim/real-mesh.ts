import { cpuUsage } from 'node:process'
import { setTimeout as sleep } from 'node:timers/promises'
import { RPC } from '@libp2p/gossipsub/message'
import type { Libp2p } from '@libp2p/interface'
import { multiaddr } from '@multiformats/multiaddr'
import {
  createJobStatus,
  createMeshHost,
  createPeerRecord,
  JobState,
  type MeshHost,
  sealEnvelope,
  signPeerRecord,
  topicString,
} from '#protocol'
import { HEAD, NETUID, NODES } from '../bench/gossip/constants.js'
import { benchIdentity, permittedHotkeys, resultTemplate } from '../bench/gossip/shared.js'
import { SimError } from './errors.js'

// The model's check: real mesh hosts (createMeshHost: TCP + Noise + Yamux + gossipsub 17 on 127.0.0.1,
// the full validation pipeline) in this process, with every gossipsub RPC each node sends and receives
// counted on the gossipsub instance. What the model predicts for the same traffic is compared with this.

/** Per-node averages of what the nodes' gossipsub instances sent and received. */
export interface MeasuredTraffic {
  nodes: number
  /** Average mesh size over nodes and the two topics used. */
  meshPeers: number
  /** Average connected peers. */
  connections: number
  /** Message copies and RPC bytes (length prefix included), per node, by topic kind. */
  results: { copiesIn: number; copiesOut: number; bytesIn: number; bytesOut: number }
  statuses: { copiesIn: number; copiesOut: number; bytesIn: number; bytesOut: number }
  /** Control traffic per node. */
  ihaveIdsIn: number
  ihaveRpcsIn: number
  idontwantIdsIn: number
  iwantIdsIn: number
  controlBytesIn: number
  /** Process CPU over the run (all nodes, validation included), µs. */
  cpuUs: number
  /** RPCs sent or received by any node. */
  rpcs: number
  /** What was published: per node, each kind. */
  perNode: number
  resultBytes: number
  statusBytes: number
  seconds: number
}

interface Counter {
  copiesIn: Record<string, number>
  copiesOut: Record<string, number>
  bytesIn: Record<string, number>
  bytesOut: Record<string, number>
  ihaveIds: number
  ihaveRpcs: number
  idontwantIds: number
  iwantIds: number
  controlBytesIn: number
  rpcs: number
}

const newCounter = (): Counter => ({
  copiesIn: {},
  copiesOut: {},
  bytesIn: {},
  bytesOut: {},
  ihaveIds: 0,
  ihaveRpcs: 0,
  idontwantIds: 0,
  iwantIds: 0,
  controlBytesIn: 0,
  rpcs: 0,
})

const add = (r: Record<string, number>, k: string, n: number): void => {
  r[k] = (r[k] ?? 0) + n
}

// Length-prefixed on the stream: a varint of the RPC size precedes it.
const prefixed = (n: number): number => n + (n < 128 ? 1 : n < 16384 ? 2 : 3)

type RpcLike = Parameters<typeof RPC.encode>[0]
interface GossipInternals {
  sendRpc(id: string, rpc: RpcLike): boolean
  sendRpcInBatch(tosend: Set<string>, rpc: RpcLike): void
  handleReceivedRpc(from: unknown, rpc: RpcLike): Promise<void>
  getMeshPeers(topic: string): string[]
}

function outgoing(c: Counter, rpc: RpcLike, copies: number): void {
  const bytes = prefixed(RPC.encode(rpc).length)
  c.rpcs += copies
  for (const m of rpc.messages ?? []) {
    add(c.copiesOut, m.topic, copies)
    add(c.bytesOut, m.topic, copies * bytes)
  }
}

function incoming(c: Counter, rpc: RpcLike): void {
  const bytes = prefixed(RPC.encode(rpc).length)
  c.rpcs++
  for (const m of rpc.messages ?? []) {
    add(c.copiesIn, m.topic, 1)
    add(c.bytesIn, m.topic, bytes)
  }
  const ctl = rpc.control
  if (ctl !== undefined && (rpc.messages?.length ?? 0) === 0) c.controlBytesIn += bytes
  for (const h of ctl?.ihave ?? []) {
    c.ihaveIds += h.messageIDs.length
    c.ihaveRpcs++
  }
  for (const d of ctl?.idontwant ?? []) c.idontwantIds += d.messageIDs.length
  for (const w of ctl?.iwant ?? []) c.iwantIds += w.messageIDs.length
}

/** Wrap a node's gossipsub so every RPC is counted (after piggybacking, as it goes on the stream). */
function instrument(g: GossipInternals, c: Counter): void {
  const send = g.sendRpc.bind(g)
  const batch = g.sendRpcInBatch.bind(g)
  const recv = g.handleReceivedRpc.bind(g)
  g.sendRpc = (id, rpc) => {
    const ok = send(id, rpc)
    if (ok) outgoing(c, rpc, 1)
    return ok
  }
  g.sendRpcInBatch = (tosend, rpc) => {
    batch(tosend, rpc)
    outgoing(c, rpc, tosend.size)
  }
  g.handleReceivedRpc = (from, rpc) => {
    incoming(c, rpc)
    return recv(from, rpc)
  }
}

const gossipOf = (h: MeshHost): GossipInternals =>
  (h.libp2p() as Libp2p<{ pubsub: unknown }>).services.pubsub as GossipInternals

export interface RealMeshOptions {
  /** Results and statuses each node publishes. */
  perNode: number
  /** Pause between one node's publishes, ms (all nodes publish concurrently). */
  intervalMs: number
  log?: (msg: string) => void
}

const READY_TIMEOUT_MS = 30_000
/** IHAVE goes out for mcacheGossip (3) heartbeats of 700 ms after the last publish: wait them out. */
const TAIL_MS = 3_000

/** Run {@link NODES} real mesh hosts, publish results (~1 KiB) and statuses (~160 B), count the traffic. */
export async function measureRealMesh(o: RealMeshOptions): Promise<MeasuredTraffic> {
  const permitted = await permittedHotkeys()
  const isPermitted = (hk: Uint8Array): boolean => permitted.has(Buffer.from(hk).toString('hex'))
  const ids = await Promise.all(Array.from({ length: NODES }, (_, i) => benchIdentity(i)))
  const hosts = ids.map(({ nodeKey }) =>
    createMeshHost({ netuid: NETUID, nodeKey, headBlock: () => HEAD, isPermitted, onAccepted: () => {} }),
  )
  const counters = hosts.map(newCounter)
  const topics = { results: topicString(NETUID, 'results'), status: topicString(NETUID, 'status') }
  try {
    await Promise.all(hosts.map((h) => h.start()))
    const records = hosts.map((h, i) =>
      signPeerRecord(
        createPeerRecord({
          netuid: NETUID,
          hotkey: ids[i]!.hotkey.publicKey,
          nodeSigner: ids[i]!.nodeKey.signer,
          multiaddrs: h.multiaddrs().map((m) => multiaddr(m).bytes),
          issuedAtBlock: HEAD - 10,
        }),
        ids[i]!.hotkey.signer,
      ),
    )
    for (const h of hosts) for (const r of records) h.allowlist.addPeerRecord(r)
    const meshSizes = await waitForMesh(hosts, Object.values(topics))
    o.log?.(`real mesh: ${NODES} nodes, mesh sizes ${meshSizes.join(',')}`)
    for (const [i, h] of hosts.entries()) instrument(gossipOf(h), counters[i]!)
    const template = resultTemplate()
    const cpu0 = cpuUsage()
    const t0 = performance.now()
    let resultBytes = 0
    let statusBytes = 0
    await Promise.all(
      hosts.map(async (h, i) => {
        const signer = ids[i]!.nodeKey.signer
        for (let s = 0; s < o.perNode; s++) {
          const jobId = new Uint8Array(32)
          jobId[0] = i
          jobId.set([s >> 8, s & 0xff], 1)
          const result = sealEnvelope('result', { ...template, jobId }, NETUID, signer)
          const status = sealEnvelope(
            'job-status',
            createJobStatus({
              netuid: NETUID,
              block: HEAD,
              jobId,
              state: JobState.RUNNING,
              episodesDone: s,
              episodesTotal: 150,
            }),
            NETUID,
            signer,
          )
          resultBytes = result.length
          statusBytes = status.length
          try {
            await h.publish('result', result)
            await h.publish('job-status', status)
          } catch (err) {
            throw new SimError({ code: 'SIM_MESH_RUN_FAILED', reason: String(err) }, 'publish failed', { cause: err })
          }
          await sleep(o.intervalMs)
        }
      }),
    )
    await sleep(TAIL_MS)
    const seconds = (performance.now() - t0) / 1000
    const used = cpuUsage(cpu0)
    const rpcs = counters.reduce((s, c) => s + c.rpcs, 0)
    const mean = (f: (c: Counter) => number): number => counters.reduce((s, c) => s + f(c), 0) / counters.length
    const kind = (topic: string) => ({
      copiesIn: mean((c) => c.copiesIn[topic] ?? 0),
      copiesOut: mean((c) => c.copiesOut[topic] ?? 0),
      bytesIn: mean((c) => c.bytesIn[topic] ?? 0),
      bytesOut: mean((c) => c.bytesOut[topic] ?? 0),
    })
    return {
      nodes: NODES,
      meshPeers: meshSizes.reduce((a, b) => a + b, 0) / meshSizes.length,
      connections: hosts.reduce((s, h) => s + h.connectedPeers().length, 0) / hosts.length,
      results: kind(topics.results),
      statuses: kind(topics.status),
      ihaveIdsIn: mean((c) => c.ihaveIds),
      ihaveRpcsIn: mean((c) => c.ihaveRpcs),
      idontwantIdsIn: mean((c) => c.idontwantIds),
      iwantIdsIn: mean((c) => c.iwantIds),
      controlBytesIn: mean((c) => c.controlBytesIn),
      cpuUs: used.user + used.system,
      rpcs,
      perNode: o.perNode,
      resultBytes,
      statusBytes,
      seconds,
    }
  } finally {
    await Promise.allSettled(hosts.map((h) => h.stop()))
  }
}

/** Wait until every node is connected to all others and has ≥ 4 (Dlo) mesh peers on each topic. */
async function waitForMesh(hosts: MeshHost[], topics: string[]): Promise<number[]> {
  const deadline = Date.now() + READY_TIMEOUT_MS
  for (;;) {
    const sizes = hosts.flatMap((h) => topics.map((t) => gossipOf(h).getMeshPeers(t).length))
    const linked = hosts.every((h) => h.connectedPeers().length === hosts.length - 1)
    if (linked && sizes.every((n) => n >= 4)) {
      // Grafts settle on the next heartbeats; measure the mesh as it then stands.
      await sleep(2_000)
      return hosts.flatMap((h) => topics.map((t) => gossipOf(h).getMeshPeers(t).length))
    }
    if (Date.now() > deadline) {
      throw new SimError({ code: 'SIM_MESH_NOT_READY', timeoutMs: READY_TIMEOUT_MS, meshPeers: sizes.join(',') })
    }
    await sleep(100)
  }
}
