import { multiaddr } from '@multiformats/multiaddr'
import { Registry } from 'prom-client'
import { sealEnvelope } from '../../../src/envelope/envelope.js'
import { type Hotkey, hotkeyFromUri } from '../../../src/identity/hotkey.js'
import { type NodeKey, nodeKeyFromSeed } from '../../../src/identity/node-key.js'
import { initCrypto } from '../../../src/identity/signer.js'
import { createMeshHost, type MeshHost, type MeshHostInit } from '../../../src/mesh/host.js'
import { getMetrics, type MeshMetrics } from '../../../src/mesh/metrics.js'
import type { AcceptedGossip } from '../../../src/mesh/pipeline.js'
import { createJobStatus } from '../../../src/messages/jobs.js'
import { createPeerRecord, signPeerRecord } from '../../../src/messages/peer-record.js'
import { JobState } from '../../../src/messages/types.js'

export const NETUID = 7
export const HEAD = 1000
const NAMES = ['Alice', 'Bob', 'Charlie', 'Dave', 'Eve', 'Ferdie']

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex')

/** A test validator: hotkey, node key, host, and what its onAccepted saw. */
export interface TestNode {
  name: string
  hotkey: Hotkey
  nodeKey: NodeKey
  host: MeshHost
  accepted: AcceptedGossip[]
  metrics: MeshMetrics
  /** Hotkeys (hex) this node's metagraph permits; tests mutate it. */
  permitted: Set<string>
  /** Our peer record envelope, made after start (it carries the listen addresses). */
  record: Uint8Array
}

/** Every dev hotkey, permitted by default on every node. */
export async function devHotkeys(): Promise<Hotkey[]> {
  await initCrypto()
  return Promise.all(NAMES.map((n) => hotkeyFromUri(`//${n}`)))
}

export async function startNode(
  index: number,
  hotkeys: Hotkey[],
  extra: Partial<MeshHostInit> = {},
): Promise<TestNode> {
  const hotkey = hotkeys[index] as Hotkey
  const nodeKey = await nodeKeyFromSeed(new Uint8Array(32).fill(index + 1))
  const permitted = new Set(hotkeys.map((h) => hex(h.publicKey)))
  const accepted: AcceptedGossip[] = []
  const metrics = getMetrics(new Registry())
  const host = createMeshHost({
    netuid: NETUID,
    nodeKey,
    headBlock: () => HEAD,
    isPermitted: (hk) => permitted.has(hex(hk)),
    onAccepted: (msg) => {
      accepted.push(msg)
    },
    metrics,
    ...extra,
  })
  await host.start()
  const record = signPeerRecord(
    createPeerRecord({
      netuid: NETUID,
      hotkey: hotkey.publicKey,
      nodeSigner: nodeKey.signer,
      multiaddrs: host.multiaddrs().map((m) => multiaddr(m).bytes),
      issuedAtBlock: HEAD - 10,
    }),
    hotkey.signer,
  )
  return { name: NAMES[index] as string, hotkey, nodeKey, host, accepted, metrics, permitted, record }
}

/** Tell `a` and `b` about each other (each admits and dials the other). */
export function introduce(a: TestNode, b: TestNode): void {
  a.host.allowlist.addPeerRecord(b.record)
  b.host.allowlist.addPeerRecord(a.record)
}

/** A's peer record without addresses: admits A's node key as a signer but gives nobody a reason to dial it. */
export function addresslessRecord(n: TestNode): Uint8Array {
  return signPeerRecord(
    createPeerRecord({
      netuid: NETUID,
      hotkey: n.hotkey.publicKey,
      nodeSigner: n.nodeKey.signer,
      issuedAtBlock: HEAD - 10,
    }),
    n.hotkey.signer,
  )
}

/** Poll until `cond` holds; the deadline only proves "does not hang". */
export async function waitFor(cond: () => boolean, what: string, deadlineMs = 20_000): Promise<void> {
  const end = Date.now() + deadlineMs
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 25))
  }
}

/** A valid job status signed by `key`. */
export function status(key: NodeKey, seq: number, init: { netuid?: number; block?: number } = {}): Uint8Array {
  const netuid = init.netuid ?? NETUID
  const body = createJobStatus({
    netuid,
    block: init.block ?? HEAD,
    jobId: new Uint8Array(32).fill(seq),
    state: JobState.RUNNING,
    episodesDone: seq,
    episodesTotal: 100,
  })
  return sealEnvelope('job-status', body, netuid, key.signer)
}

/** Sum of a counter's values matching `labels`. */
export async function counterValue(
  metric: { get(): Promise<{ values: { value: number; labels: Record<string, string | number> }[] }> },
  labels: Record<string, string>,
): Promise<number> {
  const { values } = await metric.get()
  return values
    .filter((v) => Object.entries(labels).every(([k, val]) => v.labels[k] === val))
    .reduce((n, v) => n + v.value, 0)
}

export async function stopAll(nodes: TestNode[]): Promise<void> {
  await Promise.all(nodes.map((n) => n.host.stop()))
  nodes.length = 0
}
