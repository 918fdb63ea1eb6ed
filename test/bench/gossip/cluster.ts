import { loadavg } from 'node:os'
import { hrtime } from 'node:process'
import { setTimeout as sleep } from 'node:timers/promises'
import { NODES } from './constants.js'
import { GossipBenchError } from './errors.js'
import type { LoadPlan, MeshStatus, PeerReport } from './load.js'
import { type RpcChild, spawnRpcChild } from './rpc.js'
import { type CaseStats, summarizeCase } from './stats.js'

// The parent's view of the benchmark processes: 8 node processes (mesh nodes, later hub clients) and
// one hub. Every step has a deadline, and kill() always leaves no child behind.

/** Gossipsub mesh formation: each node needs this many mesh peers on the results topic (brief, issue 6). */
export const MIN_MESH_PEERS = 3
const MESH_READY_TIMEOUT_MS = 30_000
/** How long a formed mesh may wait for its last direct links before measuring anyway. */
const FULL_LINKS_GRACE_MS = 10_000
const HUB_READY_TIMEOUT_MS = 10_000
/** tsx compiles the protocol sources in each child; 9 of them share 2 cores at start-up. */
const SPAWN_TIMEOUT_MS = 120_000
/** Lead time before a case starts, so every child has its `run` before the first due publish. */
const START_LEAD_MS = 250
const POLL_MS = 100
/**
 * Deadline of a call while a case runs. An overloaded node answers only after working through its socket
 * backlog (tens of seconds when 8 nodes and other work share 2 cores); slow is a result, not a failure.
 */
const BUSY_CALL_TIMEOUT_MS = 180_000
/** Drain: stop waiting for copies after this long with no progress (or `drainMaxMs` past the last publish). */
const DRAIN_QUIET_MS = 1_000
/**
 * Between cases: nodes count as idle when, over one window, nothing was delivered and each used under this
 * share of a core (an idle mesh node's heartbeats cost ~1 %).
 */
const SETTLE_WINDOW_MS = 500
const IDLE_CPU_SHARE = 0.05

/** Waiting bounds of {@link startCluster}; a quick run shortens them (an overloaded case's backlog). */
export interface ClusterOptions {
  /** Longest wait for missing copies after the last publish, ms. */
  drainMaxMs: number
  /** Longest wait for a previous case's backlog to clear before the next case, ms. */
  settleMaxMs: number
}

export const DEFAULT_CLUSTER_OPTIONS: ClusterOptions = { drainMaxMs: 5_000, settleMaxMs: 90_000 }

const PEER_SCRIPT = 'test/bench/gossip/peer.ts'
const HUB_SCRIPT = 'test/bench/gossip/hub.ts'

export type Transport = 'mesh' | 'hub'

interface Progress {
  received: number
  total: number
  done: boolean
  /** The process's CPU since it started, µs. */
  cpuUs: number
}

/** The running processes. */
export interface Cluster {
  /** Start mesh nodes, bind and admit each other's records, wait for the gossipsub mesh. */
  startMesh(): Promise<void>
  /** Stop the mesh nodes, start the hub and connect every node to it. */
  switchToHub(): Promise<void>
  /** Run one case on the current transport and fold the reports. */
  runCase(rate: number, durationMs: number): Promise<CaseStats>
  kill(): Promise<void>
}

/** Spawn the 9 processes (all at once: start-up is CPU-bound compilation) and wait until each answers. */
export async function startCluster(
  log: (msg: string) => void,
  opts: ClusterOptions = DEFAULT_CLUSTER_OPTIONS,
): Promise<Cluster> {
  const peers = Array.from({ length: NODES }, (_, i) => spawnRpcChild(`node-${i}`, PEER_SCRIPT, [String(i)]))
  const hub = spawnRpcChild('hub', HUB_SCRIPT)
  const all: RpcChild[] = [...peers, hub]
  const kill = async (): Promise<void> => {
    await Promise.all(all.map((c) => c.kill()))
  }
  let transport: Transport | undefined
  let records: Uint8Array[] = []
  let caseId = 0

  const everyPeer = <T>(op: string, args?: unknown, timeoutMs?: number): Promise<T[]> =>
    Promise.all(peers.map((p) => p.call<T>(op, args, timeoutMs)))

  // An overloaded case leaves a backlog (copies still being decrypted, validated and forwarded) that
  // would be billed to the next case and slow it down: wait until the nodes are idle, up to settleMaxMs.
  const settle = async (): Promise<void> => {
    const t0 = Date.now()
    let last = await everyPeer<Progress>('progress', undefined, BUSY_CALL_TIMEOUT_MS)
    while (Date.now() - t0 < opts.settleMaxMs) {
      await sleep(SETTLE_WINDOW_MS)
      const now = await everyPeer<Progress>('progress', undefined, BUSY_CALL_TIMEOUT_MS)
      const cpuUs = now.reduce((n, p, i) => n + p.cpuUs - (last[i] as Progress).cpuUs, 0)
      const delivered = now.reduce((n, p, i) => n + p.total - (last[i] as Progress).total, 0)
      last = now
      if (delivered === 0 && cpuUs < IDLE_CPU_SHARE * SETTLE_WINDOW_MS * 1000 * NODES) return
    }
    log(`backlog still draining after ${opts.settleMaxMs} ms; the next case shares the CPU with it`)
  }

  const cluster: Cluster = {
    async startMesh() {
      const t0 = Date.now()
      records = await everyPeer<Uint8Array>('mesh-start', undefined, SPAWN_TIMEOUT_MS)
      await everyPeer('mesh-peers', records)
      const end = Date.now() + MESH_READY_TIMEOUT_MS
      let meshSince: number | undefined
      for (;;) {
        const st = await everyPeer<MeshStatus>('mesh-status')
        // Ready: every node holds ≥ 3 mesh peers, and every node sees all 7 subscribers (each host dials
        // every bound validator, so flood publish reaches all directly) or the links had a grace period
        // to come up (a busy box dials slowly; a missing link only adds a forwarding hop).
        const now = Date.now()
        if (st.every((s) => s.meshPeers >= MIN_MESH_PEERS)) {
          meshSince ??= now
          if (st.every((s) => s.subscribers === NODES - 1) || now - meshSince >= FULL_LINKS_GRACE_MS) {
            const shape = st.map((s) => `${s.meshPeers}/${s.subscribers}`).join(' ')
            log(`mesh peers/subscribers per node: ${shape}`)
            break
          }
        }
        if (now > end) {
          const nodes = st.map(
            (s, i) => `node-${i}: ${s.meshPeers} mesh, ${s.subscribers} subs, ${s.connections} conns`,
          )
          throw new GossipBenchError(
            {
              code: 'BENCH_MESH_NOT_READY',
              timeoutMs: MESH_READY_TIMEOUT_MS,
              minMeshPeers: MIN_MESH_PEERS,
              nodes: nodes.join('; '),
            },
            `gossipsub mesh did not form within ${MESH_READY_TIMEOUT_MS} ms (need ≥ ${MIN_MESH_PEERS} mesh peers on results): ${nodes.join('; ')}`,
          )
        }
        await sleep(POLL_MS)
      }
      transport = 'mesh'
      log(`mesh formed: ${NODES} nodes in ${Date.now() - t0} ms`)
    },

    async switchToHub() {
      await everyPeer('mesh-stop')
      const url = await hub.call<string>('start')
      await everyPeer('hub-connect', { url, records })
      const end = Date.now() + HUB_READY_TIMEOUT_MS
      for (;;) {
        const connected = await hub.call<number>('clients')
        if (connected === NODES) break
        if (Date.now() > end) {
          throw new GossipBenchError(
            { code: 'BENCH_HUB_NOT_READY', timeoutMs: HUB_READY_TIMEOUT_MS, connected, expected: NODES },
            `only ${connected} of ${NODES} nodes connected to the hub within ${HUB_READY_TIMEOUT_MS} ms`,
          )
        }
        await sleep(POLL_MS)
      }
      transport = 'hub'
      log(`hub up: ${NODES} clients`)
    },

    async runCase(rate, durationMs) {
      if (transport === undefined) throw new Error('runCase before startMesh')
      await settle()
      caseId++
      const load1 = loadavg()[0] as number
      const perNodeRate = rate / NODES
      const perNode = Math.max(1, Math.round((perNodeRate * durationMs) / 1000))
      const intervalNs = 1e9 / perNodeRate
      const startNs = hrtime.bigint() + BigInt(START_LEAD_MS * 1e6)
      if (transport === 'hub') await hub.call('cpu-begin')
      await Promise.all(
        peers.map((p, i) =>
          p.call(
            'run',
            {
              caseId,
              publisher: i,
              count: perNode,
              startNs,
              offsetNs: (i * intervalNs) / NODES,
              intervalNs,
            } satisfies LoadPlan,
            BUSY_CALL_TIMEOUT_MS,
          ),
        ),
      )
      const expected = perNode * NODES * (NODES - 1)
      let last = -1
      let quietSince = Date.now()
      let doneAt: number | undefined
      for (;;) {
        await sleep(POLL_MS)
        const prog = await everyPeer<Progress>('progress', undefined, BUSY_CALL_TIMEOUT_MS)
        const received = prog.reduce((n, p) => n + p.received, 0)
        if (received >= expected) break
        const now = Date.now()
        if (received !== last) {
          last = received
          quietSince = now
        }
        if (prog.every((p) => p.done)) {
          doneAt ??= now
          if (now - quietSince >= DRAIN_QUIET_MS || now - doneAt >= opts.drainMaxMs) break
        }
      }
      const hubCpu =
        transport === 'hub' ? await hub.call<{ cpuUs: number }>('cpu-end', undefined, BUSY_CALL_TIMEOUT_MS) : undefined
      const reports = await everyPeer<PeerReport>('collect', undefined, BUSY_CALL_TIMEOUT_MS)
      return summarizeCase({
        rate,
        perNode,
        reports,
        load1,
        ...(hubCpu === undefined ? {} : { hubCpuUs: hubCpu.cpuUs }),
      })
    },

    kill,
  }

  const t0 = Date.now()
  try {
    // The hub process starts now too (its start-up overlaps the nodes'); it listens from switchToHub().
    await Promise.all(all.map((c) => c.ready(SPAWN_TIMEOUT_MS)))
  } catch (err) {
    await kill()
    throw err
  }
  log(`${all.length} processes up in ${Date.now() - t0} ms`)
  return cluster
}
