// Constants shared by queue-crash.test.ts and its child process (importing the child would run it).

/** Lease of a claim in the child. */
export const CHILD_LEASE_MS = 60_000
/** Clock skew per incarnation; larger than the lease so a dead incarnation's leases are expired. */
export const INCARNATION_SKEW_MS = 10 * CHILD_LEASE_MS
/** Jobs per enqueueMany transaction in `enqueue` mode; big enough that a kill usually lands inside one. */
export const ENQUEUE_BATCH = 2_000
/** The side-effect table: no unique key on purpose, so an effect recorded twice shows up as two rows. */
export const EFFECTS_DDL =
  'CREATE TABLE IF NOT EXISTS fault_effects (job_id TEXT NOT NULL, incarnation INTEGER NOT NULL)'

/** The envelope the child "publishes" for a job; its SHA-256 is the log and outbox id. */
export function envelopeFor(jobId: string): Uint8Array {
  return new TextEncoder().encode(`result:${jobId}`)
}
