import { performance } from 'node:perf_hooks'
import { setImmediate as yieldToLoop } from 'node:timers/promises'
import type { FailureCode } from '#protocol'
import type { Action, Environment, Observation, StepResult, TaskConfig } from '../env/types.js'
import type { PolicyClient, PolicyLimits, PolicyResetConfig } from '../policy/types.js'
import { chainNext, chainStart, toBase64 } from './chain.js'
import { detailOf, failureOf } from './failure.js'
import type { EpisodeOutcome, EpisodeTrace, StepRecord } from './types.js'

/** What {@link runEpisode} reports after every step (for progress, spot-check recording, videos). */
export interface StepEvent {
  t: number
  /** The observation the policy was given for this step. */
  obs: Observation
  action: Action
  result: StepResult
  latencyMs: number
  stateHash: string
}

export interface RunEpisodeOptions {
  env: Environment
  policy: PolicyClient
  task: TaskConfig
  /** Index of the episode within its job (recorded in the outcome). */
  episodeIndex: number
  limits: PolicyLimits
  /** Snapshot `stateBytes()` every k steps (0 = none). @default 0 */
  snapshotEvery?: number
  /** Keep every {@link StepRecord} in the trace. @default true */
  recordSteps?: boolean
  /**
   * End the episode at the first successful step. The reference metric is success at any step over the
   * full horizon (MetaWorld never terminates early), so the default keeps running: the outcome's
   * `success` is the same either way, only `successAtEnd`, reward and step counts differ.
   * @default false
   */
  terminateOnSuccess?: boolean
  signal?: AbortSignal
  onStep?: (ev: StepEvent) => void
}

// Yield to the event loop every so many steps so timers and aborts fire even when neither the env nor
// the policy does real I/O (in-process policies, the toy env).
const YIELD_EVERY = 32

/** The reference `task_name` of an env id: last path segment without its version (`mujoco/reach-v1` → `reach`). */
export function taskNameOf(envId: string): string {
  const last = envId.slice(envId.lastIndexOf('/') + 1)
  return last.replace(/-v\d+$/, '')
}

/** Nearest-rank percentile of an ascending array (0 when empty). */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0
  const rank = Math.ceil((p / 100) * sorted.length)
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))] as number
}

class Failure extends Error {
  readonly failure: FailureCode
  constructor(failure: FailureCode, cause: unknown) {
    super(detailOf(cause))
    this.failure = failure
  }
}

/**
 * Runs one episode: policy reset, env reset, then up to min(limits.maxSteps, spec.maxSteps) steps of
 * act → step, hashing the state after every step into a chain. Never throws for a fault of the policy,
 * the environment or the caller's abort: the outcome carries a failure code and keeps the steps done so
 * far (with `success` false).
 */
export async function runEpisode(opts: RunEpisodeOptions): Promise<EpisodeTrace> {
  const { env, policy, task, limits } = opts
  const snapshotEvery = Math.max(0, Math.floor(opts.snapshotEvery ?? 0))
  const recordSteps = opts.recordSteps ?? true
  const maxSteps = Math.min(limits.maxSteps, env.spec.maxSteps)
  const t0 = performance.now()
  const deadlineAt = t0 + limits.episodeTimeoutMs

  // One signal for everything the episode awaits: the caller's abort or the episode deadline.
  const ctl = new AbortController()
  let deadlineHit = false
  const onAbort = () => ctl.abort(opts.signal?.reason)
  opts.signal?.addEventListener('abort', onAbort, { once: true })
  const timer = setTimeout(() => {
    deadlineHit = true
    ctl.abort(new Error('episode deadline'))
  }, limits.episodeTimeoutMs)

  const steps: StepRecord[] = []
  const snapshots: string[] = []
  const latencies: number[] = []
  let initialStateHash = ''
  let link: Buffer | undefined
  let success = false
  let lastSuccess = false
  let totalReward = 0
  let stepsDone = 0
  let error: FailureCode | undefined
  let errorDetail: string | undefined

  const checkStop = () => {
    if (opts.signal?.aborted) throw new Failure('validator_cancelled', 'cancelled by the caller')
    if (deadlineHit || performance.now() > deadlineAt) {
      deadlineHit = true
      throw new Failure('policy_episode_deadline', `episode exceeded ${limits.episodeTimeoutMs} ms`)
    }
  }
  const guard = async <T>(fallback: FailureCode, fn: () => Promise<T> | T): Promise<T> => {
    try {
      return await fn()
    } catch (err) {
      if (err instanceof Failure) throw err
      // Our own abort surfaces as whatever the callee makes of it; the cause is ours, not theirs.
      checkStop()
      throw new Failure(failureOf(err, fallback), err)
    }
  }

  try {
    checkStop()
    const resetConfig: PolicyResetConfig = { envId: task.envId, taskName: taskNameOf(task.envId) }
    await guard('validator_internal', () => policy.reset(resetConfig, ctl.signal))
    checkStop()
    let obs = await guard('env_error', () => env.reset(task))
    const state0 = await guard('env_error', () => env.stateBytes())
    link = chainStart(state0)
    initialStateHash = link.toString('hex')
    if (snapshotEvery > 0) snapshots.push(toBase64(state0))

    for (let t = 0; t < maxSteps; t++) {
      checkStop()
      if (t > 0 && t % YIELD_EVERY === 0) {
        await yieldToLoop()
        checkStop()
      }
      const a0 = performance.now()
      const action = await guard('validator_internal', () => policy.act(obs, env.spec.actionKeys, ctl.signal))
      const latencyMs = performance.now() - a0
      latencies.push(latencyMs)
      checkStop()
      const result = await guard('env_error', () => env.step(action))
      const state = await guard('env_error', () => env.stateBytes())
      link = chainNext(link, state)
      stepsDone = t + 1
      totalReward += result.reward
      lastSuccess = result.success
      if (result.success) success = true
      const stateHash = link.toString('hex')
      if (recordSteps) steps.push({ t, action, reward: result.reward, success: result.success, latencyMs, stateHash })
      if (snapshotEvery > 0 && stepsDone % snapshotEvery === 0) snapshots.push(toBase64(state))
      if (opts.onStep) {
        const ev: StepEvent = { t, obs, action, result, latencyMs, stateHash }
        await guard('validator_internal', () => opts.onStep?.(ev))
      }
      obs = result.obs
      if (result.done || (result.success && opts.terminateOnSuccess === true)) break
    }
  } catch (err) {
    error = err instanceof Failure ? err.failure : failureOf(err, 'validator_internal')
    errorDetail = detailOf(err)
  } finally {
    clearTimeout(timer)
    opts.signal?.removeEventListener('abort', onAbort)
  }

  latencies.sort((a, b) => a - b)
  const outcome: EpisodeOutcome = {
    envId: task.envId,
    taskId: task.taskId,
    episodeIndex: opts.episodeIndex,
    seed: task.seed,
    success: error === undefined && success,
    successAtEnd: error === undefined && lastSuccess,
    totalReward,
    steps: stepsDone,
    durationMs: performance.now() - t0,
    latencyP50Ms: percentile(latencies, 50),
    latencyP99Ms: percentile(latencies, 99),
    latencyMaxMs: latencies.length > 0 ? (latencies[latencies.length - 1] as number) : 0,
    finalStateHash: link?.toString('hex') ?? '',
    simulator: { ...env.spec.simulator },
    driver: 'evaluator',
  }
  if (error !== undefined) {
    outcome.error = error
    outcome.errorDetail = errorDetail
  }
  return { outcome, initialStateHash, steps, snapshotEvery, snapshots, taskParams: { ...task.params } }
}
