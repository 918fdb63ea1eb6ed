import type { Action, Observation } from '../env/types.js'

/**
 * Where a running policy server answers. `socketPath` is set when the runtime bridges a sandboxed policy
 * over a Unix socket (bubblewrap); then `url` still names the HTTP path prefix and Host header.
 */
export interface PolicyEndpoint {
  url: string
  socketPath?: string
}

/** Limits the policy client enforces; defaults are the reference system's. */
export interface PolicyLimits {
  /** Per `/act` deadline, measured from request start (reference: 500 ms). */
  actTimeoutMs: number
  /** Per `/reset` deadline (reference: 5 s). */
  resetTimeoutMs: number
  /** `/health` deadline per probe. */
  healthTimeoutMs: number
  /** Whole-episode wall-clock limit (reference: 300 s). */
  episodeTimeoutMs: number
  /** Step limit (reference: 500). */
  maxSteps: number
  /** Largest accepted response body. */
  maxResponseBytes: number
}

/** The reference defaults. */
export const DEFAULT_POLICY_LIMITS: Readonly<PolicyLimits> = {
  actTimeoutMs: 500,
  resetTimeoutMs: 5_000,
  healthTimeoutMs: 2_000,
  episodeTimeoutMs: 300_000,
  maxSteps: 500,
  maxResponseBytes: 64 * 1024,
}

/** What `/reset` is told: the reference `task_config` minus anything that identifies the episode. */
export interface PolicyResetConfig {
  envId: string
  /** The env family's task name (e.g. "reach"), as the reference sends `task_name`. */
  taskName: string
}

/** What `GET /health` answered. */
export interface PolicyHealth {
  status: string
  modelLoaded?: boolean
  uptimeSeconds?: number
}

/**
 * A client for one policy server, speaking the reference contract (`GET /health`, `POST /reset`,
 * `POST /act`). Every failure throws a `PolicyCallError` carrying a `policy_*` failure code.
 */
export interface PolicyClient {
  readonly endpoint: PolicyEndpoint
  health(signal?: AbortSignal): Promise<PolicyHealth>
  reset(config: PolicyResetConfig, signal?: AbortSignal): Promise<void>
  /** Sends `obs`, validates the answer against `expected` action keys/lengths, and returns it. */
  act(obs: Observation, expected: Readonly<Record<string, number>>, signal?: AbortSignal): Promise<Action>
  close(): void
}
