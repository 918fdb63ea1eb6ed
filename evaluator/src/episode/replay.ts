import type { Action, Environment, TaskConfig } from '../env/types.js'
import { chainNext, chainStart, toBase64 } from './chain.js'
import { detailOf } from './detail.js'
import type { EpisodeTrace } from './types.js'

/** The chain a re-simulation produced. */
export interface ReplayResult {
  /** Link 0: hash of the state after reset. */
  initialStateHash: string
  /** Link after each action, in order. */
  hashes: string[]
  /** The last link (= `initialStateHash` when there were no actions). */
  finalStateHash: string
  /** Base64 state after 0, k, 2k, … steps when `snapshotEvery` > 0. */
  snapshots: string[]
}

/**
 * Re-simulates (task, actions) without a policy and returns the state-hash chain. Deterministic
 * environments give bit-identical chains in any process with the same simulator build.
 */
export async function replayEpisode(
  env: Environment,
  task: TaskConfig,
  actions: readonly Action[],
  opts: { snapshotEvery?: number; signal?: AbortSignal } = {},
): Promise<ReplayResult> {
  const k = Math.max(0, Math.floor(opts.snapshotEvery ?? 0))
  await env.reset(task)
  const s0 = env.stateBytes()
  let link = chainStart(s0)
  const initialStateHash = link.toString('hex')
  const snapshots = k > 0 ? [toBase64(s0)] : []
  const hashes: string[] = []
  for (const [i, action] of actions.entries()) {
    opts.signal?.throwIfAborted()
    await env.step(action)
    const s = env.stateBytes()
    link = chainNext(link, s)
    hashes.push(link.toString('hex'))
    if (k > 0 && (i + 1) % k === 0) snapshots.push(toBase64(s))
  }
  return { initialStateHash, hashes, finalStateHash: link.toString('hex'), snapshots }
}

/** Why a trace failed verification. */
export type VerifyFailure =
  | 'not_verifiable' // a container-driven episode, or a trace recorded without steps
  | 'reset' // the state after reset differs (wrong seed, params or simulator build)
  | 'step' // a chain link differs from the re-simulation
  | 'snapshot' // a stored snapshot differs from the re-simulated state at that step
  | 'final' // the outcome's step count or final hash disagrees with the step records
  | 'env_error' // the environment threw while re-simulating

/** The verdict of {@link verifyTrace}. */
export interface VerifyResult {
  ok: boolean
  reason?: VerifyFailure
  /**
   * First step whose link differs: the `t` of the step record (0-based), or −1 for the state after reset.
   * For `snapshot`, the number of steps after which the snapshot was taken.
   */
  divergedAtStep?: number
  expected?: string
  actual?: string
  /** The snapshot interval [fromStep, toStep] (steps done) bracketing the first divergence. */
  window?: { fromStep: number; toStep: number }
  detail?: string
}

function windowOf(stepsDone: number, k: number, total: number): { fromStep: number; toStep: number } {
  if (k <= 0) return { fromStep: 0, toStep: total }
  const from = Math.floor(stepsDone / k) * k
  return { fromStep: from, toStep: Math.min(total, from + k) }
}

/**
 * Checks a trace by re-simulating its (seed, params, recorded actions) in `env` without the policy and
 * comparing every chain link and every snapshot. `env` must be a fresh or idle instance of the trace's env.
 */
export async function verifyTrace(
  env: Environment,
  trace: EpisodeTrace,
  opts: { signal?: AbortSignal } = {},
): Promise<VerifyResult> {
  const { outcome } = trace
  if (outcome.driver === 'container' || trace.steps.length !== outcome.steps || trace.initialStateHash === '') {
    return { ok: false, reason: 'not_verifiable', detail: 'trace has no complete step records or chain' }
  }
  const task: TaskConfig = {
    envId: outcome.envId,
    taskId: outcome.taskId,
    seed: outcome.seed,
    params: trace.taskParams ?? {},
  }
  const k = trace.snapshotEvery
  const total = trace.steps.length
  const snapAt = (stepsDone: number, state: Uint8Array): VerifyResult | undefined => {
    if (k <= 0 || stepsDone % k !== 0) return undefined
    const stored = trace.snapshots[stepsDone / k]
    if (stored === undefined) return undefined
    const actual = toBase64(state)
    if (stored === actual) return undefined
    return { ok: false, reason: 'snapshot', divergedAtStep: stepsDone, expected: stored, actual }
  }
  let t = -1
  try {
    await env.reset(task)
    const s0 = env.stateBytes()
    let link = chainStart(s0)
    const h0 = link.toString('hex')
    if (h0 !== trace.initialStateHash) {
      return { ok: false, reason: 'reset', divergedAtStep: -1, expected: trace.initialStateHash, actual: h0 }
    }
    const bad0 = snapAt(0, s0)
    if (bad0) return bad0
    for (const [i, rec] of trace.steps.entries()) {
      opts.signal?.throwIfAborted()
      t = rec.t
      await env.step(rec.action)
      const s = env.stateBytes()
      link = chainNext(link, s)
      const h = link.toString('hex')
      if (h !== rec.stateHash) {
        return {
          ok: false,
          reason: 'step',
          divergedAtStep: rec.t,
          expected: rec.stateHash,
          actual: h,
          window: windowOf(i, k, total),
        }
      }
      const bad = snapAt(i + 1, s)
      if (bad) return bad
    }
    const final = link.toString('hex')
    if (final !== outcome.finalStateHash) {
      return { ok: false, reason: 'final', divergedAtStep: total, expected: outcome.finalStateHash, actual: final }
    }
    return { ok: true }
  } catch (err) {
    if (opts.signal?.aborted) throw err
    return { ok: false, reason: 'env_error', divergedAtStep: t, detail: detailOf(err) }
  }
}
