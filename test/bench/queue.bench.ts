import { randomBytes } from 'node:crypto'
import Database from 'better-sqlite3'
import { Client } from 'pg'
import PgBoss from 'pg-boss'
import { createStore, type JobQueue, type NewJob, type Store, type SynchronousMode } from '#node'
import { makeTempDir, type TempDir } from '../utils/temp-dir.js'
import { type Bench, type BenchRow, type BenchTarget, fmt, type Measurement, measure } from './harness.js'

// The durable job queue (node/src/store/queue.ts) on a real file, synchronous=NORMAL and FULL side by side,
// in the shapes of perf.md §1: enqueue 1 txn each and 100 per txn; claim+ack as 2 txns per job and as
// claim 100 + ack 100 per txn pair. Baselines, same run: the bare better-sqlite3 queue that perf.md §1
// measured (integer ids, one partial index, no idempotency key, leases or attempt checks), and pg-boss on
// the local PostgreSQL — the reference system's kind of queue — through its public API in the same shapes
// (send / insert 100; fetch + complete, one and 100 at a time), for issue 10's "≥ 10× its jobs/s".

const N = 50_000
const BATCH = 100
const PAYLOAD = randomBytes(250) // perf.md §1: "one payload of about 250 B"
const WORKER = 'bench-worker'
const PG_URL = process.env.KINITRO_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
const PGBOSS_QUEUE = 'bench'
// pg-boss keeps job data as jsonb, so the same 250 bytes travel as base64 in a JSON object.
const PGBOSS_DATA = { payload: PAYLOAD.toString('base64') }
// pg-boss's one-at-a-time shapes are slow here: send ~0.1-1.3k/s, and fetch+complete ~20 jobs/s on a queue
// of 50,000 (10.4.2's fetch costs grow with the queue; ANALYZE does not help), so 50,000 of them would take
// from minutes to hours per repeat. Those two cases time their first N operations only; fetch+complete runs
// on a queue filled with the full job count, so the table it claims from is as large as ours. Sending into
// a smaller queue only helps pg-boss, so both ratios err in its favour.
const PGBOSS_TIMED_SINGLE: Partial<Record<Case, number>> = { 'enqueue 1/txn': 2000, 'claim+ack 2 txn/job': 300 }
// A quick run is a smoke test of the code path.
const PGBOSS_QUICK_JOBS = 200
/** Issue 10: our queue's jobs/s at least this many times pg-boss's, same shape, same run. */
const PGBOSS_TARGET_RATIO = 10

// perf.md summary table, "close to the physical limit" targets on the standard machine (ops/s).
const TARGETS: Record<SynchronousMode, Record<Case, number>> = {
  NORMAL: {
    'enqueue 1/txn': 20_000,
    'enqueue 100/txn': 150_000,
    'claim+ack 2 txn/job': 12_000,
    'claim 100 + ack 100': 80_000,
  },
  FULL: {
    'enqueue 1/txn': 6_500,
    'enqueue 100/txn': 150_000,
    'claim+ack 2 txn/job': 3_300,
    'claim 100 + ack 100': 80_000,
  },
}
const CASES = ['enqueue 1/txn', 'enqueue 100/txn', 'claim+ack 2 txn/job', 'claim 100 + ack 100'] as const
type Case = (typeof CASES)[number]

/** The four operations under test, for our queue and for the baseline. */
interface Subject {
  enqueue(i: number): void
  enqueueBatch(from: number): void
  claimAck(): void
  claimAckBatch(): void
  close(): void
}

function jobIds(n: number): string[] {
  // Job ids are 32-byte hashes in hex (design.md §5); deterministic so runs compare.
  return Array.from({ length: n }, (_, i) => i.toString(16).padStart(64, '0'))
}

function storeSubject(path: string, synchronous: SynchronousMode, ids: string[]): Subject {
  const store: Store = createStore({ path, synchronous })
  const q: JobQueue = store.queue
  const job = (i: number): NewJob => ({ id: ids[i]!, payload: PAYLOAD })
  return {
    enqueue: (i) => void q.enqueue(job(i)),
    enqueueBatch: (from) => void q.enqueueMany(Array.from({ length: BATCH }, (_, k) => job(from + k))),
    claimAck: () => {
      const j = q.claim({ worker: WORKER })
      if (j === undefined) throw new Error('queue drained early')
      q.ack(j.id, WORKER)
    },
    claimAckBatch: () => {
      const js = q.claimMany({ worker: WORKER, limit: BATCH })
      q.ackMany(
        js.map((j) => j.id),
        WORKER,
      )
    },
    close: () => store.close(),
  }
}

function rawSubject(path: string, synchronous: SynchronousMode): Subject {
  const db = new Database(path)
  db.pragma('journal_mode = WAL')
  db.pragma(`synchronous = ${synchronous}`)
  db.exec(`CREATE TABLE IF NOT EXISTS jobs (id INTEGER PRIMARY KEY, queue TEXT, payload BLOB, status INTEGER,
    attempts INTEGER, run_at INTEGER, claimed_at INTEGER, worker TEXT);
    CREATE INDEX IF NOT EXISTS jobs_ready ON jobs (queue, run_at, id) WHERE status = 0;`)
  const ins = db.prepare(`INSERT INTO jobs (queue, payload, status, attempts, run_at) VALUES ('q', ?, 0, 0, ?)`)
  const claim = db.prepare(`UPDATE jobs SET status = 1, claimed_at = ?, worker = ?, attempts = attempts + 1
    WHERE id = (SELECT id FROM jobs WHERE queue = 'q' AND status = 0 ORDER BY run_at, id LIMIT 1) RETURNING id, payload`)
  const claimN = db.prepare(`UPDATE jobs SET status = 1, claimed_at = ?, worker = ?, attempts = attempts + 1
    WHERE id IN (SELECT id FROM jobs WHERE queue = 'q' AND status = 0 ORDER BY run_at, id LIMIT ?) RETURNING id, payload`)
  const ack = db.prepare('UPDATE jobs SET status = 2 WHERE id = ?')
  const insMany = db.transaction((n: number) => {
    for (let k = 0; k < n; k++) ins.run(PAYLOAD, Date.now())
  })
  const ackMany = db.transaction((ids: number[]) => {
    for (const id of ids) ack.run(id)
  })
  return {
    enqueue: () => void ins.run(PAYLOAD, Date.now()),
    enqueueBatch: () => insMany.immediate(BATCH),
    claimAck: () => {
      const row = claim.get(Date.now(), WORKER) as { id: number } | undefined
      if (row === undefined) throw new Error('queue drained early')
      ack.run(row.id)
    },
    claimAckBatch: () =>
      ackMany.immediate((claimN.all(Date.now(), WORKER, BATCH) as { id: number }[]).map((r) => r.id)),
    close: () => db.close(),
  }
}

type Impl = 'store' | 'raw'

async function run(c: Case, impl: Impl, mode: SynchronousMode, n: number, repeats: number): Promise<Measurement> {
  const ids = jobIds(n)
  let tmp: TempDir | undefined
  let subject: Subject | undefined
  const batched = c === 'enqueue 100/txn' || c === 'claim 100 + ack 100'
  return measure({
    ops: n,
    repeats,
    opsPerCall: batched ? BATCH : 1,
    setup: () => {
      tmp = makeTempDir('kinitro-queue-bench-')
      const path = tmp.file('queue.sqlite')
      const s = impl === 'store' ? storeSubject(path, mode, ids) : rawSubject(path, mode)
      subject = s
      // Claim cases start from a full queue, filled untimed in batches.
      if (c.startsWith('claim')) for (let i = 0; i < n; i += BATCH) s.enqueueBatch(i)
      switch (c) {
        case 'enqueue 1/txn':
          return (i) => s.enqueue(i)
        case 'enqueue 100/txn':
          return (i) => s.enqueueBatch(i * BATCH)
        case 'claim+ack 2 txn/job':
          return () => s.claimAck()
        case 'claim 100 + ack 100':
          return () => s.claimAckBatch()
      }
    },
    teardown: () => {
      subject?.close()
      tmp?.cleanup()
    },
  })
}

/** The PostgreSQL server's version and commit settings, or undefined when it cannot be reached. */
async function probePostgres(): Promise<string | undefined> {
  const client = new Client({ connectionString: PG_URL, connectionTimeoutMillis: 2000 })
  try {
    await client.connect()
    const show = async (name: string) => ((await client.query(`SHOW ${name}`)).rows[0] as Record<string, string>)[name]
    return `PostgreSQL ${await show('server_version')}, synchronous_commit=${await show('synchronous_commit')}, fsync=${await show('fsync')}`
  } catch {
    return undefined
  } finally {
    await client.end().catch(() => {})
  }
}

let pgRun = 0

/**
 * pg-boss in case `c`: a fresh schema per repeat (as our queue gets a fresh file), dropped after. Its
 * maintenance and cron loops are off so they do not run inside the timed window; production would run them.
 */
async function runPgBoss(c: Case, n: number, repeats: number): Promise<Measurement> {
  let boss: PgBoss | undefined
  let schema = ''
  const batched = c === 'enqueue 100/txn' || c === 'claim 100 + ack 100'
  return measure({
    ops: Math.min(n, PGBOSS_TIMED_SINGLE[c] ?? n),
    repeats,
    opsPerCall: batched ? BATCH : 1,
    setup: async () => {
      schema = `bench_pgboss_${process.pid}_${++pgRun}`
      const b = new PgBoss({ connectionString: PG_URL, schema, supervise: false, schedule: false })
      boss = b
      b.on('error', (err) => process.stderr.write(`queue bench: pg-boss error: ${err.message}\n`))
      await b.start()
      await b.createQueue(PGBOSS_QUEUE)
      const jobs = (k: number) => Array.from({ length: k }, () => ({ name: PGBOSS_QUEUE, data: PGBOSS_DATA }))
      if (c.startsWith('claim')) for (let i = 0; i < n; i += 1000) await b.insert(jobs(Math.min(1000, n - i)))
      switch (c) {
        case 'enqueue 1/txn':
          return () => b.send(PGBOSS_QUEUE, PGBOSS_DATA)
        case 'enqueue 100/txn':
          return () => b.insert(jobs(BATCH))
        case 'claim+ack 2 txn/job':
          return async () => {
            const [job] = await b.fetch(PGBOSS_QUEUE)
            if (job === undefined) throw new Error('pg-boss queue drained early')
            await b.complete(PGBOSS_QUEUE, job.id)
          }
        case 'claim 100 + ack 100':
          return async () => {
            const js = await b.fetch(PGBOSS_QUEUE, { batchSize: BATCH })
            await b.complete(
              PGBOSS_QUEUE,
              js.map((j) => j.id),
            )
          }
      }
    },
    teardown: async () => {
      await boss?.stop({ graceful: false })
      const client = new Client({ connectionString: PG_URL })
      await client.connect()
      try {
        await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
      } finally {
        await client.end()
      }
    },
  })
}

const unitOf = (c: Case) =>
  c === 'enqueue 100/txn' || c === 'claim 100 + ack 100'
    ? 'batch of 100'
    : c.startsWith('claim')
      ? 'job (2 txns)'
      : 'op'

/** Why a target can be missed on this box, for the report (shown only when it is). */
function whyNotMet(mode: SynchronousMode, c: Case, vsPgBoss: boolean): string {
  const single = !c.includes('100')
  if (vsPgBoss && mode === 'FULL' && c === 'enqueue 1/txn') {
    return "FULL waits for an fsync per commit, so one job per transaction runs at the disk's sync rate (perf.md: 6–7.6k/s), which pg-boss's send is not far below; compare NORMAL, same run."
  }
  if (vsPgBoss && mode === 'FULL' && c === 'enqueue 100/txn') {
    return "pg-boss's insert also writes 100 jobs per statement and commit; under FULL our fsync per commit costs about as much as the 100 inserts (compare NORMAL, same run)."
  }
  if (vsPgBoss) return "pg-boss's figure is from the same run; see its column and the note for its job count."
  if (mode === 'FULL' && single) {
    return "FULL fsyncs every commit: single-transaction shapes are bound by the disk's sync rate (perf.md: 6–7.6k/s), which other work on the shared disk lowers."
  }
  return 'Compare raw ops/s: if the bare SQL queue (same run) also misses, the box is the limit (perf.md measured the target on a quiet machine); if only ours does, our per-job lease, attempt and id bookkeeping is.'
}

/** Every target label's reason, as the bench's static `whyNot` (the report applies it to unmet targets). */
const WHY_NOT: Record<string, string> = Object.fromEntries(
  (['NORMAL', 'FULL'] as const).flatMap((mode) =>
    CASES.flatMap((c) => [
      [`${mode} · ${c}`, whyNotMet(mode, c, false)],
      [`${mode} · ${c} vs pg-boss`, whyNotMet(mode, c, true)],
    ]),
  ),
)

/** The durable job queue against perf.md §1's targets, a bare better-sqlite3 queue and pg-boss, in one run. */
export const bench: Bench = {
  name: 'queue',
  description:
    'durable job queue (SQLite WAL): enqueue and claim+ack, single and batched, NORMAL vs FULL, vs bare SQL and pg-boss',
  about:
    "The validator's durable job queue (node/src/store/queue.ts) on a real SQLite file in WAL mode, under synchronous=NORMAL and FULL (the default), in four shapes: enqueue one job per transaction and 100 per transaction; claim+ack as two transactions per job and as claim 100 + ack 100. The same jobs (50,000, ~250 B payload) go through two baselines in the same run: the bare better-sqlite3 queue perf.md §1 measured (no idempotency key, leases or attempt checks), which shows what our bookkeeping costs, and pg-boss on the local PostgreSQL (send / insert 100; fetch + complete one and 100 at a time), the kind of PostgreSQL queue the reference system used; pg-boss's one-at-a-time shapes time only their first operations (see the note), as they run at tens to hundreds of jobs/s. Targets: perf.md's \"close to the physical limit\" figures per mode and shape, and issue 10's ours ≥ 10× pg-boss's jobs/s.",
  columns: {
    'ops/s': 'jobs per second through our queue (median of the repeats); "runs" lists every repeat',
    'latency per': 'what one p50/p99 latency sample covers',
    'store/raw': "our ops/s ÷ the bare SQLite queue's ops/s (1 = no overhead; higher is better)",
    'ours/pg-boss': "our ops/s ÷ pg-boss's ops/s in the same shape (higher is better; the target is ≥ 10)",
  },
  whyNot: WHY_NOT,
  async run({ repeats, scale }) {
    const n = Math.max(BATCH * 10, Math.round((N * scale) / BATCH) * BATCH)
    const rows: BenchRow[] = []
    const targets: BenchTarget[] = []
    const notes: string[] = []
    const pgServer = await probePostgres()
    const pgN = scale < 1 ? Math.min(n, PGBOSS_QUICK_JOBS) : n
    // pg-boss first, once per case: its figure does not depend on our synchronous mode.
    const boss = new Map<Case, Measurement>()
    if (pgServer === undefined) {
      notes.push(`PostgreSQL is not reachable at ${PG_URL}: the pg-boss baseline was skipped (CI has it).`)
    } else {
      const timed = CASES.filter((c) => PGBOSS_TIMED_SINGLE[c] !== undefined)
        .map((c) => `${c}: first ${Math.min(pgN, PGBOSS_TIMED_SINGLE[c]!)} timed`)
        .join(', ')
      notes.push(
        `pg-boss on ${pgServer}; a queue of ${pgN} jobs per case (${timed}: its one-at-a-time shapes are too slow for all of them, see queue.bench.ts); its maintenance and cron loops off.`,
      )
      for (const c of CASES) {
        try {
          const m = await runPgBoss(c, pgN, repeats)
          boss.set(c, m)
          process.stderr.write(`queue bench: pg-boss ${c}: ${fmt(m.opsPerSec)} ops/s\n`)
        } catch (err) {
          // Keep our figures when the baseline breaks; the note and the n/a targets say what is missing.
          notes.push(`pg-boss ${c} failed: ${err instanceof Error ? err.message : String(err)}`)
        }
      }
    }
    for (const mode of ['NORMAL', 'FULL'] as const) {
      for (const c of CASES) {
        const ours = await run(c, 'store', mode, n, repeats)
        const raw = await run(c, 'raw', mode, n, repeats)
        const pb = boss.get(c)
        const target = TARGETS[mode][c]
        const ratio = pb === undefined ? undefined : ours.opsPerSec / pb.opsPerSec
        rows.push({
          sync: mode,
          case: c,
          n,
          'ops/s': fmt(ours.opsPerSec),
          runs: ours.runs.map((r) => fmt(r)).join(' / '),
          'p50 µs': fmt(ours.p50Us ?? Number.NaN, 1),
          'p99 µs': fmt(ours.p99Us ?? Number.NaN, 1),
          'latency per': unitOf(c),
          target,
          'meets target': ours.opsPerSec >= target ? 'yes' : 'NO',
          'raw ops/s': fmt(raw.opsPerSec),
          'raw p99 µs': fmt(raw.p99Us ?? Number.NaN, 1),
          'store/raw': fmt(ours.opsPerSec / raw.opsPerSec, 2),
          'pg-boss ops/s': pb === undefined ? 'n/a' : fmt(pb.opsPerSec),
          'pg-boss p99 µs': pb === undefined ? 'n/a' : fmt(pb.p99Us ?? Number.NaN, 1),
          'ours/pg-boss': ratio === undefined ? 'n/a' : fmt(ratio, 1),
        })
        const label = `${mode} · ${c}`
        targets.push({
          label,
          figure: `${fmt(ours.opsPerSec).toLocaleString('en-US')} ops/s`,
          target: `≥ ${target.toLocaleString('en-US')} ops/s (perf.md summary)`,
          met: ours.opsPerSec >= target,
        })
        targets.push({
          label: `${label} vs pg-boss`,
          figure: ratio === undefined ? 'n/a' : `${fmt(ratio, 1)}×`,
          target: `≥ ${PGBOSS_TARGET_RATIO}× pg-boss (issue 10)`,
          met: ratio === undefined ? null : ratio >= PGBOSS_TARGET_RATIO,
          ...(ratio === undefined ? { whyNot: 'pg-boss not measured in this run (see the notes)' } : {}),
        })
        process.stderr.write(
          `queue bench: ${mode} ${c}: ${fmt(ours.opsPerSec)} ops/s (raw ${fmt(raw.opsPerSec)}, pg-boss ${pb === undefined ? 'n/a' : fmt(pb.opsPerSec)})\n`,
        )
      }
    }
    return { rows, targets, notes }
  },
}
