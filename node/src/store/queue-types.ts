import type { Logger } from '#protocol'
import type { JobStateName } from './errors.js'

/** A job to enqueue. */
export interface NewJob {
  /** Idempotency key, e.g. the hex job id of design.md §5. Unique per queue for ever (done jobs included). */
  id: string
  /** Opaque bytes for the worker (e.g. a protobuf job); the queue never parses them. */
  payload: Uint8Array
  /** Earliest time to run, ms since epoch. @default now */
  runAt?: number
}

/** A job handed to a worker, leased until `leaseUntil`. */
export interface ClaimedJob {
  id: string
  payload: Uint8Array
  /** 1 on the first claim; counts failures and expired leases before this one. */
  attempt: number
  leaseUntil: number
}

/** A job as stored, for inspection and the dead-letter list. */
export interface JobInfo {
  id: string
  payload: Uint8Array
  state: JobStateName
  /** Claims so far. */
  attempts: number
  /** Pending: earliest run time. Claimed: lease expiry. Dead: when it was dead-lettered. */
  runAt: number
  /** The worker that claimed it last (the lease holder while claimed). */
  worker: string | null
  lastError: string | null
  createdAt: number
  updatedAt: number
}

/** Who claims, for how long, and when "now" is. */
export interface ClaimOptions {
  worker: string
  /** @default the queue's leaseMs */
  leaseMs?: number
  /** @default the queue clock */
  now?: number
}

/** What {@link JobQueue.fail} did with the job. */
export type FailOutcome = { state: 'pending'; attempts: number; retryAt: number } | { state: 'dead'; attempts: number }

/** Count of jobs per state. */
export type QueueStats = Record<JobStateName, number>

/** Time override for a call. */
export interface AtOptions {
  /** @default the queue clock */
  now?: number
}

/**
 * A durable job queue with leases. Lease holder = the worker recorded by the last claim, while the job is
 * claimed. An expired lease stays held until another claim takes the job, so a slow worker that finishes
 * before anyone else started may still ack. Give every concurrent execution its own worker name.
 *
 * State changes by a non-holder (`ack`, `fail`) throw `STORE_LEASE_NOT_HELD` rather than return false, so
 * inside `store.transaction(() => { log.append(…); outbox.add(…); queue.ack(…) })` a stale worker's whole
 * effect rolls back and is never recorded twice. `heartbeat` answers a question and returns a boolean.
 */
export interface JobQueue {
  readonly name: string
  /** Add a job. Returns false, changing nothing, if a job with this id exists in any state. */
  enqueue(job: NewJob, opts?: AtOptions): boolean
  /** Add several jobs in one transaction (all or none). Returns how many were new. */
  enqueueMany(jobs: readonly NewJob[], opts?: AtOptions): number
  /**
   * Lease the next due job (earliest due time, then enqueue order), or undefined if none is due. A job whose
   * lease expired is due again at its original due time, not at the expiry.
   */
  claim(opts: ClaimOptions): ClaimedJob | undefined
  /** Lease up to `limit` due jobs in one statement, ordered as they were enqueued. */
  claimMany(opts: ClaimOptions & { limit: number }): ClaimedJob[]
  /** Extend the lease. False if `worker` no longer holds the job: stop working on it. */
  heartbeat(id: string, worker: string, opts?: { leaseMs?: number; now?: number }): boolean
  /** Mark done. @throws StoreError `STORE_LEASE_NOT_HELD` (including a second ack), `STORE_JOB_NOT_FOUND`. */
  ack(id: string, worker: string, opts?: AtOptions): void
  /** Ack several in one transaction; if one is refused none is acked (same errors as `ack`). */
  ackMany(ids: readonly string[], worker: string, opts?: AtOptions): void
  /**
   * Record a failure: retry after an exponential backoff with jitter, or dead-letter when this was the last
   * attempt or `permanent` is set. Same errors as `ack`.
   */
  fail(id: string, worker: string, error: unknown, opts?: AtOptions & { permanent?: boolean }): FailOutcome
  /** Move a dead job back to pending with a fresh attempt count. False if it is not dead. */
  requeueDead(id: string, opts?: AtOptions): boolean
  /** Dead-lettered jobs, oldest enqueued first. */
  dead(limit?: number): JobInfo[]
  get(id: string): JobInfo | undefined
  /** Jobs per state (scans this queue's rows; for metrics, not the hot path). */
  stats(): QueueStats
}

/** What a queue needs from its surroundings. */
export interface JobQueueComponents {
  /** @default Date.now */
  now?: () => number
  /** Jitter source in [0, 1). @default seededRandom(seed) when a seed is set, else Math.random */
  random?: () => number
  /** @default silentLogger */
  logger?: Logger
}
