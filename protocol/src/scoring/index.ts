/**
 * Scoring: pure, deterministic functions from (competitions, commitments, validators' results, metagraph)
 * to weights. `computeWeights` is the entry point; the rest is exported for reports, tests and tools.
 */

export type { AggregatedScores, WeightedValue } from './aggregate.js'
export { aggregateResults, weightedMedian } from './aggregate.js'
export { computeWeights } from './compute-weights.js'
export { MAX_SUBSET_ENVS, U16_MAX, UNKNOWN_COMMIT_BLOCK } from './constants.js'
export { canonicalJson, INPUTS_DIGEST_DOMAIN } from './digest.js'
export type { ScoringErrorCode, ScoringErrorMeta, ScoringIssue } from './errors.js'
export { SCORING_ERROR_CODES, SCORING_ERROR_FIXES, ScoringError } from './errors.js'
export type {
  ComparisonBar,
  DecisiveComparison,
  PairRelation,
  StandingExplanation,
  StandingStatus,
  SubsetDecider,
  SubsetExplanation,
  TaskComparison,
  TaskFigures,
  TaskRequirement,
  WtaExplanation,
  WtaNeed,
} from './explain.js'
export { explainMiner, explainStanding } from './explain.js'
export { scoringInputSchema } from './input-schema.js'
export type {
  EpisodeComparison,
  EpisodeEvidence,
  ExcludedEpisode,
  ExclusionReason,
  MeshNeuron,
  MeshScoringInit,
  ReplicaComparison,
  ReplicaResult,
  ReplicaStatus,
  ReplicaVariant,
  ReproducedResult,
} from './mesh/index.js'
export {
  applyReproductionRule,
  compareReplicas,
  competitionFromManifest,
  latestReplicas,
  scoringInputFromMesh,
} from './mesh/index.js'
export type { ParetoReport } from './pareto.js'
export { epsilonDominates, paretoEpsilon, paretoFrontier } from './pareto.js'
export type { RandomScenarioOptions, Scenario, ScenarioFile } from './scenario.js'
export {
  mulberry32,
  parseScenario,
  randomScenario,
  scenarioEnvs,
  scenarioSchema,
  scenarioToInput,
} from './scenario.js'
export type { Interval } from './stats.js'
export { binomialSE, pairwiseSum, roundHalfEven, wilson } from './stats.js'
export type { SubsetV1Params } from './strategies/kinitro-subset-v1.js'
export { calculateThreshold, kinitroSubsetV1, subsetV1Params } from './strategies/kinitro-subset-v1.js'
export type { SubsetV2Params } from './strategies/kinitro-subset-v2.js'
export { kinitroSubsetV2, subsetV2Params } from './strategies/kinitro-subset-v2.js'
export type { WtaCandidate, WtaLeader, WtaV0Params } from './strategies/kinitro-wta-v0.js'
export { kinitroWtaV0, wtaV0Params, wtaV0State } from './strategies/kinitro-wta-v0.js'
export { DEFAULT_STRATEGY_ID, getStrategy, SCORING_STRATEGIES } from './strategies/registry.js'
export type {
  ScoringStrategy,
  StrategyCompetition,
  StrategyContext,
  StrategyResult,
  SubsetWeightScheme,
} from './strategies/strategy.js'
export { softmaxWeights } from './strategies/subset-common.js'
export type { SubsetContender } from './subsets.js'
export { popcount, subsetWinners } from './subsets.js'
export type {
  CommitmentRecord,
  CompetitionReport,
  CompetitionSpec,
  EnvScore,
  MinerEntry,
  MinerScore,
  Neuron,
  ScoringInput,
  ScoringOutput,
  ValidatorResult,
  WeightVector,
} from './types.js'
export type { UidWeights } from './u16.js'
export {
  fiberQuantize,
  normalizeWeights,
  subtensorMaxUpscale,
  toSubtensorU16,
  weightsToU16Truncate,
} from './u16.js'
