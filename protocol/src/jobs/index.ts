/**
 * Deterministic jobs (design §5): cycles, derivation from chain state, weighted rendezvous assignment,
 * take-over, the semantic check of received job announcements, and the planner service.
 */
export { ARTIFACT_DIGEST_DOMAIN, artifactOf, type MinerArtifact } from './artifact.js'
export {
  assign,
  DEFAULT_REPLICAS,
  type RankedValidator,
  RENDEZVOUS_DOMAIN,
  rankValidators,
  rendezvousUniform,
  type ValidatorInfo,
} from './assign.js'
export { type CycleSchedule, cycleOf, cycleStartBlock } from './cycles.js'
export {
  competitionFamilies,
  type DerivedJob,
  type DerivedJobs,
  type DeriveJobsInput,
  deriveJobs,
  evaluationKey,
  type KnownArtifact,
  type MinerCommitment,
} from './derive.js'
export {
  JOBS_ERROR_CODES,
  JOBS_ERROR_FIXES,
  JobsError,
  type JobsErrorCode,
  type JobsErrorMeta,
} from './errors.js'
export {
  createJobPlanner,
  JOB_PLANNER_LIMITS,
  type JobPlan,
  type JobPlanner,
  type JobPlannerInit,
  type PlannedJob,
  type ValidatorProfile,
} from './planner.js'
export {
  deriveRerunJob,
  isRerunJob,
  jobManifest,
  type RerunInput,
  type RerunPlan,
  type RerunSkipReason,
} from './rerun.js'
export { JOB_CONTRADICTION_CODE, JOB_LAG_CODE, type JobView, validateJobSemantics } from './semantics.js'
export {
  type MayHoldSlotInput,
  mayHoldSlot,
  type TakeOver,
  type TakeOverInput,
  takeOverCandidates,
} from './takeover.js'
