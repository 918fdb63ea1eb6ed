/**
 * Inputs and outputs of mesh scoring: what validator nodes and the indexer both hold (accepted, decoded
 * messages) and what they derive from it. Outputs are plain JSON-safe data (seeds and hashes as strings).
 */

import type { CompetitionManifest, OwnerAction, Result } from '../../proto/kinitro.js'
import type { CommitmentRecord } from '../types.js'

/** One validator's accepted result message for a job, decoded. */
export interface ReplicaResult {
  /** SS58 hotkey of the validator whose node key signed the result (from its peer record). */
  validator: string
  /** The decoded `Result` body. */
  result: Result
  /** Message id (hex): breaks ties between two results of one validator at the same block. */
  messageId: string
}

/** One neuron as mesh scoring needs it: uid, hotkey and stake. */
export interface MeshNeuron {
  uid: number
  hotkey: string
  /**
   * Stake weight; `bigint` rao as the chain reports it (`ChainNeuron.stake`) or a number. It weighs the
   * validator's results in the median; results of a hotkey absent from the metagraph are dropped.
   */
  stake: bigint | number
}

/** Inputs of {@link scoringInputFromMesh}. Order never matters. */
export interface MeshScoringInit {
  /** Accepted competition manifests in force; for one id the highest `block` wins. */
  manifests: readonly CompetitionManifest[]
  /** Miners' commitments (SS58 hotkey, block). */
  commitments: readonly CommitmentRecord[]
  metagraph: readonly MeshNeuron[]
  /** Every accepted result message; a validator's latest per job counts. */
  results: readonly ReplicaResult[]
  /** Strategy state carried from the previous run, passed through. @default {} */
  state?: Record<string, unknown>
  /**
   * Every accepted owner action (approve, reject, rerun); order never matters. Approvals and rejections
   * become `kinitro-wta-v0` state ({@link ownerDecisions}); a re-run's results supersede older ones.
   * @default []
   */
  ownerActions?: readonly OwnerActionRecord[]
}

/** An accepted owner action with its message id, as followers keep them. */
export interface OwnerActionRecord {
  /** Message id (hex): orders actions of one block, and derives a re-run's job id. */
  id: string
  action: OwnerAction
}

/** One distinct outcome of an episode among its replicas, with the validators that reported it. */
export interface ReplicaVariant {
  /** Seed the validators ran, as a decimal string (the same text whether the decoder gives a number or a bigint). */
  seed: string
  /** Hex of `final_state_hash`; empty when the replicas sent none. */
  finalStateHash: string
  success: boolean
  steps: number
  /** The failure code, or null when the episode ended normally. */
  error: string | null
  /** Hotkeys, sorted. */
  validators: string[]
}

/** Evidence of what replicas reported for one episode of a job. */
export interface EpisodeEvidence {
  episodeIndex: number
  /** The seed most replicas ran (the first variant's). */
  seed: string
  /** Most-reported first; equal counts in a fixed order. */
  variants: ReplicaVariant[]
}

/**
 * Per-episode verdict:
 * - `agree`: two or more validators, same seed, success, steps and final state hash;
 * - `diverge`: two or more validators, and they differ on one of those;
 * - `unreplicated`: one validator reported it, there is nothing to compare.
 */
export type ReplicaStatus = 'agree' | 'diverge' | 'unreplicated'

/** One episode of a job compared across replicas. */
export interface EpisodeComparison extends EpisodeEvidence {
  status: ReplicaStatus
  /** Validators with a result for the job that lacks this episode, sorted. */
  missing: string[]
}

/** What {@link compareReplicas} reports for one job. */
export interface ReplicaComparison {
  /** Job id (hex); empty when there were no results. */
  jobId: string
  /** Validators whose (latest) result was compared, sorted. */
  validators: string[]
  /** Every episode index any replica reported, ascending. */
  episodes: EpisodeComparison[]
  agreed: number
  diverged: number
  unreplicated: number
}

/** Why an episode does not count in a validator's figures. */
export type ExclusionReason =
  /** A `policy_*` failure no other validator reported for the same (job, episode index). */
  | 'policy_unreproduced'
  /** An `env_*`, `validator_*` or `network_*` failure, or an unknown code: never the miner's fault. */
  | 'not_policy'

/** An episode left out of a validator's figures. */
export interface ExcludedEpisode {
  episodeIndex: number
  envId: string
  error: string
  reason: ExclusionReason
}

/** A validator's latest result for a job after the reproduction rule. */
export interface ReproducedResult {
  validator: string
  messageId: string
  /** Job id (hex). */
  jobId: string
  result: Result
  /** The episodes that count, ascending by index (a counted `policy_*` failure counts as a failure). */
  counted: Result['episodes']
  /** The episodes that do not, ascending by index. */
  excluded: ExcludedEpisode[]
}
