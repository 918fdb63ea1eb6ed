/**
 * @packageDocumentation
 * The Kinitro validator node: its SQLite store (append-only message log, durable job queue, outbox, all
 * in one WAL database), its configuration and its `kinitro` commands.
 *
 * @example
 * ```ts
 * import { createStore } from '#node'
 * const store = createStore({ path: '/var/lib/kinitro/node.db' }) // ':memory:' when omitted
 * store.queue.enqueue({ id: 'job-1', payload: new Uint8Array() })
 * const job = store.queue.claim({ worker: 'w1' })
 * if (job) store.transaction(() => store.queue.ack(job.id, 'w1'))
 * store.close()
 * ```
 */

// Canaries: the reference policies every cycle, drift → unhealthy.
export type { CanaryEvaluate, CanaryJob, CanaryReport, CanaryRunner, CanaryRunnerInit } from './canary/index.js'
export {
  CanaryError,
  canaryJobId,
  canaryJobs,
  createCanaryRunner,
  createLocalCanaryEvaluator,
  getCanaryMetrics,
  judgeCanary,
  NODE_CANARY_ERROR_CODES,
} from './canary/index.js'
export type { ChainCommandInit } from './cli/chain.js'
export { chainCommand, DEFAULT_DEV_CHAIN_URL } from './cli/chain.js'
export type { CompetitionCommandInit } from './cli/competition.js'
export { competitionCommand } from './cli/competition.js'
export type { CompetitionErrorCode, CompetitionErrorMeta } from './cli/competition-errors.js'
export { COMPETITION_ERROR_CODES, CompetitionError } from './cli/competition-errors.js'
export { keysCommand } from './cli/keys.js'
export { nodeCommand } from './cli/node.js'
// Devnet building blocks (subnet bootstrap, pre-made mesh identities).
export type {
  BootstrapSubnetInit,
  DevAccountKey,
  DevMiner,
  DevSubnet,
  PreparedValidator,
  PublishMiner,
} from './devnet/index.js'
export {
  bootstrapSubnet,
  DEVNET_COMPETITION_ID,
  devRevision,
  freePort,
  prepareValidator,
} from './devnet/index.js'
export { NODE_ERROR_CODES } from './errors.js'
// Health and Prometheus endpoint.
export type {
  CompetitionInfo,
  CompetitionsSnapshot,
  HealthRelayInit,
  HealthReport,
  HealthServer,
  HealthServerInit,
  HealthStatus,
  RelayAnswer,
} from './health/index.js'
export { buildHealthApp, createHealthServer, HealthError, healthReport } from './health/index.js'
export type { NodeMetrics } from './metrics.js'
export { getNodeMetrics } from './metrics.js'
// The validator node, composed.
export type {
  EvaluatedJob,
  Evaluation,
  EvaluationInit,
  EvaluationJob,
  ValidatorNode,
  ValidatorNodeInit,
  ValidatorNodeStatus,
} from './node/index.js'
export {
  buildResult,
  createEvaluation,
  createValidatorNode,
  jobsQueueLength,
  STATUS_INTERVAL_BLOCKS,
  storedResults,
  trajectoryDigest,
} from './node/index.js'
export type { NodeConfig } from './options.js'
export { nodeConfigSchema } from './options.js'
export type {
  AtOptions,
  BackoffPolicy,
  ClaimedJob,
  ClaimOptions,
  FailOutcome,
  Integrity,
  JobInfo,
  JobQueue,
  JobQueueComponents,
  JobQueueOptions,
  JobStateName,
  LogCursor,
  LogEntry,
  MessageLog,
  Migration,
  NewJob,
  OpenDatabaseInit,
  Outbox,
  OutboxAddResult,
  OutboxItem,
  OutboxOptions,
  QueueStats,
  RangePage,
  RangeQuery,
  Store,
  StoreDatabase,
  StoredMessage,
  StoreErrorCode,
  StoreErrorMeta,
  StoreInit,
  SynchronousMode,
} from './store/index.js'
export {
  backoffDelayMs,
  createJobQueue,
  createMessageLog,
  createOutbox,
  createStore,
  currentSchemaVersion,
  defaultJobQueueOptions,
  defaultOutboxOptions,
  openDatabase,
  QUICK_CHECK_MAX_PROBLEMS,
  quickCheck,
  runMigrations,
  STORE_ERROR_CODES,
  STORE_ERROR_FIXES,
  STORE_MIGRATIONS,
  StoreError,
  seededRandom,
} from './store/index.js'
// The weight setter.
export type {
  CommitPersistence,
  IncompletePolicy,
  PersistedCommit,
  WeightInputs,
  WeightSetter,
  WeightSetterInit,
  WeightSetterStatus,
} from './weights/index.js'
export {
  createWeightSetter,
  DEFAULT_WEIGHTS_INTERVAL_BLOCKS,
  kvCommitPersistence,
  PENDING_COMMIT_KEY,
  WeightsError,
} from './weights/index.js'
