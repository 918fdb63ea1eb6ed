import {
  DEFAULT_BACKOFF_BASE_MS,
  DEFAULT_BACKOFF_CAP_MS,
  DEFAULT_BACKOFF_JITTER,
  DEFAULT_LEASE_MS,
  DEFAULT_MAX_ATTEMPTS,
  DEFAULT_OUTBOX_RETRY_MS,
} from './constants.js'

/** Settings of one durable job queue. Plain data (survives `structuredClone`). */
export interface JobQueueOptions {
  /**
   * Queue name. Several queues share the `jobs` table; the same job id in two queues is two jobs.
   * @default 'default'
   */
  name: string
  /** Lease given by a claim or heartbeat when the call does not say. @default DEFAULT_LEASE_MS (60000) */
  leaseMs: number
  /**
   * Claims a job may get. A failure at this attempt, or a lease that expires on it, dead-letters the job.
   * @default DEFAULT_MAX_ATTEMPTS (4)
   */
  maxAttempts: number
  /** Retry delay after the first failure; doubles per attempt. @default DEFAULT_BACKOFF_BASE_MS (5000) */
  backoffBaseMs: number
  /** Largest retry delay. @default DEFAULT_BACKOFF_CAP_MS (300000) */
  backoffCapMs: number
  /** Randomised fraction of each delay, in [0, 1]. @default DEFAULT_BACKOFF_JITTER (0.5) */
  backoffJitter: number
  /**
   * Seed for the jitter PRNG: the same seed and the same sequence of calls give the same delays.
   * @default undefined (Math.random)
   */
  seed?: number
}

/** The defaults of {@link JobQueueOptions}. */
export const defaultJobQueueOptions: Readonly<JobQueueOptions> = Object.freeze({
  name: 'default',
  leaseMs: DEFAULT_LEASE_MS,
  maxAttempts: DEFAULT_MAX_ATTEMPTS,
  backoffBaseMs: DEFAULT_BACKOFF_BASE_MS,
  backoffCapMs: DEFAULT_BACKOFF_CAP_MS,
  backoffJitter: DEFAULT_BACKOFF_JITTER,
})

/** Settings of the outbox. */
export interface OutboxOptions {
  /** How long a message whose publish failed waits before `pending()` offers it again. @default DEFAULT_OUTBOX_RETRY_MS (5000) */
  retryMs: number
}

/** The defaults of {@link OutboxOptions}. */
export const defaultOutboxOptions: Readonly<OutboxOptions> = Object.freeze({ retryMs: DEFAULT_OUTBOX_RETRY_MS })
