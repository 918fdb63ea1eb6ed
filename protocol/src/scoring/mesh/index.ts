/**
 * Scoring from mesh messages: the pure functions validator nodes and the indexer share, so both turn the
 * same accepted results into the same `ScoringInput` (and so the same weights): replica comparison, the
 * reproduction rule for policy failures, and the input builder.
 */

export { compareReplicas } from './compare.js'
export { latestReplicas } from './latest.js'
export { type OwnerDecisions, ownerDecisions, type WtaApproval } from './owner.js'
export { applyReproductionRule } from './reproduction.js'
export { competitionFromManifest, scoringInputFromMesh } from './scoring-input.js'
export type {
  EpisodeComparison,
  EpisodeEvidence,
  ExcludedEpisode,
  ExclusionReason,
  MeshNeuron,
  MeshScoringInit,
  OwnerActionRecord,
  ReplicaComparison,
  ReplicaResult,
  ReplicaStatus,
  ReplicaVariant,
  ReproducedResult,
} from './types.js'
