import {
  createBuiltinEnvironmentFactory,
  DEFAULT_POLICY_LIMITS,
  type EnvironmentFactory,
  evaluateJob,
  type PolicyLimits,
  policySourceFromDir,
  type ResourceLimits,
  type Runtime,
  startPolicyLanes,
} from '#evaluator'
import { type Logger, silentLogger } from '#protocol'
import type { CanaryEvaluate } from './runner.js'

/** Options of {@link createLocalCanaryEvaluator}. */
export interface LocalCanaryEvaluatorInit {
  /** Starts the reference policy; the same runtime (and sandbox) as miner jobs, so canaries test it too. */
  runtime: Runtime
  /** @default createBuiltinEnvironmentFactory() */
  envFactory?: EnvironmentFactory
  /** @default DEFAULT_POLICY_LIMITS (the job's `maxSteps` lowers `maxSteps` further) */
  limits?: PolicyLimits
  /** Policy instances per canary job. @default 1 */
  lanes?: number
  /** @default the evaluator's DEFAULT_RESOURCE_LIMITS */
  resources?: ResourceLimits
  /** @default silentLogger */
  logger?: Logger
}

/**
 * The canary's evaluate function on this machine: start the reference policy's folder as a policy (through
 * the runtime, like a miner's), run `evaluateJob` with the canary job id and cycle hash, stop the policy.
 * Limits mirror miner jobs (`min(limits.maxSteps, job.maxSteps)`, full horizon), so the canary measures
 * what miners are measured with.
 */
export function createLocalCanaryEvaluator(init: LocalCanaryEvaluatorInit): CanaryEvaluate {
  const log = (init.logger ?? silentLogger).child('node:canary')
  const envFactory = init.envFactory ?? createBuiltinEnvironmentFactory({ logger: log })
  const limits = init.limits ?? DEFAULT_POLICY_LIMITS
  return async (job, { signal }) => {
    const lanes = await startPolicyLanes({
      runtime: init.runtime,
      source: policySourceFromDir(job.policyDir, `canary-${job.policy}`),
      count: init.lanes ?? 1,
      limits,
      ...(init.resources ? { resources: init.resources } : {}),
      signal,
      logger: log,
    })
    try {
      const evaluation = await evaluateJob({
        jobId: job.jobId,
        cycleStartBlockHash: job.cycleStartBlockHash,
        tasks: job.tasks,
        episodesPerTask: job.episodesPerTask,
        limits: { ...limits, maxSteps: job.maxSteps > 0 ? Math.min(limits.maxSteps, job.maxSteps) : limits.maxSteps },
        lanes: lanes.clients,
        envFactory,
        signal,
        logger: log,
      })
      return { episodes: evaluation.episodes }
    } finally {
      await lanes.stop()
    }
  }
}
