/**
 * @packageDocumentation
 * Runs episodes of a miner's policy and turns them into signed-ready results: built-in MuJoCo tasks and
 * remote environment containers (`Environment`), the reference policy-server client (`PolicyClient`),
 * runtimes that start policies (`Runtime`: local process in a bubblewrap sandbox, Kubernetes pods, a
 * miner-served endpoint), artifact fetching, per-episode traces and videos (`ArtifactStore`: folder, S3/R2).
 *
 * @example
 * ```ts
 * const runtime = createProcessRuntime()
 * const lanes = await startPolicyLanes({ runtime, source: policySourceFromDir(samplePolicyDir('expert')),
 *   count: 1, limits: DEFAULT_POLICY_LIMITS })
 * const job = await evaluateJob({ jobId, cycleStartBlockHash, episodesPerTask: 10, limits: DEFAULT_POLICY_LIMITS,
 *   tasks: [{ envId: 'mujoco/reach-v1', taskId: 'reach', params: {} }], lanes: lanes.clients,
 *   envFactory: createBuiltinEnvironmentFactory() })
 * await lanes.stop()
 * ```
 */

// Artifact stores and episode logs.
export type {
  ArtifactInfo,
  ArtifactListOptions,
  ArtifactMeta,
  ArtifactOpOptions,
  ArtifactStore,
  EpisodeArtifacts,
  EpisodeArtifactsOptions,
  EpisodeDocument,
  EpisodeKeyParts,
  FolderArtifactStoreInit,
  S3ArtifactStoreInit,
  S3ChecksumMode,
  VideoInput,
  WrittenArtifact,
} from './artifacts/index.js'
export {
  ArtifactError,
  canonicalSteps,
  createFolderArtifactStore,
  createS3ArtifactStore,
  defaultChecksumMode,
  EPISODE_LOG_FORMAT,
  encodeMp4,
  episodeKeyPrefix,
  readEpisodeTrace,
  writeEpisodeArtifacts,
} from './artifacts/index.js'
// The command line.
export type { EnvCommandInit } from './cli/env.js'
export { envCommand } from './cli/env.js'
// Environments.
export type { MujocoFactoryOptions } from './env/mujoco/index.js'
export {
  ACTION_KEYS,
  createMujocoEnvironmentFactory,
  MUJOCO_ENV_IDS,
  MUJOCO_SIMULATOR,
  MUJOCO_VERSION,
  MujocoEnvError,
  PROPRIO_KEYS,
} from './env/mujoco/index.js'
export type { EnvContainerClient, EvaluateRemoteOptions, RemoteEnvironmentOptions } from './env/remote/index.js'
export {
  createEnvContainerClient,
  createRemoteEnvironmentFactory,
  evaluateRemote,
  RemoteEnvError,
  STEP_DRIVEN_METHODS,
} from './env/remote/index.js'
export { createToyEnvironmentFactory, TOY_POINT_REACH_ID, toyExpertAction } from './env/toy/index.js'
export type {
  Action,
  CameraSpec,
  Environment,
  EnvironmentFactory,
  EnvironmentOptions,
  EnvironmentSpec,
  ImageTensor,
  Observation,
  StepResult,
  TaskConfig,
} from './env/types.js'
export type { EpisodeFrame, ReplayFramesOptions, ReplayFramesResult } from './episode/frames.js'
export { replayFrames } from './episode/frames.js'
// Episodes, replay, jobs.
export type {
  EpisodeOutcome,
  EpisodeTrace,
  EvaluateJobOptions,
  ExcludedSummary,
  JobEvaluation,
  JobProgress,
  JobSummary,
  JobTask,
  RecordedStep,
  RunEpisodeOptions,
  SpotCheckOptions,
  SpotCheckReport,
  StepEvent,
  StepRecord,
  VerifyResult,
} from './episode/index.js'
export {
  createStepRecorder,
  EpisodeError,
  evaluateJob,
  failedTrace,
  isScored,
  jobEpisodes,
  replayEpisode,
  resultSummary,
  runEpisode,
  spotCheck,
  summarizeJob,
  toEpisodeRecords,
  verifyTrace,
} from './episode/index.js'
export { EVALUATOR_ERROR_CODES } from './errors.js'
// Composition.
export { createBuiltinEnvironmentFactory } from './evaluation/builtin.js'
export { EvaluationError } from './evaluation/errors.js'
export type { PolicyLanes } from './evaluation/lanes.js'
export { DEFAULT_RESOURCE_LIMITS, startPolicyLanes } from './evaluation/lanes.js'
export type { PolicyManifest, SamplePolicyName } from './evaluation/policy-dir.js'
export { policySourceFromDir, readPolicyManifest, SAMPLE_POLICIES, samplePolicyDir } from './evaluation/policy-dir.js'
export { combineEnvironmentFactories } from './evaluation/registry.js'
// Fetching committed policies.
export type {
  ArtifactFetcher,
  ArtifactFetcherInit,
  ArtifactRef,
  DevHub,
  DevHubInit,
  DevHubRequest,
  DevHubUser,
  FetchedArtifact,
  PackedPolicy,
} from './fetch/index.js'
export {
  createArtifactFetcher,
  DEFAULT_FETCHER_OPTIONS,
  FetchError,
  fetchFailureCode,
  packPolicyDir,
  startDevHub,
} from './fetch/index.js'
export type { EvaluatorConfig } from './options.js'
export { evaluatorConfigSchema } from './options.js'
// The policy-server contract.
export type {
  HttpPolicyClient,
  PolicyClient,
  PolicyClientOptions,
  PolicyEndpoint,
  PolicyHealth,
  PolicyLimits,
  PolicyResetConfig,
  ServedPolicy,
  ServedPolicyHandle,
  ServePolicyOptions,
  WireAction,
  WireImage,
  WireObservation,
  WireResetRequest,
} from './policy/index.js'
export {
  createPolicyClient,
  DEFAULT_POLICY_LIMITS,
  decodeObservation,
  encodeObservation,
  PolicyCallError,
  PolicyError,
  servePolicy,
  validateActResponse,
  waitHealthy,
} from './policy/index.js'
// Worker threads.
export type { EpisodePool, EpisodePoolInit, ModuleRef, PoolEpisodeRequest } from './pool/index.js'
export { createEpisodePool, MUJOCO_ENV_MODULE, PoolError, TOY_ENV_MODULE } from './pool/index.js'
// Runtimes.
export type {
  KubernetesRuntime,
  KubernetesRuntimeInit,
  PolicyExit,
  PolicyHandle,
  PolicySource,
  ProcessRuntimeInit,
  RemoteRuntimeInit,
  ResourceLimits,
  Runtime,
} from './runtime/index.js'
export {
  buildPolicyNetworkPolicy,
  buildPolicyPod,
  createKubernetesRuntime,
  createProcessRuntime,
  createRemoteRuntime,
  RuntimeError,
  runDirPrefix,
} from './runtime/index.js'
