import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { identify } from '@libp2p/identify'
import type { Libp2p } from '@libp2p/interface'
import { tcp } from '@libp2p/tcp'
import { createLibp2p } from 'libp2p'
import { openEnvelope, sealEnvelope } from '../../../src/envelope/envelope.js'
import { ed25519Signer } from '../../../src/identity/signer.js'
import { messageId } from '../../../src/ids/message-id.js'
import type { SyncVerdict } from '../../../src/mesh/sync/client.js'
import type { SyncRangeQuery, SyncSource } from '../../../src/mesh/sync/source.js'
import { createJobStatus } from '../../../src/messages/jobs.js'
import type { TopicName } from '../../../src/messages/topics.js'
import { JobState } from '../../../src/messages/types.js'
import { isValidationError } from '../../../src/validation/errors.js'

// Shared test helpers: bare libp2p nodes (tcp + noise + yamux + identify, monitor off) and signed items.

export const NETUID = 7

/** A bare libp2p 3 node listening on 127.0.0.1, port 0. */
export async function makeNode(): Promise<Libp2p> {
  return createLibp2p({
    addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] },
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    connectionMonitor: { enabled: false },
    services: { identify: identify({ runOnConnectionOpen: false }) },
  })
}

export interface Item {
  block: number
  topic: TopicName
  envelope: Uint8Array
  id: string
}

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex')

/** `n` real signed job-status envelopes (topic `status`), one per block from `firstBlock`. */
export function makeItems(n: number, firstBlock = 100): Item[] {
  const signer = ed25519Signer(new Uint8Array(32).fill(5))
  return Array.from({ length: n }, (_, i) => {
    const block = firstBlock + i
    const jobId = new Uint8Array(32).fill(i % 251)
    jobId[0] = i >> 8
    const body = createJobStatus({
      netuid: NETUID,
      block,
      jobId,
      state: JobState.RUNNING,
      episodesDone: i,
      episodesTotal: 1000,
    })
    const envelope = sealEnvelope('job-status', body, NETUID, signer)
    return { block, topic: 'status' as const, envelope, id: hex(messageId(envelope)) }
  })
}

/** The same envelope with one signature byte flipped: well-formed, but its signature is forged. */
export function forge(envelope: Uint8Array): Uint8Array {
  const out = envelope.slice()
  out[out.length - 1] = (out[out.length - 1] ?? 0) ^ 0xff
  return out
}

export const idOf = (envelope: Uint8Array) => hex(messageId(envelope))

/** An in-memory SyncSource over `items` (ordered by block); cursors are a 4-byte index. */
export function memorySource(items: readonly Item[]): SyncSource & { rangeCalls: SyncRangeQuery[] } {
  const rangeCalls: SyncRangeQuery[] = []
  return {
    rangeCalls,
    status: () => ({
      headBlock: Math.max(0, ...items.map((i) => i.block)),
      oldestBlock: Math.min(...items.map((i) => i.block)),
      count: items.length,
    }),
    range(q) {
      rangeCalls.push(q)
      const start = q.cursor === undefined ? 0 : new DataView(q.cursor.buffer, q.cursor.byteOffset).getUint32(0)
      const match = items.filter((i) => i.topic === q.topic && i.block >= q.fromBlock && i.block <= q.toBlock)
      const page = match.slice(start, start + q.limit)
      const end = start + page.length
      if (end >= match.length) return { items: page.map((i) => i.envelope) }
      const cursor = new Uint8Array(4)
      new DataView(cursor.buffer).setUint32(0, end)
      return { items: page.map((i) => i.envelope), nextCursor: cursor }
    },
    byId(ids) {
      const want = new Set(ids.map(hex))
      return items.filter((i) => want.has(i.id)).map((i) => i.envelope)
    },
  }
}

/** The gossip validator in sync mode (stale allowed), mapped to a verdict. */
export async function validateItem(envelope: Uint8Array): Promise<SyncVerdict> {
  try {
    openEnvelope(envelope, { netuid: NETUID, expectedType: 'job-status', acceptStale: true })
    return 'accept'
  } catch (err) {
    if (isValidationError(err)) return err.action
    throw err
  }
}

/** Poll `cond` until true or the (generous) deadline passes. */
export async function waitFor(cond: () => boolean | Promise<boolean>, ms = 15_000): Promise<void> {
  const end = Date.now() + ms
  while (!(await cond())) {
    if (Date.now() > end) throw new Error('condition not met before deadline')
    await new Promise((r) => setTimeout(r, 20))
  }
}
