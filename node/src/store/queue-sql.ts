// SQL of the job queue, kept apart from the logic so the statements read as one schema-level story.
// Stored states: 0 open, 2 done, 3 dead. An open row is claimed while `lease_until` (the lease expiry) is set
// and pending otherwise; reads report 1 for claimed. "Claimable" is one range over the partial index
// jobs_due (queue, run_at, seq) WHERE state = 0 — due, and not under a live lease — so an expired lease is
// picked up again at the job's original place. Claim and heartbeat set only columns outside jobs_due (its key
// and its WHERE), so they write the table page alone (0001-initial.ts explains why that matters under FULL).
// The claim is one UPDATE … RETURNING around an index search (perf.md §1). In an UPDATE every right-hand
// side reads the row's old values.

/** Job state codes as reported; 1 (claimed) is never stored, see above. */
export const STATE = { pending: 0, claimed: 1, done: 2, dead: 3 } as const

/** Names by code, for reports and errors. */
export const STATE_NAME = ['pending', 'claimed', 'done', 'dead'] as const

// Positional parameters on the per-row statements (enqueue, ack): no parameter object per row.
/** Insert `n` jobs in one statement; positional parameters per job: queue, id, payload, runAt, now, now. */
export function enqueueValues(n: number): string {
  return `INSERT INTO jobs (queue, id, payload, run_at, created_at, updated_at)
  VALUES ${Array.from({ length: n }, () => '(?, ?, ?, ?, ?, ?)').join(', ')} ON CONFLICT (queue, id) DO NOTHING`
}

const DUE = `SELECT seq FROM jobs WHERE queue = @queue AND state = 0 AND run_at <= @now
  AND (lease_until IS NULL OR lease_until <= @now) ORDER BY run_at, seq`

// An expired lease on the last allowed attempt is a worker that died on this job maxAttempts times: a
// poison job. The claim hands it back unchanged (a lease in the past tells the caller), and the caller
// dead-letters it with BURY_EXPIRED and claims on. Doing it here would name `state` and `run_at` in the SET
// and so rewrite the jobs_due entry on every claim.
const EXHAUSTED = '(lease_until IS NOT NULL AND attempts >= @maxAttempts)'
const CLAIM_SET = `SET
    attempts    = CASE WHEN ${EXHAUSTED} THEN attempts ELSE attempts + 1 END,
    worker      = CASE WHEN ${EXHAUSTED} THEN worker ELSE @worker END,
    lease_until = CASE WHEN ${EXHAUSTED} THEN lease_until ELSE @leaseUntil END,
    updated_at  = CASE WHEN ${EXHAUSTED} THEN updated_at ELSE @now END`
const CLAIM_RETURNING = 'RETURNING seq, id, payload, attempts, lease_until'

export const CLAIM_ONE = `UPDATE jobs ${CLAIM_SET} WHERE seq = (${DUE} LIMIT 1) ${CLAIM_RETURNING}`
export const CLAIM_MANY = `UPDATE jobs ${CLAIM_SET} WHERE seq IN (${DUE} LIMIT @limit) ${CLAIM_RETURNING}`
/** Re-checks the condition, so a job another claimer already buried or that was acked meanwhile is left alone. */
export const BURY_EXPIRED = `UPDATE jobs SET state = 3, lease_until = NULL, run_at = @now, updated_at = @now,
    last_error = 'lease expired on the last attempt'
  WHERE seq = @seq AND state = 0 AND lease_until <= @now AND attempts >= @maxAttempts`

const HELD = 'queue = @queue AND id = @id AND lease_until IS NOT NULL AND worker = @worker'
export const ACK = `UPDATE jobs SET state = 2, lease_until = NULL, updated_at = @now WHERE ${HELD}`
/** Ack `n` ids at once; positional parameters: now, queue, worker, then the ids. */
export function ackIn(n: number): string {
  return `UPDATE jobs SET state = 2, lease_until = NULL, updated_at = ?
    WHERE queue = ? AND lease_until IS NOT NULL AND worker = ? AND id IN (${Array.from({ length: n }, () => '?').join(', ')})`
}
// The same, by row: a claim returns the row's `seq`, so acks from the claiming queue skip the job-id
// index lookup (the bare queue of perf.md §1 acks by rowid too). Holder checks are unchanged. The unary
// `+` keeps SQLite from choosing a queue index over the rowid: with it, a batch ack scanned the queue (measured).
const HELD_SEQ = 'seq = @seq AND +queue = @queue AND lease_until IS NOT NULL AND worker = @worker'
export const ACK_SEQ = `UPDATE jobs SET state = 2, lease_until = NULL, updated_at = @now WHERE ${HELD_SEQ}`
/** Ack `n` rows at once by seq; positional parameters: now, queue, worker, then the seqs. */
export function ackSeqIn(n: number): string {
  return `UPDATE jobs SET state = 2, lease_until = NULL, updated_at = ?
    WHERE +queue = ? AND lease_until IS NOT NULL AND worker = ? AND seq IN (${Array.from({ length: n }, () => '?').join(', ')})`
}
export const HEARTBEAT = `UPDATE jobs SET lease_until = @leaseUntil, updated_at = @now WHERE ${HELD}`
export const RETRY = `UPDATE jobs SET lease_until = NULL, run_at = @runAt, last_error = @error, updated_at = @now WHERE ${HELD}`
export const BURY = `UPDATE jobs SET state = 3, lease_until = NULL, run_at = @now, last_error = @error, updated_at = @now WHERE ${HELD}`
export const REQUEUE_DEAD = `UPDATE jobs SET state = 0, attempts = 0, run_at = @now, updated_at = @now
  WHERE queue = @queue AND id = @id AND state = 3`

// Claimed is derived: an open row with a lease; its reported run_at is the lease expiry.
const STATE_OF = 'CASE WHEN lease_until IS NULL THEN state ELSE 1 END'
const INFO_COLUMNS = `id, payload, ${STATE_OF} AS state, attempts, coalesce(lease_until, run_at) AS run_at, worker,
  last_error, created_at, updated_at`
export const GET = `SELECT ${INFO_COLUMNS} FROM jobs WHERE queue = @queue AND id = @id`
export const LIST_DEAD = `SELECT ${INFO_COLUMNS} FROM jobs WHERE queue = @queue AND state = 3 ORDER BY seq LIMIT @limit`
export const STATS = `SELECT ${STATE_OF} AS state, count(*) AS n FROM jobs WHERE queue = ? GROUP BY 1`
