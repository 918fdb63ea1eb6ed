/**
 * Canaries (issue 6 §3): every validator runs the reference policies (scripted expert, uniform random) on
 * each competition's tasks every cycle, on episodes every validator derives alike, and turns drift into
 * an unhealthy report: the expert below its floor, random above its ceiling, errors, or per-episode
 * outcomes that differ from peers'.
 *
 * @example
 * ```ts
 * const runner = createCanaryRunner({
 *   evaluate: createLocalCanaryEvaluator({ runtime: createProcessRuntime() }),
 *   metrics: getCanaryMetrics(register),
 *   logger,
 * })
 * const report = await runner.runCycle({ netuid, manifest, cycle, cycleStartBlockHash }, { signal })
 * health.status = () => ({ ...status, checks: { canary: runner.healthy() } })
 * ```
 */
export {
  CanaryError,
  type CanaryErrorCode,
  type CanaryErrorMeta,
  NODE_CANARY_ERROR_CODES,
  NODE_CANARY_ERROR_FIXES,
} from './errors.js'
export {
  CANARY_JOB_ID_DOMAIN,
  type CanaryJob,
  type CanaryJobIdInput,
  type CanaryJobsInput,
  canaryJobId,
  canaryJobs,
  DEFAULT_CANARY_INTERVAL_BLOCKS,
  isCanaryCycle,
} from './jobs.js'
export {
  CANARY_REASON_CODES,
  type CanaryReason,
  type CanaryReasonCode,
  type CanaryRun,
  type CanaryVerdict,
  type EpisodeFingerprint,
  fingerprintOf,
  type JudgeOptions,
  judgeCanary,
  type PeerCanaryReport,
  type PeerComparison,
  type PolicyVerdict,
  type RateFigures,
} from './judge.js'
export { createLocalCanaryEvaluator, type LocalCanaryEvaluatorInit } from './local.js'
export { CANARY_RESULTS, type CanaryMetrics, type CanaryResult, getCanaryMetrics } from './metrics.js'
export {
  CANARY_DEFAULTS,
  type CanaryBand,
  checkPolicies,
  defaultReferencePolicies,
  type ReferencePolicy,
} from './policies.js'
export {
  type CanaryCycleInput,
  type CanaryCycleKey,
  type CanaryEvaluate,
  type CanaryReport,
  type CanaryRunner,
  type CanaryRunnerInit,
  createCanaryRunner,
} from './runner.js'
