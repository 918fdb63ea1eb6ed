import { type EpisodeOutcome, jobEpisodes } from '#evaluator'
import type { CanaryJob, CanaryJobsInput } from '../../../src/canary/index.js'

export const HASH = new Uint8Array(32).fill(7)

/** A manifest with the given env ids as tasks (task id = env family), as protocol decodes it (Map params). */
export function manifest(envIds: string[], episodesPerTask = 10, id = 'comp-a'): CanaryJobsInput['manifest'] {
  return {
    id,
    tasks: envIds.map((envId) => ({ envId, taskId: envId.split('/')[1] ?? envId, params: new Map([['k', envId]]) })),
    episodesPerTask,
    maxSteps: 150,
  }
}

/**
 * The outcomes a well-behaved evaluator returns for `job`: every planned episode, with `success(i)` for
 * episode i and a state hash that depends only on the seed (what a deterministic simulator gives).
 */
export function outcomes(job: CanaryJob, success: (i: number) => boolean = () => true): EpisodeOutcome[] {
  return jobEpisodes(job).map(({ index, task }) => ({
    envId: task.envId,
    taskId: task.taskId,
    episodeIndex: index,
    seed: task.seed,
    success: success(index),
    successAtEnd: success(index),
    totalReward: 1,
    steps: 150,
    durationMs: 10,
    latencyP50Ms: 1,
    latencyP99Ms: 2,
    latencyMaxMs: 3,
    finalStateHash: `${task.seed.toString(16).padStart(8, '0')}${success(index) ? 'ok' : 'no'}`,
    simulator: { name: 'test', version: '1' },
  }))
}
