/**
 * What the scores service publishes: the nodes' own scoring function (`scoringInputFromMesh` →
 * `computeWeights`, from `#protocol`) recomputed over the indexer's log as results arrive, plus the
 * per-environment figures the leaderboard and miner pages show.
 */

import type { ScoringInput, ScoringOutput } from '#protocol'

/** One miner's figures in one environment of one competition, stake-weighted across validators. */
export interface EnvStanding {
  envId: string
  /** Stake-weighted median success rate the scoring function used. */
  successRate: number
  /** Episodes and successes summed over the counted results (for the interval). */
  episodes: number
  successes: number
  /** Wilson 95 % interval of successes / episodes. */
  wilsonLow: number
  wilsonHigh: number
  /** Validators whose results counted. */
  validators: number
}

/** One line of a competition leaderboard. */
export interface LeaderboardEntry {
  /** 1-based, by points then weight then hotkey. */
  rank: number
  hotkey: string
  uid: number | null
  /** Points earned in this competition (the strategy's unit). */
  points: number
  /** The miner's share of the whole weight vector (all competitions), 0…1. */
  weight: number
  /** The u16 a node would submit for this uid. */
  u16: number
  /** Commitment block the strategy used (first-commit advantage); null when unknown. */
  commitmentBlock: number | null
  envs: EnvStanding[]
}

/** A competition's standings. */
export interface CompetitionStanding {
  id: string
  name: string
  strategy: string
  points: number
  entries: LeaderboardEntry[]
  /** The strategy's own report (frontier, winners, margins), passed through for `explain`. */
  details: unknown
}

/** One recomputation. */
export interface ScoreSnapshot {
  /** Chain head the inputs were read at. */
  block: number
  /** ms since epoch. */
  computedAt: number
  /** Results that went in. */
  results: number
  /**
   * What `computeWeights` ran on, kept so `/v1/miners/:hotkey/explain` can replay the comparisons; absent
   * from snapshots made elsewhere (older tests), where that route answers `API_SCORES_UNAVAILABLE`.
   */
  input?: ScoringInput
  output: ScoringOutput
  competitions: CompetitionStanding[]
}

/** Read side of the scores service, used by routes and feeds. */
export interface ScoresView {
  /** The newest snapshot; undefined before the first computation. */
  current(): ScoreSnapshot | undefined
  /** Called after every recomputation; returns an unsubscribe function. */
  onUpdate(listener: (s: ScoreSnapshot) => void): () => void
}
