import { loadavg } from 'node:os'
import { cpuUsage } from 'node:process'
import { Pool } from 'pg'
import type { EpisodeOutcome } from '#evaluator'
import {
  createPostgresStore,
  createSqliteStore,
  type IndexedMessage,
  type IndexerStore,
  projectMessage,
} from '#indexer'
import { buildResult } from '#node'
import {
  createPeerAllowlist,
  createPeerRecord,
  decodeEnvelope,
  type GossipValidationContext,
  hotkeyFromSeed,
  initCrypto,
  type JobAnnouncement,
  nodeKeyFromSeed,
  type OpenedMessage,
  sealEnvelope,
  signingPayload,
  signPeerRecord,
  ss58FromPublicKey,
  validateGossip,
  validateGossipAsync,
  verifySignature,
  verifySignatureAsync,
} from '#protocol'
import { makeTempDir, type TempDir } from '../utils/temp-dir.js'
import { type Bench, type BenchRow, fmt, type Measurement, measure } from './harness.js'

// Indexer ingest end to end (issue 7, design §9): signed `result` envelopes → validateGossip(Async) →
// projectMessage → IndexerStore.ingest in batches of 100, on SQLite (file, WAL, NORMAL) and PostgreSQL.
// The async pipeline overlaps the threadpool verifies of batch k+1 with the projection and store write of
// batch k. Baseline, same run: sync validateGossip + SQLite. Context rows split the path into its stages
// (verify only, validate only, project + store only) so the end-to-end figure can be explained.

const NETUID = 7
const HEAD = 1_000_000
/** Validators: node keys bound to permitted hotkeys by peer records in a real allowlist. */
const NODES = 64
/** Episodes per result (a realistic small job). */
const EPISODES = 10
/** Messages per store transaction, as the observer's batch writer (perf.md §3: near the SQLite optimum). */
const BATCH = 100
/** Results per repeat at scale 1: 2-5 s per repeat at the rates perf.md §3 predicts. */
const RESULTS = 20_000
/** perf.md §3 summary: the target for verify + SQLite ingest on 2 cores. */
const TARGET_SQLITE = 10_000
const PG_URL = process.env.KINITRO_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test'

interface Fixture {
  ctx: GossipValidationContext
  envelopes: Uint8Array[]
  /** What each envelope's signature covers, for the verify-only rows. */
  signed: { signer: Uint8Array; payload: Uint8Array; signature: Uint8Array }[]
}

const seed = (tag: number, i: number): Uint8Array => {
  const s = new Uint8Array(32).fill(tag)
  new DataView(s.buffer).setUint32(0, i)
  return s
}

function episodes(salt: number): EpisodeOutcome[] {
  return Array.from({ length: EPISODES }, (_, i) => ({
    envId: i % 2 === 0 ? 'mujoco/reach-v1' : 'mujoco/push-v1',
    taskId: `task-${i % 3}`,
    episodeIndex: i,
    seed: salt * EPISODES + i,
    success: (salt + i) % 3 !== 0,
    successAtEnd: (salt + i) % 3 !== 0,
    totalReward: ((salt + i) % 17) * 0.37 - 1,
    steps: 200 + i,
    durationMs: 1800 + i,
    latencyP50Ms: 4,
    latencyP99Ms: 9,
    latencyMaxMs: 12,
    finalStateHash: Buffer.from(seed(0x30, salt * EPISODES + i)).toString('hex'),
    simulator: { name: 'mujoco', version: '3.3.2' },
  }))
}

async function fixture(count: number): Promise<Fixture> {
  await initCrypto()
  const nodes = await Promise.all(Array.from({ length: NODES }, (_, i) => nodeKeyFromSeed(seed(0x40, i))))
  const hotkeys = await Promise.all(Array.from({ length: NODES }, (_, i) => hotkeyFromSeed(seed(0x80, i))))
  const permitted = new Set(hotkeys.map((h) => Buffer.from(h.publicKey).toString('hex')))
  const isPermitted = (hk: Uint8Array): boolean => permitted.has(Buffer.from(hk).toString('hex'))
  const allowlist = createPeerAllowlist({ netuid: NETUID, headBlock: () => HEAD, isPermitted })
  nodes.forEach((n, i) => {
    const record = createPeerRecord({
      netuid: NETUID,
      hotkey: hotkeys[i]!.publicKey,
      nodeSigner: n.signer,
      issuedAtBlock: HEAD - 10,
    })
    allowlist.addPeerRecord(signPeerRecord(record, hotkeys[i]!.signer))
  })
  const envelopes = Array.from({ length: count }, (_, i) => {
    const announcement = {
      jobId: seed(0x11, i),
      competitionId: 'reach-2026',
      minerHotkey: seed(0x22, i % 256),
    } as JobAnnouncement
    const finished = HEAD - (i % 600)
    const body = buildResult({
      netuid: NETUID,
      announcement,
      episodes: episodes(i),
      startedAtBlock: finished - 20,
      finishedAtBlock: finished,
      artifactUris: [`s3://kinitro-artifacts/jobs/${i}/episodes.jsonl`],
    })
    return sealEnvelope('result', body, NETUID, nodes[i % NODES]!.signer)
  })
  const signed = envelopes.map((bytes) => {
    const env = decodeEnvelope(bytes)
    return { signer: env.signer, payload: signingPayload('result', NETUID, env.body), signature: env.signature }
  })
  return { ctx: { netuid: NETUID, headBlock: HEAD, isPermitted, allowlist }, envelopes, signed }
}

// The observer's hand-off to the store. The hotkey a signer stands for is derived once per binding:
// SS58 encoding (blake2b in JS) measured ~10% of a result's CPU when done per message.
const ss58OfBinding = new WeakMap<object, string>()
function hotkeyOf(m: OpenedMessage, ctx: GossipValidationContext): string | null {
  const bound = ctx.allowlist.bindingForSigner(m.signer)
  if (bound === undefined) return null
  let ss58 = ss58OfBinding.get(bound)
  if (ss58 === undefined) {
    ss58 = ss58FromPublicKey(bound.hotkey)
    ss58OfBinding.set(bound, ss58)
  }
  return ss58
}

function project(m: OpenedMessage, bytes: Uint8Array, ctx: GossipValidationContext): IndexedMessage {
  return projectMessage({
    id: m.id,
    topic: 'results',
    block: m.type === 'result' ? m.body.block : 0,
    signer: m.signer,
    hotkey: hotkeyOf(m, ctx),
    envelope: bytes,
    // As the observer does: the body validation decoded is projected, not decoded again.
    opened: { type: m.type, body: m.body },
  })
}

const batchesOf = <T>(items: readonly T[]): T[][] =>
  Array.from({ length: Math.ceil(items.length / BATCH) }, (_, k) => items.slice(k * BATCH, (k + 1) * BATCH))

function expectAll(stored: number, expected: number, what: string): void {
  // A refused or dropped message would make the rate a lie.
  if (stored !== expected) throw new Error(`${what}: stored ${stored} of ${expected} results`)
}

/** (a) Everything on the event loop, one batch after the other. */
async function ingestSync(f: Fixture, store: IndexerStore): Promise<void> {
  let stored = 0
  for (const batch of batchesOf(f.envelopes)) {
    const rows = batch.map((bytes) => project(validateGossip('results', bytes, f.ctx), bytes, f.ctx))
    stored += (await store.ingest(rows)).inserted.length
  }
  expectAll(stored, f.envelopes.length, 'sync')
}

/** (b, c) Verifies of batch k+1 run on the threadpool while batch k is projected and written. */
async function ingestPipelined(f: Fixture, store: IndexerStore): Promise<void> {
  const validate = (batch: Uint8Array[]) =>
    Promise.all(batch.map((bytes) => validateGossipAsync('results', bytes, f.ctx)))
  const batches = batchesOf(f.envelopes)
  let stored = 0
  let next = validate(batches[0] ?? [])
  for (let k = 0; k < batches.length; k++) {
    const opened = await next
    // Starting the next batch runs its pre-signature checks now and queues its verifies.
    if (k + 1 < batches.length) next = validate(batches[k + 1]!)
    const batch = batches[k]!
    stored += (await store.ingest(opened.map((m, i) => project(m, batch[i]!, f.ctx)))).inserted.length
  }
  expectAll(stored, f.envelopes.length, 'pipelined')
}

/** A fresh store per repeat (an ingest into a filled store would measure duplicate skipping). */
interface StoreKind {
  open(): Promise<IndexerStore>
  cleanup(): Promise<void>
}

function sqliteKind(): StoreKind {
  const dirs: TempDir[] = []
  return {
    async open() {
      const tmp = makeTempDir('kinitro-ingest-bench-')
      dirs.push(tmp)
      return createSqliteStore({ path: tmp.file('indexer.sqlite') })
    },
    async cleanup() {
      for (const d of dirs.splice(0)) d.cleanup()
    },
  }
}

function postgresKind(): StoreKind {
  const run = `bench_ingest_${process.pid}_${Date.now().toString(36)}`
  const schemas: string[] = []
  return {
    async open() {
      const schema = `${run}_${schemas.length}`
      schemas.push(schema)
      return createPostgresStore({ url: PG_URL, schema })
    },
    async cleanup() {
      if (schemas.length === 0) return
      const pool = new Pool({ connectionString: PG_URL, max: 1 })
      try {
        for (const s of schemas.splice(0)) await pool.query(`DROP SCHEMA IF EXISTS "${s}" CASCADE`)
      } finally {
        await pool.end()
      }
    },
  }
}

/** A measurement plus the process CPU (event loop and threadpool) spent per result in the timed part. */
interface Timed {
  m: Measurement
  cpuUsPerResult: number
}

/** Time `body` over the whole fixture, `repeats` times, each on a fresh store when `kind` is given. */
async function timed(
  f: Fixture,
  repeats: number,
  body: (store: IndexerStore | undefined) => Promise<unknown> | unknown,
  kind?: StoreKind,
): Promise<Timed> {
  let store: IndexerStore | undefined
  let cpuUs = 0
  try {
    const m = await measure({
      ops: f.envelopes.length,
      opsPerCall: f.envelopes.length,
      repeats,
      setup: async () => {
        store = await kind?.open()
        return async () => {
          const c0 = cpuUsage()
          await body(store)
          const c = cpuUsage(c0)
          cpuUs += c.user + c.system
        }
      },
      teardown: async () => {
        await store?.close()
        store = undefined
      },
    })
    return { m, cpuUsPerResult: cpuUs / (f.envelopes.length * repeats) }
  } finally {
    await store?.close()
    await kind?.cleanup()
  }
}

const endToEnd =
  (pipeline: (f: Fixture, s: IndexerStore) => Promise<void>, kind: () => StoreKind) =>
  (f: Fixture, repeats: number): Promise<Timed> =>
    timed(f, repeats, (s) => pipeline(f, s as IndexerStore), kind())

function verifyOnly(async: boolean) {
  return (f: Fixture, repeats: number) =>
    timed(f, repeats, async () => {
      for (const batch of batchesOf(f.signed)) {
        const ok = async
          ? await Promise.all(batch.map((s) => verifySignatureAsync('ed25519', s.signer, s.payload, s.signature)))
          : batch.map((s) => verifySignature('ed25519', s.signer, s.payload, s.signature))
        if (ok.includes(false)) throw new Error('fixture signature does not verify')
      }
    })
}

function validateOnly(async: boolean) {
  return (f: Fixture, repeats: number) =>
    timed(f, repeats, async () => {
      for (const batch of batchesOf(f.envelopes)) {
        if (async) await Promise.all(batch.map((b) => validateGossipAsync('results', b, f.ctx)))
        else for (const b of batch) validateGossip('results', b, f.ctx)
      }
    })
}

function projectOnly(f: Fixture, repeats: number): Promise<Timed> {
  const opened = f.envelopes.map((b) => validateGossip('results', b, f.ctx))
  return timed(f, repeats, () => opened.map((m, i) => project(m, f.envelopes[i]!, f.ctx)))
}

function storeOnly(kind: () => StoreKind, opts: { episodeRows: boolean } = { episodeRows: true }) {
  return (f: Fixture, repeats: number): Promise<Timed> => {
    const rows = f.envelopes
      .map((b) => project(validateGossip('results', b, f.ctx), b, f.ctx))
      // Without per-episode rows: what the store costs if episodes stayed in the message (read on demand).
      .map((r) =>
        opts.episodeRows || r.projection.kind !== 'result'
          ? r
          : { ...r, projection: { ...r.projection, episodes: [] } },
      )
    return timed(
      f,
      repeats,
      async (store) => {
        for (const batch of batchesOf(rows)) await (store as IndexerStore).ingest(batch)
      },
      kind(),
    )
  }
}

type Case = [row: string, kind: 'end-to-end' | 'context', run: (f: Fixture, repeats: number) => Promise<Timed>]

const CASES: Case[] = [
  ['(a) sync validateGossip + SQLite', 'end-to-end', endToEnd(ingestSync, sqliteKind)],
  ['(b) async validateGossipAsync + SQLite, pipelined', 'end-to-end', endToEnd(ingestPipelined, sqliteKind)],
  ['(c) async validateGossipAsync + PostgreSQL, pipelined', 'end-to-end', endToEnd(ingestPipelined, postgresKind)],
  ['(c0) sync validateGossip + PostgreSQL', 'end-to-end', endToEnd(ingestSync, postgresKind)],
  ['verify only, ed25519 sync (verifySignature)', 'context', verifyOnly(false)],
  [`verify only, ed25519 async (verifySignatureAsync, ${BATCH} in flight)`, 'context', verifyOnly(true)],
  ['validate only, validateGossip', 'context', validateOnly(false)],
  [`validate only, validateGossipAsync (${BATCH} in flight)`, 'context', validateOnly(true)],
  ['project only (projectMessage + hotkey)', 'context', projectOnly],
  ['SQLite ingest only (projected rows)', 'context', storeOnly(sqliteKind)],
  ['PostgreSQL ingest only (projected rows)', 'context', storeOnly(postgresKind)],
  ['SQLite ingest only, no episode rows', 'context', storeOnly(sqliteKind, { episodeRows: false })],
]

export const bench: Bench = {
  name: 'indexer-ingest',
  description: `signed results (${EPISODES} episodes, ${NODES} bound node keys) validated + projected + stored in batches of ${BATCH}; results/s and ratio vs (a) sync + SQLite; cpuUs = process CPU per result (both cores)`,
  about:
    "The indexer's ingest path end to end: signed result envelopes (10 episodes each, 64 bound node keys) through validateGossip (sync, or async with threadpool verifies), projection and IndexerStore.ingest in batches of 100, on SQLite and PostgreSQL. Baseline in the same run: row (a), sync validation + SQLite. Context rows time each stage alone (verify, validate, project, store) so the end-to-end figure can be explained. Target (indexer issue, perf.md §3): ≥ 10,000 results/s verify + SQLite ingest on 2 cores.",
  columns: {
    ratio: "results/s ÷ row (a)'s results/s (higher is better)",
    cpuUs: 'process CPU per result, both cores',
  },
  whyNot:
    'the target (perf.md §3) was for one ~350 B row per result; ours stores 12 rows (a message, a result, 10 indexed episodes) after full gossip validation. The context rows say what would meet it: the store is the bound (SQLite ingest alone is well under 10k/s, and most of it is the episode rows: compare the row without them), and validation on one core is about 9k/s. Keeping episodes in the stored message (read on demand) and validating on both cores (the async row) would put both stages past 10k/s.',
  async run(opts) {
    const count = Math.max(2 * BATCH, Math.round(RESULTS * opts.scale))
    const log = (what: string) => process.stderr.write(`indexer-ingest: ${what}\n`)
    log(`signing ${count} results`)
    const f = await fixture(count)
    const measured: { row: string; kind: string; t?: Timed; note?: string; load: number }[] = []
    for (const [row, kind, run] of CASES) {
      log(row)
      try {
        measured.push({ row, kind, t: await run(f, opts.repeats), load: loadavg()[0] ?? 0 })
      } catch (err) {
        // PostgreSQL may be absent where the bench runs: say so in its rows rather than lose the others.
        measured.push({
          row,
          kind,
          note: `failed: ${err instanceof Error ? err.message : String(err)}`,
          load: loadavg()[0] ?? 0,
        })
      }
    }
    const base = measured[0]?.t?.m.opsPerSec ?? Number.NaN
    return measured.map(({ row, kind, t, note, load }): BenchRow => {
      if (t === undefined) return { row, kind, resultsPerSec: 'n/a', ratio: 'n/a', cpuUs: 'n/a', runs: note ?? '' }
      return {
        row,
        kind,
        resultsPerSec: fmt(t.m.opsPerSec),
        ratio: fmt(t.m.opsPerSec / base, 2),
        usPerResult: fmt(1e6 / t.m.opsPerSec, 1),
        cpuUs: fmt(t.cpuUsPerResult, 1),
        runs: t.m.runs.map((x) => fmt(x)).join(' / '),
        // The machine is shared: a 1-minute load well above what this bench adds (~2) means other work competed.
        load1: fmt(load, 1),
        ...(kind === 'end-to-end' && row.includes('SQLite')
          ? { targetMet: t.m.opsPerSec >= TARGET_SQLITE ? 'yes' : 'no' }
          : {}),
      }
    })
  },
}
