import { cpuUsage } from 'node:process'
import type { GossipSub } from '@libp2p/gossipsub'
import type { Libp2p } from '@libp2p/interface'
import { multiaddr } from '@multiformats/multiaddr'
import {
  createMeshHost,
  createPeerAllowlist,
  createPeerRecord,
  type MeshHost,
  type OpenedMessage,
  type PeerAllowlist,
  sealEnvelope,
  signPeerRecord,
  topicString,
  validateGossip,
} from '#protocol'
import { HEAD, NETUID } from './constants.js'
import { type LoadOutcome, type LoadPlan, type MeshStatus, type PeerReport, ReceiptRecorder, runLoad } from './load.js'
import { serveRpc } from './serve.js'
import { benchIdentity, permittedHotkeys, resultTemplate } from './shared.js'
import { encodeStamp, type Stamp } from './stamp.js'
import { loadWs, type WsSocket } from './ws.js'

// One benchmark node process (argv[2] = index). It first runs a real mesh node (createMeshHost with the
// full validation pipeline), then, after mesh-stop, a hub client that runs the same validateGossip on
// every message it receives: both transports pay for the same checks, so their CPU compares fairly.

const index = Number(process.argv[2])
const { nodeKey, hotkey } = await benchIdentity(index)
const permitted = await permittedHotkeys()
const isPermitted = (hk: Uint8Array): boolean => permitted.has(Buffer.from(hk).toString('hex'))
const template = resultTemplate()
const recorder = new ReceiptRecorder()
const RESULTS_TOPIC = topicString(NETUID, 'results')

let host: MeshHost | undefined
let socket: WsSocket | undefined
let publish: ((bytes: Uint8Array) => unknown) | undefined
let load: Promise<LoadOutcome> | undefined
let loadDone = false
let cpuAtRun = cpuUsage()

const sealFor = (stamp: Stamp): Uint8Array =>
  sealEnvelope('result', { ...template, jobId: encodeStamp(stamp) }, NETUID, nodeKey.signer)

const onDelivered = (m: OpenedMessage): void => {
  if (m.type === 'result') recorder.receive(m.body.jobId)
}

function meshPeers(h: MeshHost): number {
  // getMeshPeers exists on the runtime class but not on the exported interface (p2p.md §1).
  const pubsub = (h.libp2p() as Libp2p<{ pubsub: GossipSub }>).services.pubsub as GossipSub & {
    getMeshPeers?: (topic: string) => string[]
  }
  if (typeof pubsub.getMeshPeers !== 'function') throw new TypeError('gossipsub has no getMeshPeers()')
  return pubsub.getMeshPeers(RESULTS_TOPIC).length
}

function requireHost(): MeshHost {
  if (host === undefined) throw new Error('mesh not started')
  return host
}

function admitAll(target: PeerAllowlist, records: Uint8Array[]): void {
  for (const r of records) target.addPeerRecord(r)
}

serveRpc({
  /** Start the mesh node; returns our peer record (hotkey-signed, with our listen addresses). */
  'mesh-start': async (): Promise<Uint8Array> => {
    const h = createMeshHost({
      netuid: NETUID,
      nodeKey,
      headBlock: () => HEAD,
      isPermitted,
      onAccepted: (msg) => onDelivered(msg.message),
    })
    await h.start()
    host = h
    publish = (bytes) => h.publish('result', bytes)
    const record = createPeerRecord({
      netuid: NETUID,
      hotkey: hotkey.publicKey,
      nodeSigner: nodeKey.signer,
      multiaddrs: h.multiaddrs().map((m) => multiaddr(m).bytes),
      issuedAtBlock: HEAD - 10,
    })
    return signPeerRecord(record, hotkey.signer)
  },
  /** Admit every node's record: the host dials those with addresses (as on chain-read bootstrap). */
  'mesh-peers': (records: Uint8Array[]): void => {
    // Our own record is among them; the host never dials itself.
    admitAll(requireHost().allowlist, records)
  },
  'mesh-status': (): MeshStatus => {
    const h = requireHost()
    return {
      subscribers: h.topicPeers('results').length,
      meshPeers: meshPeers(h),
      connections: h.connectedPeers().length,
    }
  },
  'mesh-stop': async (): Promise<void> => {
    await host?.stop()
    host = undefined
    publish = undefined
  },
  /** Connect to the hub; validate what it relays against the same bindings a mesh node holds. */
  'hub-connect': async (args: { url: string; records: Uint8Array[] }): Promise<void> => {
    if (host !== undefined) throw new Error('stop the mesh first: one transport at a time')
    const allowlist = createPeerAllowlist({ netuid: NETUID, headBlock: () => HEAD, isPermitted })
    admitAll(allowlist, args.records)
    const ctx = { netuid: NETUID, headBlock: HEAD, isPermitted, allowlist }
    const { WebSocket } = await loadWs()
    const ws = new WebSocket(`${args.url}/?node=${index}`, { perMessageDeflate: false })
    await new Promise<void>((resolve, reject) => {
      ws.on('open', resolve)
      ws.on('error', reject)
    })
    ws.on('message', (data) => {
      try {
        onDelivered(validateGossip('results', data, ctx))
      } catch {
        recorder.invalid++
      }
    })
    socket = ws
    publish = (bytes) => ws.send(bytes, { binary: true })
  },
  'hub-close': (): void => {
    socket?.terminate()
    socket = undefined
    publish = undefined
  },
  /** Start publishing a case's share (returns at once); CPU is measured from here to `collect`. */
  run: (plan: LoadPlan): void => {
    const send = publish
    if (send === undefined) throw new Error('no transport: mesh-start or hub-connect first')
    recorder.begin(plan.caseId)
    recorder.invalid = 0
    loadDone = false
    cpuAtRun = cpuUsage()
    load = runLoad(plan, (stamp) => send(sealFor(stamp))).finally(() => {
      loadDone = true
    })
  },
  progress: () => {
    const cpu = cpuUsage()
    return { received: recorder.count(), total: recorder.total, done: loadDone, cpuUs: cpu.user + cpu.system }
  },
  collect: async (): Promise<PeerReport> => {
    const outcome = await (load ?? Promise.reject(new Error('collect before run')))
    const cpu = cpuUsage(cpuAtRun)
    return { ...outcome, receipts: recorder.take(), invalid: recorder.invalid, cpuUs: cpu.user + cpu.system }
  },
})
