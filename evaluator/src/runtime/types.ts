import type { PolicyEndpoint } from '../policy/types.js'

/** Resource limits a runtime applies to a policy. */
export interface ResourceLimits {
  /** Address-space / memory limit in MiB. */
  memoryMiB: number
  /** CPU-time limit in seconds over the policy's life. */
  cpuSeconds: number
  /** Most processes/threads the policy may hold. */
  maxProcesses: number
  /** Wall-clock life of the policy; it is killed after this. */
  wallClockMs: number
  /** Largest scratch directory in MiB (where enforceable). */
  scratchMiB: number
}

/**
 * What to run. `dir` holds an unpacked, verified artifact (see the artifact fetcher) with a `kinitro.json`
 * or the reference layout; `command` is what starts the server there, with `{port}` substituted.
 */
export interface PolicySource {
  /** Directory with the policy's files (read-only to the policy). */
  dir: string
  /** argv; `{port}` is replaced by the port the policy must listen on (127.0.0.1). */
  command: readonly string[]
  /** Extra environment variables (never secrets of the validator). */
  env?: Readonly<Record<string, string>>
  /** Label for logs and object names (e.g. the miner uid and job id). */
  label: string
  /** Container image pinned by digest (Kubernetes only). */
  image?: string
  /** The job id, for object labels (Kubernetes `kinitro/job`); defaults to `label`. */
  jobId?: string
  /** The miner's uid, for object labels (Kubernetes `kinitro/miner-uid`). */
  minerUid?: number
  /** A miner-served policy URL from the commitment (remote runtime only). */
  url?: string
}

/** A running policy. */
export interface PolicyHandle {
  readonly endpoint: PolicyEndpoint
  /** How the policy runs, recorded in results: e.g. `bubblewrap`, `process`, `kubernetes`, `remote`. */
  readonly isolation: string
  /** The last captured output lines (stdout and stderr, interleaved, bounded). */
  logs(): Promise<string>
  /** Settles when the policy exits on its own (crash, limit) with why; never rejects. */
  readonly exited: Promise<PolicyExit>
  /** Stops the policy and frees everything it held; idempotent. */
  stop(): Promise<void>
}

/** Why a policy stopped. */
export interface PolicyExit {
  code: number | null
  signal: string | null
  /** A `policy_*` failure code when the exit was a limit or a crash. */
  reason?: 'policy_crashed' | 'policy_resource_limit' | 'policy_episode_deadline'
}

/** Starts policies. Implementations: local process / bubblewrap, Kubernetes, remote endpoint. */
export interface Runtime {
  readonly name: string
  /** Starts the policy and resolves once `GET /health` answers, or rejects with a `RuntimeError`. */
  start(source: PolicySource, limits: ResourceLimits, signal?: AbortSignal): Promise<PolicyHandle>
  /** Stops everything this runtime started (shutdown, crash recovery). */
  close(): Promise<void>
}
