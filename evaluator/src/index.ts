/**
 * @packageDocumentation
 * Runs episodes of a miner's policy and turns them into signed-ready results: built-in MuJoCo tasks and
 * remote environment containers (`Environment`), the reference policy-server client (`PolicyClient`),
 * runtimes that start policies (`Runtime`: local process in a bubblewrap sandbox, Kubernetes pods, a
 * miner-served endpoint), artifact fetching, per-episode traces and videos (`ArtifactStore`: folder, S3/R2).
 */

export type { ArtifactInfo, ArtifactMeta, ArtifactStore } from './artifacts/types.js'
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
export type { EpisodeOutcome, EpisodeTrace, StepRecord } from './episode/types.js'
export type { EvaluatorConfig } from './options.js'
export { evaluatorConfigSchema } from './options.js'
export type {
  PolicyClient,
  PolicyEndpoint,
  PolicyHealth,
  PolicyLimits,
  PolicyResetConfig,
} from './policy/types.js'
export { DEFAULT_POLICY_LIMITS } from './policy/types.js'
export type { WireAction, WireImage, WireObservation, WireResetRequest } from './policy/wire.js'
export { decodeObservation, encodeObservation } from './policy/wire.js'
export type { PolicyExit, PolicyHandle, PolicySource, ResourceLimits, Runtime } from './runtime/types.js'
