/**
 * Tunable numbers of the validator store. Each carries where it came from; change one only with a
 * measurement (run `npm run bench -- queue`) and update its comment.
 */

/**
 * How long a writer waits for another connection's lock before SQLITE_BUSY.
 * better-sqlite3's own default `timeout` (5 s); only the crash test and ops tools open a second connection.
 */
export const BUSY_TIMEOUT_MS = 5_000

/**
 * WAL pages written before SQLite checkpoints automatically, under synchronous=NORMAL.
 * perf.md §3: with SQLite's default (1000), p99 per 100-row transaction was 14–34 ms from checkpoint
 * stalls; 20 000 pages (~80 MiB of WAL) removed them. Under NORMAL the WAL is only fsynced at checkpoints,
 * so fewer, larger checkpoints are cheaper: measured here 26–31k vs 23–24k single enqueues/s (2026-11-25,
 * store schema, 20k jobs).
 */
export const WAL_AUTOCHECKPOINT_PAGES_NORMAL = 20_000

/**
 * WAL pages before an automatic checkpoint under synchronous=FULL: SQLite's default. FULL fsyncs the WAL on
 * every commit, and a fdatasync that grows a file costs ~2.4× one that overwrites (this box: 4.2k vs 10k
 * syncs/s for 4 KiB, cf. perf.md "Physical limits"). A 4 MiB WAL is reset and overwritten in place after
 * each checkpoint; an 80 MiB one spends long stretches appending. Measured (2026-11-25, 5k jobs, 3 runs):
 * 1000 pages 5.0–6.9k enqueues/s and 2.2–3.3k claim+ack/s; 20 000 pages 3.6–4.1k and 2.5–2.7k.
 */
export const WAL_AUTOCHECKPOINT_PAGES_FULL = 1_000

/**
 * Size the WAL file is truncated back to after a checkpoint. Above the autocheckpoint size so steady
 * operation never truncates and regrows it; it only bounds the file after a spike (a long reader).
 * SQLite `journal_size_limit` docs; sized from WAL_AUTOCHECKPOINT_PAGES_NORMAL × 4 KiB × ~1.6.
 */
export const JOURNAL_SIZE_LIMIT_BYTES = 128 * 1024 * 1024

/** Page cache per connection in KiB (passed to SQLite as a negative `cache_size`). perf.md §3 "tuned". */
export const CACHE_SIZE_KIB = 128 * 1024

/** Memory-mapped read window in bytes. perf.md §3 "tuned"; reads only, so a crash cannot corrupt through it. */
export const MMAP_SIZE_BYTES = 256 * 1024 * 1024

/**
 * How long a claimed job stays leased without a heartbeat: two missed beats of the reference validator's
 * 30 s heartbeat (reference/kinitro.md §B). An evaluation runs for minutes (evaluator.md: up to 300 s per
 * episode), so workers heartbeat well inside this, and a crashed worker's job sits idle at most a minute.
 */
export const DEFAULT_LEASE_MS = 60_000

/**
 * Claims a job gets before it is dead-lettered (a failure or an expired lease each use one): the first run
 * plus the reference's `max_retries` 3 (reference/kinitro.md §B, validator job table). I.2 there: the
 * reference's task pool had no attempt counter, so a poison job could loop for ever.
 */
export const DEFAULT_MAX_ATTEMPTS = 4

/**
 * First retry delay; doubles per attempt. The reference's reconnect backoff starts at 5 s
 * (reference/kinitro.md §B); a failed evaluation is usually a policy server that did not come up, which a
 * few seconds do not fix either.
 */
export const DEFAULT_BACKOFF_BASE_MS = 5_000

/**
 * Upper bound of one retry delay. With 4 attempts the cap is never reached by default (5, 10, 20 s); it
 * guards larger `maxAttempts` so a job is retried within minutes, never hours (cf. the reference's 60 s
 * reconnect cap, reference/kinitro.md §B).
 */
export const DEFAULT_BACKOFF_CAP_MS = 5 * 60_000

/**
 * Fraction of each backoff delay that is randomised ("equal jitter" when 0.5: half fixed, half random),
 * so jobs that failed together (an evaluator outage) do not retry in lockstep.
 * AWS Architecture Blog, "Exponential Backoff and Jitter" (2015).
 */
export const DEFAULT_BACKOFF_JITTER = 0.5

/** Delay before an outbox message whose publish failed is offered again (gossipsub "no peers" heals in seconds). */
export const DEFAULT_OUTBOX_RETRY_MS = 5_000

/** Longest error text kept per job or outbox row; longer text is cut so one bad error cannot bloat the DB. */
export const MAX_ERROR_TEXT_CHARS = 2_000

/** Length of a message id: SHA-256 of the envelope bytes (design.md §3). */
export const MESSAGE_ID_BYTES = 32

/** Ids per statement in `ackMany`: one UPDATE … IN (…) per chunk instead of one per id (~1.5 µs/job less). */
export const ACK_CHUNK = 100

/**
 * Jobs per multi-row INSERT in `enqueueMany`: one statement per chunk instead of one per job. Measured
 * (2026-11-25, 50k jobs, 100 per transaction, NORMAL and FULL alternated in one process) against one INSERT
 * per job; SQLite's 32 766 bound-parameter limit allows up to 5 461 (6 per job).
 */
export const ENQUEUE_CHUNK = 100

/**
 * Most claimed-job → row entries a queue object keeps so acks find rows by rowid. Claims past it clear the
 * map (acks then fall back to the job-id index): a bound, not a tuning knob; 100k entries is a few MB.
 */
export const SEQ_CACHE_MAX = 100_000

/**
 * Free space the store wants on its disk at start: a WAL of FULL's 1000-page checkpoint interval is 4 MiB,
 * a job's result and log rows are kilobytes, so 64 MiB is hours of work with room for a checkpoint.
 */
export const MIN_FREE_BYTES = 64 * 1024 * 1024
