// SQL of the job queue, kept apart from the logic so the statements read as one schema-level story.
// States: 0 pending, 1 claimed, 2 done, 3 dead. For a claimed row, `run_at` is the lease expiry, so
// "claimable" is one range over the partial index jobs_due (queue, run_at, seq, state) WHERE state < 2,
// whether the row is pending or its lease expired. The claim is one UPDATE … RETURNING around a
// covering-index search (perf.md §1). In an UPDATE every right-hand side reads the row's old values.

/** Job state codes as stored. */
export const STATE = { pending: 0, claimed: 1, done: 2, dead: 3 } as const

/** Names by code, for reports and errors. */
export const STATE_NAME = ['pending', 'claimed', 'done', 'dead'] as const

// Positional parameters on the per-row statements (enqueue, ack): no parameter object per row.
/** Parameters: queue, id, payload, runAt, now, now. */
export const ENQUEUE = `INSERT INTO jobs (queue, id, payload, state, attempts, run_at, created_at, updated_at)
  VALUES (?, ?, ?, 0, 0, ?, ?, ?) ON CONFLICT (queue, id) DO NOTHING`

const DUE = 'SELECT seq FROM jobs WHERE queue = @queue AND state < 2 AND run_at <= @now ORDER BY run_at, seq'

// An expired lease on the last allowed attempt is a worker that died on this job maxAttempts times: a
// poison job. The same statement dead-letters it instead of handing it out again; the caller sees
// state 3 in RETURNING and claims on.
const EXHAUSTED = '(state = 1 AND attempts >= @maxAttempts)'
const CLAIM_SET = `SET
    state      = CASE WHEN ${EXHAUSTED} THEN 3 ELSE 1 END,
    attempts   = CASE WHEN ${EXHAUSTED} THEN attempts ELSE attempts + 1 END,
    worker     = CASE WHEN ${EXHAUSTED} THEN worker ELSE @worker END,
    run_at     = CASE WHEN ${EXHAUSTED} THEN @now ELSE @leaseUntil END,
    last_error = CASE WHEN ${EXHAUSTED} THEN 'lease expired on the last attempt' ELSE last_error END,
    updated_at = @now`
const CLAIM_RETURNING = 'RETURNING seq, id, payload, state, attempts, run_at'

export const CLAIM_ONE = `UPDATE jobs ${CLAIM_SET} WHERE seq = (${DUE} LIMIT 1) ${CLAIM_RETURNING}`
export const CLAIM_MANY = `UPDATE jobs ${CLAIM_SET} WHERE seq IN (${DUE} LIMIT @limit) ${CLAIM_RETURNING}`

const HELD = 'queue = @queue AND id = @id AND state = 1 AND worker = @worker'
export const ACK = `UPDATE jobs SET state = 2, updated_at = @now WHERE ${HELD}`
/** Ack `n` ids at once; positional parameters: now, queue, worker, then the ids. */
export function ackIn(n: number): string {
  return `UPDATE jobs SET state = 2, updated_at = ? WHERE queue = ? AND state = 1 AND worker = ?
    AND id IN (${Array.from({ length: n }, () => '?').join(', ')})`
}
export const HEARTBEAT = `UPDATE jobs SET run_at = @leaseUntil, updated_at = @now WHERE ${HELD}`
export const RETRY = `UPDATE jobs SET state = 0, run_at = @runAt, last_error = @error, updated_at = @now WHERE ${HELD}`
export const BURY = `UPDATE jobs SET state = 3, run_at = @now, last_error = @error, updated_at = @now WHERE ${HELD}`
export const REQUEUE_DEAD = `UPDATE jobs SET state = 0, attempts = 0, run_at = @now, updated_at = @now
  WHERE queue = @queue AND id = @id AND state = 3`

const INFO_COLUMNS = 'id, payload, state, attempts, run_at, worker, last_error, created_at, updated_at'
export const GET = `SELECT ${INFO_COLUMNS} FROM jobs WHERE queue = @queue AND id = @id`
export const LIST_DEAD = `SELECT ${INFO_COLUMNS} FROM jobs WHERE queue = @queue AND state = 3 ORDER BY seq LIMIT @limit`
export const STATS = 'SELECT state, count(*) AS n FROM jobs WHERE queue = ? GROUP BY state'
