import { episodeSeed32, type Logger, silentLogger } from '#protocol'
import type { Environment, EnvironmentFactory, TaskConfig } from '../env/types.js'
import type { PolicyClient, PolicyLimits } from '../policy/types.js'
import type { EpisodePool } from '../pool/types.js'
import { EpisodeError } from './errors.js'
import { detailOf, failureOf } from './failure.js'
import { runEpisode } from './run-episode.js'
import { type JobSummary, summarizeJob } from './summary.js'
import { failedTrace } from './synthetic.js'
import type { EpisodeOutcome, EpisodeTrace } from './types.js'

/** One task of a job, as the competition manifest lists it. */
export interface JobTask {
  envId: string
  taskId: string
  params: Record<string, string>
}

export interface JobProgress {
  done: number
  total: number
  last: EpisodeOutcome
}

export interface EvaluateJobOptions {
  /** 32-byte job id. */
  jobId: Uint8Array
  /** 32-byte hash of the cycle's start block. */
  cycleStartBlockHash: Uint8Array
  tasks: readonly JobTask[]
  episodesPerTask: number
  limits: PolicyLimits
  /**
   * One client per running policy instance. Reference policy servers keep per-episode state, so each
   * lane runs one episode at a time; the number of lanes is the job's parallelism.
   */
  lanes: readonly PolicyClient[]
  /** Run episodes in this thread with environments from this factory… */
  envFactory?: EnvironmentFactory
  /** …or on a worker pool (each lane's endpoint is handed to the worker). Exactly one of the two. */
  pool?: EpisodePool
  snapshotEvery?: number
  /** Return every trace (steps, snapshots) as well as the outcomes. @default false */
  keepTraces?: boolean
  /** See `RunEpisodeOptions.terminateOnSuccess`. @default false */
  terminateOnSuccess?: boolean
  signal?: AbortSignal
  onProgress?: (p: JobProgress) => void
  logger?: Logger
}

export interface JobEvaluation extends JobSummary {
  /** One outcome per episode, ordered by job-wide episode index. */
  episodes: EpisodeOutcome[]
  /** Present with `keepTraces`; same order as `episodes`. */
  traces?: EpisodeTrace[]
}

function invalid(option: string, reason: string): never {
  throw new EpisodeError({ code: 'EVAL_EPISODE_INVALID_OPTIONS', option, reason }, `${option}: ${reason}`)
}

/**
 * The job's episodes in task-major order: task 0's episodes get indices 0 … E−1, task 1's E … 2E−1, and so
 * on; episode i's seed is `episodeSeed32(jobId, cycleStartBlockHash, i)`, so every validator derives the
 * same seeds from chain data alone.
 */
export function jobEpisodes(
  opts: Pick<EvaluateJobOptions, 'jobId' | 'cycleStartBlockHash' | 'tasks' | 'episodesPerTask'>,
): {
  index: number
  task: TaskConfig
}[] {
  const out: { index: number; task: TaskConfig }[] = []
  for (const t of opts.tasks) {
    for (let k = 0; k < opts.episodesPerTask; k++) {
      const index = out.length
      const seed = episodeSeed32(opts.jobId, opts.cycleStartBlockHash, index)
      out.push({ index, task: { envId: t.envId, taskId: t.taskId, seed, params: { ...t.params } } })
    }
  }
  return out
}

/**
 * Evaluates a job: every task × `episodesPerTask` episodes over the lanes, then per-env and overall
 * figures with Wilson 95% intervals. Never throws for an episode's failure; throws `EpisodeError` for bad
 * options. On abort, episodes not yet started are recorded as `validator_cancelled`.
 */
export async function evaluateJob(opts: EvaluateJobOptions): Promise<JobEvaluation> {
  if (!(Number.isInteger(opts.episodesPerTask) && opts.episodesPerTask > 0)) {
    invalid('episodesPerTask', 'must be a positive integer')
  }
  if (opts.jobId.length !== 32) invalid('jobId', 'must be 32 bytes')
  if (opts.cycleStartBlockHash.length !== 32) invalid('cycleStartBlockHash', 'must be 32 bytes')
  if (opts.tasks.length * opts.episodesPerTask > 0xffffffff)
    invalid('episodesPerTask', 'episode indices must fit a u32')
  if (opts.tasks.length === 0) invalid('tasks', 'at least one task')
  if (opts.lanes.length === 0) invalid('lanes', 'at least one policy client')
  if ((opts.envFactory === undefined) === (opts.pool === undefined))
    invalid('envFactory', 'give exactly one of envFactory or pool')
  if (opts.envFactory) {
    const known = opts.envFactory.list().map((s) => s.envId)
    for (const t of opts.tasks) {
      if (!known.includes(t.envId)) {
        throw new EpisodeError({ code: 'EVAL_EPISODE_ENV_UNKNOWN', envId: t.envId, known }, `unknown env ${t.envId}`)
      }
    }
  }
  const log = (opts.logger ?? silentLogger).child('evaluator:job')
  const plan = jobEpisodes(opts)
  const total = plan.length
  const traces: (EpisodeTrace | undefined)[] = new Array(total)
  const outcomes: (EpisodeOutcome | undefined)[] = new Array(total)
  let next = 0
  let done = 0

  const record = (i: number, trace: EpisodeTrace) => {
    outcomes[i] = trace.outcome
    if (opts.keepTraces) traces[i] = trace
    done++
    if (trace.outcome.error) log.debug('episode failed', { index: i, error: trace.outcome.error })
    opts.onProgress?.({ done, total, last: trace.outcome })
  }

  async function laneLoop(lane: PolicyClient): Promise<void> {
    const envs = new Map<string, Environment>()
    try {
      while (next < total && !opts.signal?.aborted) {
        const item = plan[next++] as { index: number; task: TaskConfig }
        record(item.index, await runOne(lane, envs, item.index, item.task))
      }
    } finally {
      for (const env of envs.values()) await env.close().catch(() => {})
    }
  }

  async function runOne(
    lane: PolicyClient,
    envs: Map<string, Environment>,
    index: number,
    task: TaskConfig,
  ): Promise<EpisodeTrace> {
    const common = { snapshotEvery: opts.snapshotEvery, recordSteps: opts.keepTraces === true }
    if (opts.pool) {
      try {
        return await opts.pool.run(
          {
            task,
            episodeIndex: index,
            endpoint: lane.endpoint,
            limits: opts.limits,
            ...common,
            terminateOnSuccess: opts.terminateOnSuccess,
          },
          { signal: opts.signal },
        )
      } catch (err) {
        // Only PoolErrors reach here (full or closed): capacity on our side, never the miner's fault.
        return failedTrace(task, index, 'validator_overloaded', detailOf(err))
      }
    }
    let env = envs.get(task.envId)
    if (env === undefined) {
      try {
        env = await (opts.envFactory as EnvironmentFactory).create(task.envId)
      } catch (err) {
        return failedTrace(task, index, failureOf(err, 'env_error'), detailOf(err))
      }
      envs.set(task.envId, env)
    }
    return runEpisode({
      env,
      policy: lane,
      task,
      episodeIndex: index,
      limits: opts.limits,
      ...common,
      terminateOnSuccess: opts.terminateOnSuccess,
      signal: opts.signal,
    })
  }

  await Promise.all(opts.lanes.map((lane) => laneLoop(lane)))

  for (const item of plan) {
    if (outcomes[item.index] === undefined) {
      const t = failedTrace(item.task, item.index, 'validator_cancelled', 'job aborted before start')
      outcomes[item.index] = t.outcome
      traces[item.index] = t
    }
  }
  const episodes = outcomes as EpisodeOutcome[]
  const result: JobEvaluation = { episodes, ...summarizeJob(episodes) }
  if (opts.keepTraces) result.traces = traces as EpisodeTrace[]
  return result
}
