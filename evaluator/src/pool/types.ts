import type { EnvironmentOptions, TaskConfig } from '../env/types.js'
import type { EpisodeTrace } from '../episode/types.js'
import type { PolicyEndpoint, PolicyLimits } from '../policy/types.js'

/**
 * Names an export of a module as plain data (structured-clone safe), so a worker thread can import it
 * itself: the toy factory in tests, MuJoCo in production, a test double in a test folder.
 */
export interface ModuleRef {
  /** Absolute `file:` URL or a bare/package-imports specifier resolvable from the worker module. */
  specifier: string
  /** Name of the export: a zero-argument function returning the factory (or client maker). */
  exportName: string
}

/** One episode for a worker: everything crosses the thread boundary as plain data. */
export interface PoolEpisodeRequest {
  task: TaskConfig
  episodeIndex: number
  /** The policy instance this episode talks to; the worker makes its own client for it. */
  endpoint: PolicyEndpoint
  limits: PolicyLimits
  snapshotEvery?: number
  recordSteps?: boolean
  terminateOnSuccess?: boolean
  /** Options for the worker's environment (e.g. `{ cameras: [] }` for proprio-only); plain data. */
  envOptions?: EnvironmentOptions
}

/** Progress of a running episode, posted by its worker every `progressEvery` steps and at the end. */
export interface PoolProgress {
  episodeIndex: number
  steps: number
  success: boolean
}

export interface PoolRunOptions {
  /** Aborting posts a cancel to the worker; the episode ends with `validator_cancelled`. */
  signal?: AbortSignal
  onProgress?: (p: PoolProgress) => void
}

/** A fixed set of worker threads running whole episodes (env + policy HTTP calls inside the worker). */
export interface EpisodePool {
  /** Number of workers = most episodes running at once. */
  readonly size: number
  /** Most submissions waiting for a worker; beyond it `run` rejects with `EVAL_POOL_FULL`. */
  readonly maxQueue: number
  /** Episodes waiting for a worker right now. */
  readonly queued: number
  /** Episodes running right now. */
  readonly running: number
  /**
   * Runs one episode on the next free worker. Resolves with its trace whatever happened to the episode
   * (a crashed worker gives `validator_internal`, a cancel or `close()` gives `validator_cancelled`);
   * rejects only with a `PoolError` at submission (full, closed, workers that cannot start).
   */
  run(req: PoolEpisodeRequest, opts?: PoolRunOptions): Promise<EpisodeTrace>
  /** Ends everything queued or running as `validator_cancelled` and terminates every worker; idempotent. */
  close(): Promise<void>
}
