import { randomBytes } from 'node:crypto'
import Database from 'better-sqlite3'
import { Client } from 'pg'
// The store module directly (as other benches reach into evaluator/src): the #indexer door would load the
// whole indexer (fastify, libp2p) for a storage-only measurement.
import {
  createPostgresStore,
  createSqliteStore,
  type IndexedMessage,
  type IndexerStore,
} from '../../backend-indexer/src/store/index.js'
import { hexId, hotkey, resultMsg } from '../../backend-indexer/test/unit/store/fixtures.js'
import { makeTempDir, type TempDir } from '../utils/temp-dir.js'
import { type Bench, type BenchRow, fmt, type Measurement, measure } from './harness.js'

// Storage only (verification has its own bench): the indexer store ingesting realistic result messages,
// each with 10 episodes and a ~1.5 KiB envelope, in batches of 100 (perf.md §3's sweet spot), into SQLite
// (a WAL file in a temp dir, synchronous=NORMAL as the store defaults) and PostgreSQL (one schema per
// repeat), side by side. Baseline, same run and disk: perf.md §3's bare better-sqlite3 shape — the same
// messages, results and episodes rows with primary keys only, INSERT OR IGNORE, one transaction per batch —
// so "store/bare" is what our indexes, dedupe and projections cost.

const N = 10_000
const BATCH = 100
const EPISODES = 10
const ENVELOPE_BYTES = 1536
// Table rows each result message writes: its message, its result and its episodes.
const ROWS_PER_MESSAGE = 2 + EPISODES
const PG_URL = process.env.KINITRO_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test'

function messages(n: number): IndexedMessage[] {
  const validators = [hotkey('valA'), hotkey('valB'), hotkey('valC')]
  const miners = Array.from({ length: 50 }, (_, i) => hotkey(`miner${i}`))
  return Array.from({ length: n }, (_, i) => {
    const minerHotkey = miners[i % miners.length]!
    const m = resultMsg({
      jobId: hexId(`bench-job-${Math.floor(i / 3)}`),
      validator: validators[i % validators.length]!,
      competitionId: i % 2 === 0 ? 'reach-v1' : 'push-v1',
      minerHotkey,
      block: 1000 + Math.floor(i / 10),
      episodes: EPISODES,
    })
    return { ...m, envelope: randomBytes(ENVELOPE_BYTES) }
  })
}

interface Subject {
  ingest(batch: IndexedMessage[]): Promise<unknown> | unknown
  close(): Promise<void> | void
}

async function sqliteSubject(tmp: TempDir): Promise<Subject> {
  const store = await createSqliteStore({ path: tmp.file('indexer.sqlite') })
  return { ingest: (b) => store.ingest(b), close: () => store.close() }
}

let pgRun = 0
async function postgresSubject(): Promise<Subject> {
  const schema = `bench_store_${process.pid}_${++pgRun}`
  const store: IndexerStore = await createPostgresStore({ url: PG_URL, schema })
  return {
    ingest: (b) => store.ingest(b),
    async close() {
      await store.close()
      const client = new Client({ connectionString: PG_URL })
      await client.connect()
      await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
      await client.end()
    },
  }
}

function bareSubject(tmp: TempDir): Subject {
  const db = new Database(tmp.file('bare.sqlite'))
  db.pragma('journal_mode = WAL')
  db.pragma('synchronous = NORMAL')
  db.exec(`CREATE TABLE messages (seq INTEGER PRIMARY KEY, id BLOB UNIQUE, topic TEXT, block INTEGER, hotkey TEXT,
      received_at INTEGER, envelope BLOB);
    CREATE TABLE results (message_id BLOB PRIMARY KEY, body TEXT) WITHOUT ROWID;
    CREATE TABLE episodes (result_id BLOB, episode_index INTEGER, body TEXT, PRIMARY KEY (result_id, episode_index)) WITHOUT ROWID;`)
  const msg = db.prepare(
    'INSERT OR IGNORE INTO messages (id, topic, block, hotkey, received_at, envelope) VALUES (?, ?, ?, ?, ?, ?)',
  )
  const res = db.prepare('INSERT OR IGNORE INTO results VALUES (?, ?)')
  const ep = db.prepare('INSERT OR IGNORE INTO episodes VALUES (?, ?, ?)')
  const tx = db.transaction((batch: IndexedMessage[]) => {
    for (const m of batch) {
      const id = Buffer.from(m.id, 'hex')
      msg.run(id, m.topic, m.block, m.hotkey, m.receivedAt, m.envelope)
      if (m.projection.kind !== 'result') continue
      res.run(id, JSON.stringify(m.projection.result))
      for (const e of m.projection.episodes) ep.run(id, e.episodeIndex, JSON.stringify(e))
    }
  })
  return {
    ingest: (b) => tx.immediate(b),
    close: () => {
      db.close()
    },
  }
}

type Impl = 'sqlite' | 'postgres' | 'bare sqlite'

/** A measurement plus this process's CPU time per result (µs), which a busy shared box does not inflate. */
type Measured = Measurement & { cpuUsPerResult: number }

async function run(impl: Impl, msgs: IndexedMessage[], repeats: number): Promise<Measured> {
  let tmp: TempDir | undefined
  let subject: Subject | undefined
  let cpuUs = 0
  let results = 0
  const m = await measure({
    ops: msgs.length,
    repeats,
    opsPerCall: BATCH,
    setup: async () => {
      tmp = makeTempDir('kinitro-indexer-store-bench-')
      const s =
        impl === 'sqlite' ? await sqliteSubject(tmp) : impl === 'postgres' ? await postgresSubject() : bareSubject(tmp)
      subject = s
      return async (i) => {
        const batch = msgs.slice(i * BATCH, (i + 1) * BATCH)
        const c0 = process.cpuUsage()
        await s.ingest(batch)
        const c = process.cpuUsage(c0)
        cpuUs += c.user + c.system
        results += batch.length
      }
    },
    teardown: async () => {
      await subject?.close()
      tmp?.cleanup()
    },
  })
  return { ...m, cpuUsPerResult: cpuUs / results }
}

async function pgReachable(): Promise<string | undefined> {
  const client = new Client({ connectionString: PG_URL, connectionTimeoutMillis: 3000 })
  try {
    await client.connect()
    await client.end()
    return undefined
  } catch (err) {
    return err instanceof Error ? err.message : String(err)
  }
}

/** Ingest throughput of the indexer store, SQLite vs PostgreSQL, against a bare SQLite baseline. */
export const bench: Bench = {
  name: 'indexer-store',
  description: `indexer store ingest: result messages (${EPISODES} episodes each) in batches of ${BATCH}, SQLite vs PostgreSQL vs bare SQLite`,
  about:
    "Storage alone: the indexer store ingesting realistic result messages (10 episodes, ~1.5 KiB envelope) in batches of 100 into SQLite (WAL, NORMAL) and PostgreSQL (a schema per repeat). Baseline in the same run and disk: perf.md §3's bare better-sqlite3 shape (the same rows, primary keys only, INSERT OR IGNORE, one transaction per batch), so the ratio is what our indexes, dedupe and projections cost.",
  columns: {
    'vs sqlite store': "results/s ÷ our SQLite store's results/s",
    'vs bare sqlite': "results/s ÷ the bare SQLite baseline's results/s (higher is better)",
  },
  async run({ repeats, scale }) {
    const n = Math.max(BATCH * 5, Math.round((N * scale) / BATCH) * BATCH)
    const msgs = messages(n)
    const pgDown = await pgReachable()
    if (pgDown !== undefined)
      process.stderr.write(`indexer-store bench: PostgreSQL unreachable (${pgDown}); skipping it\n`)
    const measured = new Map<Impl, Measured>()
    for (const impl of ['bare sqlite', 'sqlite', 'postgres'] as const) {
      if (impl === 'postgres' && pgDown !== undefined) continue
      const m = await run(impl, msgs, repeats)
      measured.set(impl, m)
      process.stderr.write(`indexer-store bench: ${impl}: ${fmt(m.opsPerSec)} results/s\n`)
    }
    const sqlite = measured.get('sqlite')!
    const bare = measured.get('bare sqlite')!
    return [...measured].map(
      ([impl, m]): BenchRow => ({
        store: impl,
        results: n,
        'results/s': fmt(m.opsPerSec),
        'rows/s': fmt(m.opsPerSec * ROWS_PER_MESSAGE),
        runs: m.runs.map((r) => fmt(r)).join(' / '),
        'p50 ms/batch': fmt((m.p50Us ?? Number.NaN) / 1000, 2),
        'p99 ms/batch': fmt((m.p99Us ?? Number.NaN) / 1000, 2),
        'vs sqlite store': fmt(m.opsPerSec / sqlite.opsPerSec, 2),
        'vs bare sqlite': fmt(m.opsPerSec / bare.opsPerSec, 2),
        // For PostgreSQL this is the client side only (encoding, pg protocol); the server's CPU is not in it.
        'client cpu µs/result': fmt(m.cpuUsPerResult, 1),
      }),
    )
  },
}
