import { performance } from 'node:perf_hooks'
import { type FailureCode, isFailureCode } from '#protocol'
import { emptyOutcome } from '../../episode/synthetic.js'
import type { EpisodeOutcome } from '../../episode/types.js'
import type { PolicyLimits } from '../../policy/types.js'
import type { TaskConfig } from '../types.js'
import { createEnvContainerClient } from './client.js'
import { RemoteEnvCallError } from './errors.js'

export interface EvaluateRemoteOptions {
  /** Base URL of the environment container. */
  url: string
  task: TaskConfig
  episodeIndex: number
  /** Where the container reaches the policy (the reference `base_url`). */
  policyUrl: string
  limits: PolicyLimits
  /** Ask for camera observations (reference `use_images`). @default true */
  useImages?: boolean
  /** Our deadline for the whole call: the episode limit plus slack for start-up. @default episodeTimeoutMs + 60 s */
  timeoutMs?: number
  signal?: AbortSignal
}

/** The reference `evaluate` answer (plus our optional extensions in `extra`). */
interface WireEvaluateResult {
  task_name?: string
  score?: number
  success?: boolean
  time_taken?: number
  error?: string
  extra?: {
    timesteps?: number
    timesteps_completed?: number
    total_reward?: number
    mean_action_time?: number
    max_action_time?: number
    /** Extension: the failure code when the container can attribute it (e.g. `policy_timeout`). */
    failure_code?: string
    /** Extension: head of the container's state-hash chain. */
    final_state_hash?: string
    /** Extension: success at the last step (the reference reports success-once only). */
    success_at_end?: boolean
    simulator?: { name?: string; version?: string }
  }
}

const num = (v: unknown, d = 0): number => (typeof v === 'number' && Number.isFinite(v) ? v : d)

/**
 * Runs one container-driven episode: the reference `evaluate(task_id, base_url, seed, env_id,
 * max_timesteps, action_timeout, use_images, timeout)` call, where the container holds the loop and calls
 * the policy itself. The outcome is marked `driver: 'container'`: no per-step chain (only a final hash if
 * the container sends `extra.final_state_hash`), so it cannot be replay-verified.
 *
 * Attribution: a failed call (unreachable, timeout, HTTP error, malformed answer) is `env_unavailable` or
 * `env_error`, never the policy's. An `error` in the answer counts against the policy only when the
 * container names a `policy_*` code in `extra.failure_code`; the reference containers do not, so their
 * errors are `env_error` (excluded from scoring, re-run) rather than guessed from free text.
 */
export async function evaluateRemote(opts: EvaluateRemoteOptions): Promise<EpisodeOutcome> {
  const { task, limits } = opts
  const t0 = performance.now()
  const timeoutMs = opts.timeoutMs ?? limits.episodeTimeoutMs + 60_000
  const client = createEnvContainerClient(opts.url, timeoutMs)
  const base: EpisodeOutcome = {
    ...emptyOutcome(task, opts.episodeIndex, { name: 'remote', version: '' }),
    driver: 'container',
  }
  const fail = (error: FailureCode, detail: string): EpisodeOutcome => ({
    ...base,
    error,
    errorDetail: detail.slice(0, 200),
    durationMs: performance.now() - t0,
  })
  let r: WireEvaluateResult
  try {
    r = await client.call<WireEvaluateResult>(
      'evaluate',
      [],
      {
        // The reference uses task_id as the default seed; we pass the episode seed explicitly.
        task_id: opts.episodeIndex,
        seed: task.seed,
        base_url: opts.policyUrl,
        env_id: task.envId,
        max_timesteps: limits.maxSteps,
        action_timeout: limits.actTimeoutMs / 1000,
        use_images: opts.useImages ?? true,
        timeout: limits.episodeTimeoutMs / 1000,
      },
      { signal: opts.signal },
    )
  } catch (err) {
    if (err instanceof RemoteEnvCallError) return fail(err.failure, err.detail)
    return fail('validator_internal', String(err))
  }
  if (typeof r !== 'object' || r === null) return fail('env_error', 'evaluate answered no object')
  const x = r.extra ?? {}
  const steps = Math.max(0, Math.floor(num(x.timesteps ?? x.timesteps_completed)))
  const meanMs = num(x.mean_action_time) * 1000
  const maxMs = num(x.max_action_time) * 1000
  const out: EpisodeOutcome = {
    ...base,
    steps,
    totalReward: num(x.total_reward),
    durationMs: performance.now() - t0,
    // The reference reports only mean and max; the mean stands in for the median.
    latencyP50Ms: meanMs,
    latencyP99Ms: maxMs,
    latencyMaxMs: maxMs,
    finalStateHash: typeof x.final_state_hash === 'string' ? x.final_state_hash : '',
    simulator: { name: String(x.simulator?.name ?? 'remote'), version: String(x.simulator?.version ?? '') },
  }
  if (typeof r.error === 'string' && r.error !== '') {
    const code = typeof x.failure_code === 'string' && isFailureCode(x.failure_code) ? x.failure_code : 'env_error'
    return { ...out, error: code, errorDetail: r.error.replace(/\s+/g, ' ').slice(0, 200) }
  }
  out.success = r.success === true
  out.successAtEnd = out.success && x.success_at_end === true
  return out
}
