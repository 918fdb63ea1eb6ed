import type { GossipSub } from '@libp2p/gossipsub'
import type { Libp2p } from '@libp2p/interface'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { ENVELOPE_OVERHEAD_BYTES, MAX_BODY_BYTES } from '../../../src/constants.js'
import { decodeEnvelope, encodeEnvelope } from '../../../src/envelope/envelope.js'
import type { Hotkey } from '../../../src/identity/hotkey.js'
import { nodeKeyFromSeed } from '../../../src/identity/node-key.js'
import { messageId } from '../../../src/ids/message-id.js'
import { MeshError } from '../../../src/mesh/errors.js'
import { asGossipSubRuntime } from '../../../src/mesh/gossip.js'
import { topicString } from '../../../src/messages/topics.js'
import {
  addresslessRecord,
  counterValue,
  devHotkeys,
  HEAD,
  introduce,
  NETUID,
  startNode,
  status,
  stopAll,
  type TestNode,
  waitFor,
} from './fixtures.js'

const STATUS_TOPIC = topicString(NETUID, 'status')
const hexId = (bytes: Uint8Array): string => Buffer.from(messageId(bytes)).toString('hex')
const gossipOf = (n: TestNode) => asGossipSubRuntime((n.host.libp2p() as Libp2p<{ pubsub: GossipSub }>).services.pubsub)
const ids = (n: TestNode) => n.accepted.map((a) => Buffer.from(a.message.id).toString('hex'))

let hotkeys: Hotkey[]
const nodes: TestNode[] = []

beforeAll(async () => {
  hotkeys = await devHotkeys()
})

afterEach(async () => {
  await stopAll(nodes)
})

/** Two bound nodes, A connected to B. */
async function connectedPair(): Promise<{ a: TestNode; b: TestNode; aId: string }> {
  for (let i = 0; i < 2; i++) nodes.push(await startNode(i, hotkeys))
  const [a, b] = nodes as [TestNode, TestNode]
  introduce(a, b)
  const aId = a.host.peerId.toString()
  await waitFor(() => b.host.connectedPeers().includes(aId), 'connected')
  return { a, b, aId }
}

/** B has hung up on A, and a redial by A is refused or closed at once. */
async function expectKeptOut(a: TestNode, b: TestNode): Promise<void> {
  const aId = a.host.peerId.toString()
  await waitFor(() => !b.host.connectedPeers().includes(aId), 'A hung up')
  await expect(
    a.host.dial(b.host.multiaddrs()[0] as string).then(
      () => waitFor(() => !b.host.connectedPeers().includes(aId), 'redial refused').then(() => 'closed'),
      () => 'refused',
    ),
  ).resolves.toMatch(/refused|closed/)
}

describe('mesh host', () => {
  it('start/stop are idempotent and publish before start is a typed error', async () => {
    const n = await startNode(0, hotkeys)
    nodes.push(n)
    await n.host.start()
    expect(n.host.multiaddrs()[0]).toMatch(/^\/ip4\/127\.0\.0\.1\/tcp\/\d+\/p2p\//)
    await n.host.stop()
    await n.host.stop()
    expect(n.host.isStarted()).toBe(false)
    await expect(n.host.publish('job-status', status(n.nodeKey, 1))).rejects.toMatchObject({
      code: 'MESH_HOST_NOT_STARTED',
    })
  })

  it('publishing with no subscribed peer fails with MESH_PUBLISH_NO_PEERS', async () => {
    const n = await startNode(0, hotkeys)
    nodes.push(n)
    const err = await n.host.publish('job-status', status(n.nodeKey, 1)).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(MeshError)
    expect((err as MeshError).code).toBe('MESH_PUBLISH_NO_PEERS')
  })

  it('4 bound validators form a mesh; a valid message reaches every other node exactly once', async () => {
    for (let i = 0; i < 4; i++) nodes.push(await startNode(i, hotkeys))
    for (let i = 0; i < 4; i++) for (let j = i + 1; j < 4; j++) introduce(nodes[i] as TestNode, nodes[j] as TestNode)
    await waitFor(() => nodes.every((n) => n.host.topicPeers('status').length === 3), 'full subscriptions')
    const [a] = nodes as [TestNode]
    const first = status(a.nodeKey, 1)
    const recipients = await a.host.publish('job-status', first)
    expect(recipients.length).toBeGreaterThan(0)
    const others = nodes.slice(1)
    await waitFor(() => others.every((n) => ids(n).includes(hexId(first))), 'first message everywhere')
    // A second message behind the first on the same streams: once it is in, any duplicate of the first
    // would have arrived too.
    const second = status(a.nodeKey, 2)
    await a.host.publish('job-status', second)
    await waitFor(() => others.every((n) => ids(n).includes(hexId(second))), 'second message everywhere')
    for (const n of others) {
      expect(
        ids(n).filter((id) => id === hexId(first)),
        `${n.name} got it once`,
      ).toHaveLength(1)
      const got = n.accepted.find((m) => Buffer.from(m.message.id).toString('hex') === hexId(first))
      expect(got?.topic).toBe('status')
      expect(got?.message.type).toBe('job-status')
      expect(await counterValue(n.metrics.validationTotal, { topic: 'status', result: 'accept' })).toBe(2)
    }
    expect(a.accepted, 'own messages are not handed back').toHaveLength(0)
  })

  it('forged, unknown-signer, oversized, wrong-netuid and stale messages are refused and not forwarded', async () => {
    // Line A — B — C: C admits only B, so anything of A's reaching C came through B.
    for (let i = 0; i < 3; i++) nodes.push(await startNode(i, hotkeys))
    const [a, b, c] = nodes as [TestNode, TestNode, TestNode]
    introduce(a, b)
    introduce(b, c)
    // C knows A's binding (so it can accept A's messages) but not A's address, and A does not admit C.
    c.host.allowlist.addPeerRecord(addresslessRecord(a))
    await waitFor(
      () =>
        a.host.topicPeers('status').length === 1 &&
        b.host.topicPeers('status').length === 2 &&
        c.host.topicPeers('status').length === 1 &&
        gossipOf(b).getMeshPeers(STATUS_TOPIC).includes(c.host.peerId.toString()),
      'line mesh',
    )
    expect(c.host.connectedPeers()).not.toContain(a.host.peerId.toString())
    const seenAtC: string[] = []
    gossipOf(c).addEventListener('gossipsub:message', (e) => seenAtC.push(e.detail.msgId))

    const valid = status(a.nodeKey, 1)
    const env = decodeEnvelope(valid)
    const sig = env.signature.slice()
    sig[0] = (sig[0] as number) ^ 0xff
    const forged = encodeEnvelope({ ...env, signature: sig })
    const stranger = await nodeKeyFromSeed(new Uint8Array(32).fill(99))
    const unknownSigner = status(stranger, 2)
    const oversized = new Uint8Array(MAX_BODY_BYTES['job-status'] + ENVELOPE_OVERHEAD_BYTES + 1).fill(7)
    const wrongNetuid = status(a.nodeKey, 3, { netuid: NETUID + 1 })
    const stale = status(a.nodeKey, 4, { block: HEAD - 400 })
    const bad = [forged, unknownSigner, oversized, wrongNetuid, stale]
    for (const bytes of bad) await a.host.publish('job-status', bytes)
    await a.host.publish('job-status', valid)
    await waitFor(() => ids(c).includes(hexId(valid)), 'valid message at C')
    // B has given a verdict on all six, so anything it forwarded is already on the B → C stream; a
    // second valid message behind them proves C has read everything B sent before it.
    const b2 = () => counterValue(b.metrics.validationTotal, { topic: 'status' })
    await expect.poll(b2, { timeout: 20_000 }).toBe(6)
    const after = status(a.nodeKey, 5)
    await a.host.publish('job-status', after)
    await waitFor(() => ids(c).includes(hexId(after)), 'second valid message at C')

    expect(ids(b)).toEqual([hexId(valid), hexId(after)])
    expect(await counterValue(b.metrics.validationTotal, { topic: 'status', result: 'reject' })).toBe(3)
    expect(await counterValue(b.metrics.validationTotal, { topic: 'status', result: 'ignore' })).toBe(2)
    for (const code of ['MESH_BAD_SIGNATURE', 'MESH_TOO_LARGE', 'MESH_NETUID_MISMATCH', 'MESH_STALE']) {
      expect(await counterValue(b.metrics.validationErrorTotal, { code }), code).toBe(1)
    }
    expect(await counterValue(b.metrics.validationErrorTotal, { code: 'MESH_BINDING_NOT_PERMITTED' })).toBe(1)
    for (const bytes of bad) expect(seenAtC, 'bad message reached C').not.toContain(hexId(bytes))
    expect(seenAtC).toContain(hexId(valid))
    expect(ids(c)).toEqual([hexId(valid), hexId(after)])
  })

  it('a peer without a binding cannot connect; the same peer configured as an observer can', async () => {
    nodes.push(await startNode(0, hotkeys))
    const b = nodes[0] as TestNode
    // X: a node whose hotkey B does not know (no record given to B); X admits B so it will dial.
    const x = await startNode(1, hotkeys)
    nodes.push(x)
    x.host.allowlist.addPeerRecord(b.record)
    const addr = b.host.multiaddrs()[0] as string
    const xId = x.host.peerId.toString()
    await x.host.dial(addr).catch(() => undefined)
    await waitFor(
      () => !b.host.connectedPeers().includes(xId) && !x.host.connectedPeers().includes(b.host.peerId.toString()),
      'denied connection closed',
    )
    expect(b.host.allowlist.has(xId)).toBe(false)

    b.host.allowlist.addObserver(xId)
    await x.host.dial(addr)
    await waitFor(() => b.host.connectedPeers().includes(xId), 'observer connected')
    expect(b.host.allowlist.kindOf(xId)).toBe('observer')
    // The observer is a gossip peer too: it sees B subscribe.
    await waitFor(() => x.host.topicPeers('status').includes(b.host.peerId.toString()), 'observer sees topics')
  })

  it("removing a hotkey's permit hangs up its peer and keeps it out", async () => {
    const { a, b, aId } = await connectedPair()
    b.permitted.delete(Buffer.from(a.hotkey.publicKey).toString('hex'))
    const change = b.host.refreshAllowlist()
    expect(change.removed).toEqual([aId])
    await expectKeptOut(a, b)
    expect(b.host.allowlist.has(aId)).toBe(false)
  })

  it('a denied peer is hung up and kept out; lifting the deny lets it back in', async () => {
    const { a, b, aId } = await connectedPair()
    const change = b.host.allowlist.deny([aId])
    expect(change).toEqual({ added: [], removed: [aId] })
    expect(b.host.allowlist.has(aId)).toBe(false)
    expect(b.host.allowlist.validators().map((v) => v.peerId)).not.toContain(aId)
    await expectKeptOut(a, b)
    // Lifted: B admits A again and dials it itself (it holds A's record with its address).
    expect(b.host.allowlist.deny([])).toEqual({ added: [aId], removed: [] })
    await waitFor(() => b.host.connectedPeers().includes(aId), 'reconnected')
    expect(b.host.allowlist.denied()).toEqual([])
  })
})
