import {
  type EnvironmentFactory,
  type EpisodeOutcome,
  type PolicyClient,
  type PolicyLimits,
  runEpisode,
  type StepEvent,
} from '#evaluator'
import type { Progress } from './progress.js'
import { type Film, openFilm, type VideoOptions, videoFileName } from './video.js'

export interface EvalPlan {
  /** Env ids, in the order they run. */
  tasks: readonly string[]
  episodesPerTask: number
  /** Episode k of every task uses seed `seed + k` (mod 2^32); the task's own draws differ per env id. */
  seed: number
  limits: PolicyLimits
}

export interface EvalRun {
  /** One per episode, task-major (task 0's episodes first), like a validator's job. */
  outcomes: EpisodeOutcome[]
  /** Per outcome: the 1-based step of the first success, or null (the runner keeps going after it). */
  firstSuccess: (number | null)[]
  /** Every step's `/act` round trip per env id, in milliseconds. */
  latencies: Map<string, number[]>
  videos: string[]
}

export interface EvalDeps {
  factory: EnvironmentFactory
  policy: PolicyClient
  progress: Progress
  video?: VideoOptions
  warn: (text: string) => void
}

/** The seed of episode `k` of a plan. */
export function episodeSeedOf(plan: EvalPlan, k: number): number {
  return (plan.seed + k) >>> 0
}

/**
 * Runs every episode of the plan with the evaluator's own episode runner (`runEpisode`: the same reset,
 * deadlines, action validation, state-hash chain and failure codes as a validator's job), one at a time
 * against the one policy instance. A failing episode never stops the run: its outcome carries the code.
 */
export async function runEvaluation(plan: EvalPlan, deps: EvalDeps): Promise<EvalRun> {
  const outcomes: EpisodeOutcome[] = []
  const firstSuccess: (number | null)[] = []
  const latencies = new Map<string, number[]>()
  const videos: string[] = []
  for (const envId of plan.tasks) {
    const env = await deps.factory.create(envId)
    let film: Film | undefined
    try {
      film = deps.video === undefined ? undefined : await openFilm(deps.factory, envId, deps.video)
      const times: number[] = []
      latencies.set(envId, times)
      const maxSteps = Math.min(plan.limits.maxSteps, env.spec.maxSteps)
      for (let k = 0; k < plan.episodesPerTask; k++) {
        const index = outcomes.length
        const task = { envId, taskId: `${envId}#${k}`, seed: episodeSeedOf(plan, k), params: {} }
        let filming = film
        const stopFilming = (what: string) => (err: Error) => {
          deps.warn(`video of ${envId} #${k + 1} ${what}: ${err.message}`)
          filming = undefined
        }
        await filming?.start(task).catch(stopFilming('not started'))
        let first: number | null = null
        const onStep = async (ev: StepEvent) => {
          times.push(ev.latencyMs)
          if (first === null && ev.result.success) first = ev.t + 1
          deps.progress.step(index, envId, ev.t, maxSteps)
          // A film fault must not fail the episode (runEpisode would record it as validator_internal).
          await filming?.step(ev.action).catch(stopFilming('stopped'))
        }
        const trace = await runEpisode({
          env,
          policy: deps.policy,
          task,
          episodeIndex: index,
          limits: plan.limits,
          recordSteps: false,
          onStep,
        })
        outcomes.push(trace.outcome)
        firstSuccess.push(first)
        deps.progress.episode(index, trace.outcome, first)
        if (filming !== undefined) {
          const path = await filming
            .finish(videoFileName(envId, k + 1, task.seed))
            .catch((err: Error) => deps.warn(`video of ${envId} #${k + 1} not written: ${err.message}`))
          if (typeof path === 'string') videos.push(path)
        }
      }
    } finally {
      await env.close()
      await film?.close()
    }
  }
  deps.progress.done()
  return { outcomes, firstSuccess, latencies, videos }
}
