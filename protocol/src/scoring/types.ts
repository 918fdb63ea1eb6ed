/**
 * Inputs and outputs of scoring. Plain data: everything survives `structuredClone` and JSON.
 */

/** One neuron of the subnet's metagraph. */
export interface Neuron {
  uid: number
  hotkey: string
}

/** A competition as its manifest declares it. */
export interface CompetitionSpec {
  id: string
  /** Strategy id, e.g. `kinitro-subset-v1`. */
  strategy: string
  /** Strategy parameters; each strategy validates them and fills defaults. @default {} */
  params?: unknown
  /** Environments, in manifest order (subset enumeration and report columns follow it). */
  envIds: string[]
  /** Share of emissions relative to the other competitions. @default 1 */
  points?: number
}

/** A miner's on-chain commitment, reduced to what scoring needs. */
export interface CommitmentRecord {
  hotkey: string
  /** Block the commitment was (last) set at; earlier wins ties. */
  block: number
}

/** One validator's signed result for one (miner, competition, environment). */
export interface ValidatorResult {
  /** Validator hotkey. */
  validator: string
  /** The validator's stake when scoring; it weighs the validator in the median. */
  stake: number
  /** Miner hotkey. */
  miner: string
  competitionId: string
  envId: string
  /** Fraction of episodes that succeeded, in [0, 1]. */
  successRate: number
  /** Episodes actually completed. */
  episodes: number
  /** Mean episode reward, when the environment reports one. @default null */
  avgReward?: number | null
  /** Block of the result message; when a validator sent several, the latest counts. @default 0 */
  block?: number
}

/** Everything scoring reads. The same input gives the same output and digest on every peer. */
export interface ScoringInput {
  competitions: CompetitionSpec[]
  commitments: CommitmentRecord[]
  results: ValidatorResult[]
  metagraph: Neuron[]
  /** State a strategy carried over from the previous run, keyed by strategy id. @default {} */
  state?: Record<string, unknown>
}

/** The stake-weighted median of the validators' results for one (miner, competition, environment). */
export interface EnvScore {
  successRate: number
  episodes: number
  avgReward: number | null
  /** How many validators reported. */
  validators: number
}

/** A miner as a strategy sees it in one competition. */
export interface MinerEntry {
  hotkey: string
  /** Null when the hotkey is not in the metagraph (only `kinitro-wta-v0` looks at such miners). */
  uid: number | null
  /** Commitment block, or 2^32 when unknown. */
  block: number
  /** Per environment of the competition that has at least one result. */
  scores: ReadonlyMap<string, EnvScore>
}

/** A weight vector as the chain takes it: parallel arrays, uids ascending. */
export interface WeightVector {
  uids: number[]
  values: number[]
}

/** One miner's line in the scoring output. */
export interface MinerScore {
  hotkey: string
  uid: number | null
  /** Points summed over competitions (the unit is the strategy's). */
  points: number
  pointsByCompetition: Record<string, number>
  /** Float weight, the whole vector sums to 1. */
  weight: number
  /** The u16 submitted for this uid (0 when none). */
  u16: number
}

/** What one competition contributed, with the strategy's own report (frontier, winners, leaders…). */
export interface CompetitionReport {
  id: string
  strategy: string
  params: unknown
  points: number
  details: unknown
}

/** The result of {@link computeWeights}. */
export interface ScoringOutput {
  /** SHA-256 (hex) of the canonical input encoding; peers with equal digests must get equal weights. */
  inputsDigest: string
  miners: MinerScore[]
  /** Float weights per uid, uids ascending, summing to 1 (empty when nobody can be paid). */
  weights: WeightVector
  /** What a node submits: every metagraph uid, max-upscaled so Subtensor stores it unchanged. */
  u16: WeightVector
  /** The reference's own u16 conversion for the strategy in use (only when one strategy is in use). */
  u16Reference?: WeightVector
  competitions: CompetitionReport[]
  /** Strategy state to carry to the next run, keyed by strategy id. */
  state: Record<string, unknown>
}
