import { createCipheriv, createHash, randomBytes } from 'node:crypto'
import { createStore, type Store } from '#node'
import { topicOfType, validateGossip } from '#protocol'
import { fmt, measure } from '../bench/harness.js'
import { makeTempDir } from '../utils/temp-dir.js'
import { buildFixtures, type FixtureKeys, type FixtureShape, SIM_TYPES, type SimType } from './fixtures.js'

// Per-message costs measured in this process on the real codecs and store: what the model multiplies by
// message counts. Timings are medians over repeats (harness.measure), in µs per message.

/** Measured costs of one message type at one fixture shape. */
export interface TypeCost {
  /** Envelope bytes (the gossipsub payload). */
  bytes: number
  /** decode + validate + verify (validateGossip: ed25519 for node-signed, sr25519 for owner/hotkey). */
  validateUs: number
  /** One autocommit append to the SQLite message log (node default synchronous=FULL, WAL). */
  storeUs: number
}

/** Costs for every type at one shape, plus the costs that do not depend on the type. */
export interface MessageCosts {
  shape: FixtureShape
  types: Record<SimType, TypeCost>
  /**
   * Skipping a catch-up item the node already holds: SHA-256 of the envelope and the log's id lookup
   * (the sync client's `known` check, node/src/node/create.ts).
   */
  knownUs: number
  /** Reading one item of a 256-item range page (serving catch-up). */
  serveUsPerItem: number
}

export interface MeasureCostsOptions {
  repeats: number
  /** Scale factor for operation counts (1 = full size). */
  scale: number
}

const ops = (n: number, scale: number): number => Math.max(20, Math.round(n * scale))

// Operation counts at scale 1: sized so each repeat runs ~0.2-1 s at the rates perf.md §3 reports.
const VALIDATE_OPS = 2000
const SR25519_OPS = 600
const STORE_OPS = 1500
const SERVE_PAGES = 40

function entry(type: SimType, envelope: Uint8Array, n: number) {
  // Distinct ids per append so every insert is a new row, as live traffic is.
  const id = new Uint8Array(createHash('sha256').update(envelope).update(String(n)).digest())
  return { id, topic: topicOfType(type), type, block: 1_000_000 + (n % 1000), signer: id, envelope }
}

async function storeCosts(
  envelopes: Record<SimType, Uint8Array>,
  timed: readonly SimType[],
  o: MeasureCostsOptions,
): Promise<{ store: Partial<Record<SimType, number>>; known: number; serve: number }> {
  const tmp = makeTempDir('kinitro-sim-')
  let store: Store | undefined
  try {
    store = createStore({ path: tmp.file('node.sqlite') })
    const s = store
    const out: Partial<Record<SimType, number>> = {}
    let n = 0
    for (const t of timed) {
      const m = await measure({
        ops: ops(STORE_OPS, o.scale),
        repeats: o.repeats,
        setup: () => () => s.log.append(entry(t, envelopes[t], n++)),
      })
      out[t] = 1e6 / m.opsPerSec
    }
    const held = envelopes['job-status']
    const heldId = (): Uint8Array => new Uint8Array(createHash('sha256').update(held).digest())
    s.log.append({ ...entry('job-status', held, 0), id: heldId() })
    const known = await measure({
      ops: ops(STORE_OPS, o.scale),
      repeats: o.repeats,
      setup: () => () => {
        if (!s.log.has(heldId())) throw new Error('the held item must be found')
      },
    })
    const page = await measure({
      ops: ops(SERVE_PAGES, o.scale),
      repeats: o.repeats,
      setup: () => () => s.log.range({ fromBlock: 0, toBlock: 2_000_000, limit: 256 }),
    })
    return { store: out, known: 1e6 / known.opsPerSec, serve: 1e6 / page.opsPerSec / 256 }
  } finally {
    store?.close()
    tmp.cleanup()
  }
}

/** The types whose envelope changes with the fixture shape (tasks × episodes). */
const SHAPE_DEPENDENT: readonly SimType[] = ['result', 'competition-manifest']

/**
 * Measure each type's size, validation time and store time at `shape`. With `reuse`, only the types whose
 * envelope changes with the shape (result, manifest) are timed and the rest keep `reuse`'s timings: fewer
 * timings, less noise.
 */
export async function measureCosts(
  keys: FixtureKeys,
  shape: FixtureShape,
  o: MeasureCostsOptions,
  reuse?: MessageCosts,
): Promise<MessageCosts> {
  const timed: readonly SimType[] = reuse === undefined ? SIM_TYPES : SHAPE_DEPENDENT
  const { envelopes, context } = buildFixtures(keys, shape)
  const validate: Partial<Record<SimType, number>> = {}
  for (const t of timed) {
    const topic = topicOfType(t)
    const bytes = envelopes[t]
    const slow = t === 'peer-record' || t === 'competition-manifest'
    const m = await measure({
      ops: ops(slow ? SR25519_OPS : VALIDATE_OPS, o.scale),
      repeats: o.repeats,
      setup: () => () => validateGossip(topic, bytes, context),
    })
    validate[t] = 1e6 / m.opsPerSec
  }
  const s = await storeCosts(envelopes, timed, o)
  const types = {} as Record<SimType, TypeCost>
  for (const t of SIM_TYPES) {
    const prior = reuse?.types[t]
    const v = validate[t]
    const st = s.store[t]
    types[t] = {
      bytes: envelopes[t].length,
      validateUs: v === undefined ? (prior?.validateUs ?? 0) : fmt(v, 1),
      storeUs: st === undefined ? (prior?.storeUs ?? 0) : fmt(st, 1),
    }
  }
  return {
    shape,
    types,
    knownUs: reuse?.knownUs ?? fmt(s.known, 1),
    serveUsPerItem: reuse?.serveUsPerItem ?? fmt(s.serve, 2),
  }
}

const CIPHER_CHUNK = 16 * 1024
const CIPHER_OPS = 4000

/**
 * Noise's transport cipher (ChaCha20-Poly1305 through node:crypto, as @chainsafe/libp2p-noise uses on
 * Node), ns per byte, on 16 KiB chunks.
 */
export async function measureCipherNsPerByte(o: MeasureCostsOptions): Promise<number> {
  const key = randomBytes(32)
  const nonce = randomBytes(12)
  const chunk = randomBytes(CIPHER_CHUNK)
  const m = await measure({
    ops: ops(CIPHER_OPS, o.scale),
    repeats: o.repeats,
    setup: () => () => {
      const c = createCipheriv('chacha20-poly1305', key, nonce, { authTagLength: 16 })
      c.update(chunk)
      c.final()
      return c.getAuthTag()
    },
  })
  return fmt(1e9 / m.opsPerSec / CIPHER_CHUNK, 3)
}
