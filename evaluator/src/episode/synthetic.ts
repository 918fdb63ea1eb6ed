import type { FailureCode } from '#protocol'
import type { TaskConfig } from '../env/types.js'
import type { EpisodeOutcome, EpisodeTrace } from './types.js'

/** An outcome before anything ran: zero steps, empty chain, success false. Callers fill in what happened. */
export function emptyOutcome(
  task: TaskConfig,
  episodeIndex: number,
  simulator: { name: string; version: string } = { name: 'unknown', version: '' },
): EpisodeOutcome {
  return {
    envId: task.envId,
    taskId: task.taskId,
    episodeIndex,
    seed: task.seed,
    success: false,
    successAtEnd: false,
    totalReward: 0,
    steps: 0,
    durationMs: 0,
    latencyP50Ms: 0,
    latencyP99Ms: 0,
    latencyMaxMs: 0,
    finalStateHash: '',
    simulator,
  }
}

/**
 * The trace of an episode that never ran a step: cancelled before start, no capacity, the environment or
 * the worker failed before the runner took over. Zero steps, empty chain, success false.
 */
export function failedTrace(
  task: TaskConfig,
  episodeIndex: number,
  error: FailureCode,
  errorDetail: string,
  simulator: { name: string; version: string } = { name: 'unknown', version: '' },
): EpisodeTrace {
  return {
    outcome: { ...emptyOutcome(task, episodeIndex, simulator), error, errorDetail },
    initialStateHash: '',
    steps: [],
    snapshotEvery: 0,
    snapshots: [],
    taskParams: { ...task.params },
  }
}
