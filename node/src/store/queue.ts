import type Database from 'better-sqlite3'
import { type Logger, silentLogger } from '#protocol'
import { backoffDelayMs, seededRandom } from './backoff.js'
import { ACK_CHUNK, ENQUEUE_CHUNK, SEQ_CACHE_MAX } from './constants.js'
import type { StoreDatabase } from './db.js'
import { errorText } from './error-text.js'
import { StoreError } from './errors.js'
import { defaultJobQueueOptions, type JobQueueOptions } from './options.js'
import * as SQL from './queue-sql.js'
import type {
  AtOptions,
  ClaimedJob,
  ClaimOptions,
  FailOutcome,
  JobInfo,
  JobQueue,
  JobQueueComponents,
  NewJob,
  QueueStats,
} from './queue-types.js'

type InfoRow = {
  id: string
  payload: Uint8Array
  state: number
  attempts: number
  run_at: number
  worker: string | null
  last_error: string | null
  created_at: number
  updated_at: number
}
type ClaimRow = { seq: number; id: string; payload: Uint8Array; attempts: number; lease_until: number }
type Params = Record<string, unknown>

// Thrown inside ackMany's transaction to roll it back; never escapes.
const NOT_ALL = Symbol('ackMany: not every job was held')

/**
 * Open a job queue on a store database.
 *
 * @example
 * ```ts
 * const queue = createJobQueue(openDatabase(), { name: 'eval' })
 * queue.enqueue({ id: jobIdHex, payload })
 * const job = queue.claim({ worker: 'w1' })
 * ```
 */
export function createJobQueue(
  db: StoreDatabase,
  init: Partial<JobQueueOptions> = {},
  components: JobQueueComponents = {},
): JobQueue {
  const opts = { ...defaultJobQueueOptions, ...init }
  checkOptions(opts)
  return new SqliteJobQueue(db, opts, components)
}

// A lease of 0 would leave a claimed job due at once, so claimMany could hand it out twice in one call.
function checkOptions(o: JobQueueOptions): void {
  const bad = (what: string) => {
    throw new RangeError(`job queue ${o.name}: ${what}`)
  }
  if (!(o.leaseMs >= 1)) bad(`leaseMs must be >= 1, got ${o.leaseMs}`)
  if (!Number.isSafeInteger(o.maxAttempts) || o.maxAttempts < 1) bad(`maxAttempts must be an integer >= 1`)
  if (!(o.backoffBaseMs >= 0 && o.backoffCapMs >= o.backoffBaseMs)) bad('need 0 <= backoffBaseMs <= backoffCapMs')
  if (!(o.backoffJitter >= 0 && o.backoffJitter <= 1)) bad('backoffJitter must be in [0, 1]')
}

class SqliteJobQueue implements JobQueue {
  readonly name: string
  readonly #opts: JobQueueOptions
  readonly #db: StoreDatabase
  readonly #now: () => number
  readonly #random: () => number
  readonly #log: Logger
  readonly #stmt: Record<
    | 'claimOne'
    | 'claimMany'
    | 'buryExpired'
    | 'ack'
    | 'ackSeq'
    | 'heartbeat'
    | 'retry'
    | 'bury'
    | 'requeue'
    | 'get'
    | 'dead',
    Database.Statement<[Params]>
  >
  readonly #stats: Database.Statement<[string], { state: number; n: number }>
  // Statements whose text depends on a row count (enqueueMany, ackMany), one per count, so a steady batch
  // size reuses one statement. At most ENQUEUE_CHUNK + ACK_CHUNK entries.
  readonly #enqueueIn = new Map<number, Database.Statement>()
  readonly #ackIn = new Map<number, Database.Statement>()
  readonly #ackSeqIn = new Map<number, Database.Statement>()
  // Row of each job this queue object claimed, so its ack finds the row by rowid. A row's seq never changes
  // (rows are never deleted), so a stale entry can only miss, never hit the wrong job; the holder check in
  // the statement still decides. Bounded: cleared when it grows past SEQ_CACHE_MAX.
  readonly #seqOf = new Map<string, number>()
  readonly #enqueue: Database.Statement<[string, string, Uint8Array, number, number, number]>

  constructor(db: StoreDatabase, opts: JobQueueOptions, c: JobQueueComponents) {
    this.name = opts.name
    this.#opts = opts
    this.#db = db
    this.#now = c.now ?? Date.now
    this.#random = c.random ?? (opts.seed === undefined ? Math.random : seededRandom(opts.seed))
    this.#log = c.logger ?? silentLogger
    const p = (sql: string) => db.sqlite.prepare<[Params]>(sql)
    this.#stmt = {
      claimOne: p(SQL.CLAIM_ONE),
      claimMany: p(SQL.CLAIM_MANY),
      buryExpired: p(SQL.BURY_EXPIRED),
      ack: p(SQL.ACK),
      ackSeq: p(SQL.ACK_SEQ),
      heartbeat: p(SQL.HEARTBEAT),
      retry: p(SQL.RETRY),
      bury: p(SQL.BURY),
      requeue: p(SQL.REQUEUE_DEAD),
      get: p(SQL.GET),
      dead: p(SQL.LIST_DEAD),
    }
    this.#stats = db.sqlite.prepare(SQL.STATS)
    this.#enqueue = db.sqlite.prepare(SQL.enqueueValues(1))
  }

  enqueue(job: NewJob, opts?: AtOptions): boolean {
    const now = opts?.now ?? this.#now()
    return this.#enqueue.run(this.name, job.id, job.payload, job.runAt ?? now, now, now).changes === 1
  }

  enqueueMany(jobs: readonly NewJob[], opts?: AtOptions): number {
    if (jobs.length === 0) return 0
    const now = opts?.now ?? this.#now()
    // One multi-row INSERT per chunk: rows go in list order, so a repeated id keeps its first occurrence,
    // as with one INSERT per job, at a fraction of the per-statement cost.
    return this.#db.transaction(() => {
      let added = 0
      for (let i = 0; i < jobs.length; i += ENQUEUE_CHUNK) {
        const n = Math.min(ENQUEUE_CHUNK, jobs.length - i)
        const args: unknown[] = new Array(n * 6)
        for (let k = 0; k < n; k++) {
          const job = jobs[i + k]!
          const a = k * 6
          args[a] = this.name
          args[a + 1] = job.id
          args[a + 2] = job.payload
          args[a + 3] = job.runAt ?? now
          args[a + 4] = now
          args[a + 5] = now
        }
        added += this.#cached(this.#enqueueIn, n, SQL.enqueueValues).run(...args).changes
      }
      return added
    })
  }

  claim(opts: ClaimOptions): ClaimedJob | undefined {
    const params = this.#claimParams(opts)
    for (;;) {
      const row = this.#stmt.claimOne.get(params) as ClaimRow | undefined
      if (row === undefined) return undefined
      if (row.lease_until > params.now) return this.#remember(row)
      this.#buryExhausted(row, params)
    }
  }

  claimMany(opts: ClaimOptions & { limit: number }): ClaimedJob[] {
    const params = { ...this.#claimParams(opts), limit: opts.limit }
    const claimed: ClaimRow[] = []
    while (params.limit > 0) {
      const rows = this.#stmt.claimMany.all(params) as ClaimRow[]
      for (const row of rows) {
        if (row.lease_until > params.now) claimed.push(row)
        else this.#buryExhausted(row, params)
      }
      // Only rows that were dead-lettered instead of claimed leave room to look again.
      if (rows.length < params.limit || claimed.length === opts.limit) break
      params.limit = opts.limit - claimed.length
    }
    return claimed.sort((a, b) => a.seq - b.seq).map((row) => this.#remember(row))
  }

  heartbeat(id: string, worker: string, opts?: { leaseMs?: number; now?: number }): boolean {
    const now = opts?.now ?? this.#now()
    const leaseUntil = now + (opts?.leaseMs ?? this.#opts.leaseMs)
    return this.#stmt.heartbeat.run({ queue: this.name, id, worker, now, leaseUntil }).changes === 1
  }

  ack(id: string, worker: string, opts?: AtOptions): void {
    const seq = this.#seqOf.get(id)
    const params = { queue: this.name, id, seq, worker, now: opts?.now ?? this.#now() }
    const stmt = seq === undefined ? this.#stmt.ack : this.#stmt.ackSeq
    if (stmt.run(params).changes !== 1) this.#refuse(id, worker)
    this.#seqOf.delete(id)
  }

  ackMany(ids: readonly string[], worker: string, opts?: AtOptions): void {
    if (ids.length === 0) return
    if (new Set(ids).size !== ids.length) throw new RangeError('ackMany: the same job id is listed twice')
    const now = opts?.now ?? this.#now()
    try {
      this.#db.transaction(() => {
        for (let i = 0; i < ids.length; i += ACK_CHUNK) {
          const chunk = ids.slice(i, i + ACK_CHUNK)
          const seqs: number[] = []
          const byId: string[] = []
          for (const id of chunk) {
            const seq = this.#seqOf.get(id)
            if (seq === undefined) byId.push(id)
            else seqs.push(seq)
          }
          let changed = 0
          if (seqs.length > 0) {
            const ack = this.#cached(this.#ackSeqIn, seqs.length, SQL.ackSeqIn)
            changed += ack.run(now, this.name, worker, ...seqs).changes
          }
          if (byId.length > 0) {
            const ack = this.#cached(this.#ackIn, byId.length, SQL.ackIn)
            changed += ack.run(now, this.name, worker, ...byId).changes
          }
          if (changed !== chunk.length) throw NOT_ALL
        }
      })
      for (const id of ids) this.#seqOf.delete(id)
    } catch (err) {
      if (err !== NOT_ALL) throw err
      // Rolled back, so every row is as it was before the call: the first id not held is the culprit.
      const culprit = ids.find((id) => {
        const row = this.#row(id)
        return row?.state !== SQL.STATE.claimed || row.worker !== worker
      })
      this.#refuse(culprit ?? ids[0]!, worker)
    }
  }

  fail(id: string, worker: string, error: unknown, opts?: AtOptions & { permanent?: boolean }): FailOutcome {
    const now = opts?.now ?? this.#now()
    const text = errorText(error)
    this.#seqOf.delete(id)
    return this.#db.transaction((): FailOutcome => {
      const job = this.#row(id)
      if (job === undefined || job.state !== SQL.STATE.claimed || job.worker !== worker) this.#refuse(id, worker)
      const params = { queue: this.name, id, worker, now, error: text, runAt: 0 }
      if (opts?.permanent === true || job.attempts >= this.#opts.maxAttempts) {
        this.#stmt.bury.run(params)
        this.#log.warn('job dead-lettered', { queue: this.name, jobId: id, attempts: job.attempts, reason: 'failed' })
        return { state: 'dead', attempts: job.attempts }
      }
      params.runAt = now + backoffDelayMs(job.attempts, this.#policy(), this.#random())
      this.#stmt.retry.run(params)
      return { state: 'pending', attempts: job.attempts, retryAt: params.runAt }
    })
  }

  requeueDead(id: string, opts?: AtOptions): boolean {
    return this.#stmt.requeue.run({ queue: this.name, id, now: opts?.now ?? this.#now() }).changes === 1
  }

  dead(limit = 100): JobInfo[] {
    return (this.#stmt.dead.all({ queue: this.name, limit }) as InfoRow[]).map(toInfo)
  }

  get(id: string): JobInfo | undefined {
    const row = this.#row(id)
    return row === undefined ? undefined : toInfo(row)
  }

  stats(): QueueStats {
    const out: QueueStats = { pending: 0, claimed: 0, done: 0, dead: 0 }
    for (const { state, n } of this.#stats.all(this.name)) out[SQL.STATE_NAME[state] ?? 'dead'] = n
    return out
  }

  #cached(cache: Map<number, Database.Statement>, n: number, sql: (n: number) => string): Database.Statement {
    let stmt = cache.get(n)
    if (stmt === undefined) {
      stmt = this.#db.sqlite.prepare(sql(n))
      cache.set(n, stmt)
    }
    return stmt
  }

  #claimParams(opts: ClaimOptions) {
    const now = opts.now ?? this.#now()
    const leaseMs = opts.leaseMs ?? this.#opts.leaseMs
    if (!(leaseMs >= 1)) throw new RangeError(`leaseMs must be >= 1, got ${leaseMs}`)
    const leaseUntil = now + leaseMs
    return { queue: this.name, worker: opts.worker, now, leaseUntil, maxAttempts: this.#opts.maxAttempts }
  }

  #policy() {
    const o = this.#opts
    return { baseMs: o.backoffBaseMs, capMs: o.backoffCapMs, jitter: o.backoffJitter }
  }

  #row(id: string): InfoRow | undefined {
    return this.#stmt.get.get({ queue: this.name, id }) as InfoRow | undefined
  }

  // The claim handed back a poison job (lease expired on its last attempt) untouched: dead-letter it.
  #remember(row: ClaimRow): ClaimedJob {
    if (this.#seqOf.size >= SEQ_CACHE_MAX) this.#seqOf.clear()
    this.#seqOf.set(row.id, row.seq)
    return toClaimed(row)
  }

  #buryExhausted(row: ClaimRow, params: { now: number; maxAttempts: number }): void {
    const { now, maxAttempts } = params
    if (this.#stmt.buryExpired.run({ seq: row.seq, now, maxAttempts }).changes !== 1) return
    this.#log.warn('job dead-lettered', {
      queue: this.name,
      jobId: row.id,
      attempts: row.attempts,
      reason: 'lease expired',
    })
  }

  #refuse(id: string, worker: string): never {
    const row = this.#row(id)
    if (row === undefined) {
      throw new StoreError(
        { code: 'STORE_JOB_NOT_FOUND', queue: this.name, jobId: id },
        `no job ${id} in queue ${this.name}: ack/fail only ids returned by claim`,
      )
    }
    const state = SQL.STATE_NAME[row.state] ?? 'dead'
    const holder = row.state === SQL.STATE.claimed ? row.worker : null
    throw new StoreError(
      { code: 'STORE_LEASE_NOT_HELD', queue: this.name, jobId: id, worker, state, holder },
      `worker ${worker} does not hold job ${id} (state ${state}, holder ${holder ?? 'none'}): its lease expired and the job was reclaimed, or it was already acked or failed; drop this result`,
    )
  }
}

function toClaimed(row: ClaimRow): ClaimedJob {
  return { id: row.id, payload: row.payload, attempt: row.attempts, leaseUntil: row.lease_until }
}

function toInfo(r: InfoRow): JobInfo {
  return {
    id: r.id,
    payload: r.payload,
    state: SQL.STATE_NAME[r.state] ?? 'dead',
    attempts: r.attempts,
    runAt: r.run_at,
    worker: r.worker,
    lastError: r.last_error,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  }
}
