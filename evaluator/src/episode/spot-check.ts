import type { FailureCode } from '#protocol'
import type { Action, Observation } from '../env/types.js'
import type { PolicyClient } from '../policy/types.js'
import { detailOf, failureOf } from './failure.js'
import { type StepEvent, taskNameOf } from './run-episode.js'

/** One step as the miner-served endpoint saw and answered it. */
export interface RecordedStep {
  obs: Observation
  action: Action
}

/** Collects (obs, action) pairs from `runEpisode`'s `onStep` while a miner-served endpoint is evaluated. */
export function createStepRecorder(): { steps: RecordedStep[]; onStep: (ev: StepEvent) => void } {
  const steps: RecordedStep[] = []
  return { steps, onStep: (ev) => void steps.push({ obs: ev.obs, action: ev.action }) }
}

export interface SpotCheckOptions {
  envId: string
  recorded: readonly RecordedStep[]
  /** The validator-run copy of the same policy (e.g. started from the committed artifact). */
  reference: PolicyClient
  /** Expected action keys and lengths (the env spec's `actionKeys`). */
  actionKeys: Readonly<Record<string, number>>
  /** Largest per-component absolute difference that still counts as agreement. @default 1e-3 */
  tolerance?: number
  signal?: AbortSignal
}

export interface SpotCheckReport {
  /** Steps compared (all recorded steps unless the reference failed). */
  compared: number
  /** Per step: the largest absolute difference over every continuous component (Infinity: missing key or different discrete value). */
  perStepMaxAbsDiff: number[]
  maxAbsDiff: number
  /** Share of compared steps whose max difference is within `tolerance` (0 when nothing was compared). */
  fractionWithin: number
  tolerance: number
  /** Set when the validator-run copy failed; `compared` stops at that step. */
  error?: FailureCode
  errorDetail?: string
}

/** Largest absolute difference between two actions over the expected continuous keys and all discrete keys. */
export function actionDistance(a: Action, b: Action, keys: Readonly<Record<string, number>>): number {
  let max = 0
  for (const [key, len] of Object.entries(keys)) {
    const x = a.continuous[key]
    const y = b.continuous[key]
    if (x === undefined || y === undefined || x.length !== len || y.length !== len) return Number.POSITIVE_INFINITY
    for (let i = 0; i < len; i++) {
      const d = Math.abs((x[i] as number) - (y[i] as number))
      if (!(d <= max)) max = Number.isNaN(d) ? Number.POSITIVE_INFINITY : d
    }
  }
  const dk = new Set([...Object.keys(a.discrete), ...Object.keys(b.discrete)])
  for (const k of dk) if (a.discrete[k] !== b.discrete[k]) return Number.POSITIVE_INFINITY
  return max
}

/**
 * Replays the observations a miner-served endpoint received against a validator-run copy of the policy
 * and reports how closely the actions agree. The copy is reset once and fed every observation in order,
 * like the original episode, so policies that keep history see the same history.
 *
 * Disagreement is evidence, not proof: a stochastic policy (sampling actions, dropout at inference),
 * one that depends on wall-clock time, or different hardware (GPU vs CPU float paths) can disagree while
 * serving honestly; use a tolerance and a fraction threshold suited to the competition.
 */
export async function spotCheck(opts: SpotCheckOptions): Promise<SpotCheckReport> {
  const tolerance = opts.tolerance ?? 1e-3
  const perStep: number[] = []
  const report = (extra: Partial<SpotCheckReport> = {}): SpotCheckReport => {
    const within = perStep.filter((d) => d <= tolerance).length
    return {
      compared: perStep.length,
      perStepMaxAbsDiff: perStep,
      maxAbsDiff: perStep.reduce((m, d) => Math.max(m, d), 0),
      fractionWithin: perStep.length === 0 ? 0 : within / perStep.length,
      tolerance,
      ...extra,
    }
  }
  try {
    await opts.reference.reset({ envId: opts.envId, taskName: taskNameOf(opts.envId) }, opts.signal)
    for (const step of opts.recorded) {
      const mine = await opts.reference.act(step.obs, opts.actionKeys, opts.signal)
      perStep.push(actionDistance(step.action, mine, opts.actionKeys))
    }
  } catch (err) {
    return report({
      error: opts.signal?.aborted ? 'validator_cancelled' : failureOf(err, 'validator_internal'),
      errorDetail: detailOf(err),
    })
  }
  return report()
}
