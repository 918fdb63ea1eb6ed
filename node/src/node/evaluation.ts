import { join } from 'node:path'
import {
  type ArtifactFetcher,
  type ArtifactRef,
  type ArtifactStore,
  createArtifactFetcher,
  createBuiltinEnvironmentFactory,
  createKubernetesRuntime,
  createProcessRuntime,
  type EnvironmentFactory,
  type EpisodeOutcome,
  type EvaluatorConfig,
  evaluateJob,
  failedTrace,
  type JobTask,
  jobEpisodes,
  type PolicyLimits,
  policySourceFromDir,
  type Runtime,
  startPolicyLanes,
} from '#evaluator'
import {
  type CompetitionManifest,
  type FailureCode,
  isFailureCode,
  type JobAnnouncement,
  type Logger,
  parseCommitment,
  silentLogger,
} from '#protocol'
import { type CanaryEvaluate, createLocalCanaryEvaluator } from '../canary/index.js'
import { artifactStoreFromConfig, storeEpisodeArtifacts } from './artifacts.js'

/** A job to evaluate: its announcement and the competition it belongs to. */
export interface EvaluationJob {
  announcement: JobAnnouncement
  manifest: CompetitionManifest
}

/** What an evaluation produced; every episode has an outcome, failed ones with a failure code. */
export interface EvaluatedJob {
  episodes: EpisodeOutcome[]
  /** How the policy ran (`bubblewrap`, `process`, `kubernetes`, or `none` when it never started). */
  isolation: string
  /** `episode.json` URI per episode, in episode order; absent when no traces were stored. */
  artifactUris?: string[]
}

/** Runs jobs; the seam between the node and the evaluator (tests inject their own). */
export interface Evaluation {
  evaluate(
    job: EvaluationJob,
    opts: {
      signal: AbortSignal
      onProgress?: (done: number, total: number) => void
      /** Our hotkey (SS58): the validator segment of the artifact keys. */
      validator?: string
    },
  ): Promise<EvaluatedJob>
  /** Runs the reference policies for canaries with the same runtime and environments as miner jobs. */
  readonly canary?: CanaryEvaluate
  close(): Promise<void>
}

/** Inputs of {@link createEvaluation}. */
export interface EvaluationInit {
  config: EvaluatorConfig
  dataDir: string
  /** @default silentLogger */
  logger?: Logger
  /** Policy instances per job. @default 1 */
  lanes?: number
  /** Accept http:// hub URLs (devnet and tests serve artifacts from a local hub). @default false */
  allowInsecureHttp?: boolean
  /** @default built-in MuJoCo and toy tasks */
  envFactory?: EnvironmentFactory
  /** @default from `config.runtime` */
  runtime?: Runtime
  /** @default from `config.fetch` */
  fetcher?: ArtifactFetcher
  /**
   * Where per-episode traces go; `false` stores none.
   * @default from `config.artifacts`: a folder under `dataDir` when `traces` is on (the default)
   */
  artifacts?: ArtifactStore | false
}

/** The manifest's tasks as the evaluator takes them (protobuf maps → plain records). */
export function tasksOf(manifest: CompetitionManifest): JobTask[] {
  return manifest.tasks.map((t) => ({ envId: t.envId, taskId: t.taskId, params: Object.fromEntries(t.params) }))
}

const FULL_REVISION = /^[0-9a-f]{40}$/u

/**
 * Where a committed artifact is fetched from, or why it cannot be evaluated. Only our own formats carry the
 * digest the download is checked against: `k1` (with `#digest` and a full revision, which cannot move) from
 * the hub, `k1u` from its URL. The reference's formats name no digest, so nothing could be verified.
 */
export function fetchRefOf(commitment: string | Uint8Array): { ref: ArtifactRef } | { reason: string } {
  const c = parseCommitment(commitment)
  if (c.format === 'kinitro-v1-url') return { ref: { kind: 'https', url: c.url, sha256: c.sha256 } }
  if (c.format !== 'kinitro-v1' || c.sha256 === undefined) {
    return { reason: `commitment format ${c.format} carries no artifact digest` }
  }
  if (!FULL_REVISION.test(c.revision)) return { reason: 'the revision must be a full 40-hex commit sha' }
  return { ref: { kind: 'hf', repo: c.repo, revision: c.revision, sha256: c.sha256 } }
}

function failure(err: unknown): FailureCode {
  const f = (err as { meta?: { failure?: unknown } })?.meta?.failure
  return typeof f === 'string' && isFailureCode(f) ? f : 'validator_internal'
}

/** Every episode of the job failed before it started, with one code (artifact or start failures). */
export function failedJob(job: EvaluationJob, error: FailureCode, detail: string): EvaluatedJob {
  const a = job.announcement
  const plan = jobEpisodes({
    jobId: a.jobId,
    cycleStartBlockHash: a.cycleStartBlockHash,
    tasks: tasksOf(job.manifest),
    episodesPerTask: job.manifest.episodesPerTask,
  })
  // The evaluator's own shape for an episode that never ran a step.
  const episodes = plan.map(({ index, task }) => failedTrace(task, index, error, detail.slice(0, 500)).outcome)
  return { episodes, isolation: 'none' }
}

/** The runtime the config asks for. */
export function runtimeFromConfig(config: EvaluatorConfig, logger: Logger): Runtime {
  const r = config.runtime
  if (r.kind === 'kubernetes') {
    const k = config.kubernetes
    return createKubernetesRuntime({
      namespace: k.namespace,
      ...(k.kubeconfig === undefined ? {} : { kubeConfig: k.kubeconfig }),
      ...(k.runtimeClassName === undefined ? {} : { runtimeClassName: k.runtimeClassName }),
      allowInsecure: k.allowInsecure,
      evaluatorSelector: { podLabels: { app: 'kinitro-validator' } },
      startTimeoutMs: r.startTimeoutMs,
      logger,
    })
  }
  // Scratch stays in the OS temp dir (the runtime's default): the policy runs as another uid, and a data
  // dir under a private home directory would not be traversable for it.
  return createProcessRuntime({
    sandbox: r.sandbox,
    startTimeoutMs: r.startTimeoutMs,
    uidRange: r.uidRange,
    logger,
  })
}

/**
 * The node's evaluation: commitment → verified artifact (fetcher) → policy instances (runtime) →
 * `evaluateJob` on the built-in environments. A miner's fault never throws: it becomes failed episodes
 * with the code the evaluator assigned, so the result still goes out and says why.
 */
export function createEvaluation(init: EvaluationInit): Evaluation {
  const log = (init.logger ?? silentLogger).child('node:evaluation')
  const { config } = init
  const envFactory = init.envFactory ?? createBuiltinEnvironmentFactory({ logger: log })
  const runtime = init.runtime ?? runtimeFromConfig(config, log)
  const artifacts =
    init.artifacts === false ? undefined : (init.artifacts ?? artifactStoreFromConfig(config, init.dataDir, log))
  const fetcher =
    init.fetcher ??
    createArtifactFetcher({
      cacheDir: join(init.dataDir, config.fetch.cacheDir),
      hubUrl: config.fetch.hubUrl,
      maxDownloadBytes: config.fetch.maxDownloadMb * 1024 * 1024,
      maxUnpackedBytes: config.fetch.maxUnpackedMb * 1024 * 1024,
      maxFiles: config.fetch.maxFiles,
      allowInsecureHttp: init.allowInsecureHttp ?? config.fetch.allowInsecureHttp,
      ...(process.env.HF_TOKEN === undefined ? {} : { hfToken: process.env.HF_TOKEN }),
      logger: log,
    })
  const limits: PolicyLimits = {
    actTimeoutMs: config.limits.actTimeoutMs,
    resetTimeoutMs: config.limits.resetTimeoutMs,
    episodeTimeoutMs: config.limits.episodeTimeoutMs,
    maxSteps: config.limits.maxSteps,
    maxResponseBytes: config.limits.maxResponseBytes,
    healthTimeoutMs: 2_000,
  }

  return {
    canary: createLocalCanaryEvaluator({ runtime, envFactory, limits, logger: log }),
    async evaluate(job, opts) {
      const located = fetchRefOf(job.announcement.commitment)
      if ('reason' in located) return failedJob(job, 'policy_artifact_invalid', located.reason)
      const { ref } = located
      let dir: string
      try {
        dir = (await fetcher.fetch(ref, { signal: opts.signal })).dir
      } catch (err) {
        log.warn('artifact fetch failed', { ref }, err)
        return failedJob(job, failure(err), String((err as Error).message ?? err))
      }
      let lanes: Awaited<ReturnType<typeof startPolicyLanes>>
      try {
        lanes = await startPolicyLanes({
          runtime,
          source: policySourceFromDir(dir, `job-${Buffer.from(job.announcement.jobId).toString('hex').slice(0, 12)}`),
          count: init.lanes ?? 1,
          limits,
          resources: {
            memoryMiB: config.runtime.memoryMb,
            cpuSeconds: config.runtime.cpuSeconds,
            maxProcesses: config.runtime.maxProcesses,
            wallClockMs: 2 * 60 * 60 * 1000,
            scratchMiB: config.runtime.scratchMb,
          },
          signal: opts.signal,
          logger: log,
        })
      } catch (err) {
        log.warn('policy failed to start', { ref }, err)
        return failedJob(job, failure(err), String((err as Error).message ?? err))
      }
      let evaluation: Awaited<ReturnType<typeof evaluateJob>>
      try {
        const m = job.manifest
        evaluation = await evaluateJob({
          jobId: job.announcement.jobId,
          cycleStartBlockHash: job.announcement.cycleStartBlockHash,
          tasks: tasksOf(m),
          episodesPerTask: m.episodesPerTask,
          limits: { ...limits, maxSteps: Math.min(limits.maxSteps, m.maxSteps > 0 ? m.maxSteps : limits.maxSteps) },
          lanes: lanes.clients,
          envFactory,
          signal: opts.signal,
          onProgress: (p) => opts.onProgress?.(p.done, p.total),
          logger: log,
          // Traces only when they are stored: the outcomes and the signed digest are the same either way.
          ...(artifacts === undefined ? {} : { keepTraces: true, snapshotEvery: config.artifacts.snapshotEvery }),
        })
      } finally {
        await lanes.stop()
      }
      const out: EvaluatedJob = { episodes: evaluation.episodes, isolation: lanes.isolation }
      if (artifacts !== undefined && evaluation.traces !== undefined && !opts.signal.aborted) {
        const uris = await storeEpisodeArtifacts({
          store: artifacts,
          announcement: job.announcement,
          traces: evaluation.traces,
          ...(opts.validator === undefined ? {} : { validator: opts.validator }),
          logger: log,
          signal: opts.signal,
        })
        if (uris !== undefined) out.artifactUris = uris
      }
      return out
    },
    async close() {
      await runtime.close()
      await artifacts?.close?.()
    },
  }
}
