/**
 * What {@link explainStanding} returns: plain, JSON-safe data about why one miner scored what it did in one
 * competition, and what would change it. Nothing here is formatted; CLIs and dashboards word it.
 */
import type { Interval } from '../stats.js'

/** The miner's own figures on one task (environment) of the competition, as scoring aggregated them. */
export interface TaskFigures {
  envId: string
  /** False when no validator's result for this task counted. */
  evaluated: boolean
  /** Stake-weighted median success rate; 0 when not evaluated. */
  successRate: number
  episodes: number
  /** round(successRate × episodes). */
  successes: number
  /** Wilson 95 % interval of successes / episodes ([0, 1] without episodes). */
  interval: Interval
  validators: number
}

/**
 * Where the miner stands. Subset strategies: `wins-all`, `wins-some`, `wins-none`, `unregistered` (not in
 * the metagraph, so it cannot win subsets), `not-evaluated` (no result counted yet). Winner-take-all:
 * `leader`, `awaiting-approval` (queued for the owner's review), `eligible`, `ineligible`, `not-evaluated`.
 */
export type StandingStatus =
  | 'wins-all'
  | 'wins-some'
  | 'wins-none'
  | 'unregistered'
  | 'not-evaluated'
  | 'leader'
  | 'awaiting-approval'
  | 'eligible'
  | 'ineligible'

/**
 * A bar a challenger must clear on one task: `rate` (exceed it when `strict`, reach it otherwise).
 * `reachable` is false when no success rate at the challenger's episode count clears it (v1's threshold
 * capped at 1.0, or a Wilson bound that too few episodes cannot lift high enough).
 */
export interface ComparisonBar {
  rate: number
  strict: boolean
  reachable: boolean
}

/**
 * How the first-commit rule pairs the miner with an opponent. `earlier`: the opponent committed first, so
 * the miner must clear the opponent's bar on every task of a subset. `later`: the opponent committed after
 * (or in the same block with a higher uid) and takes away every subset on all of whose tasks it clears the
 * miner's bar. `same-block`: same block, lower uid: it blocks like a later miner and also goes first when
 * neither clears the other's bar.
 */
export type PairRelation = 'earlier' | 'later' | 'same-block'

/** The miner against one opponent on one task, in both directions. */
export interface TaskComparison {
  envId: string
  /** The miner's rate and the opponent's. */
  rate: number
  otherRate: number
  otherEpisodes: number
  /** What the miner must clear to beat the opponent here, and whether it does. */
  minerBar: ComparisonBar
  minerClears: boolean
  /** What the opponent must clear to beat the miner here, and whether it does. */
  otherBar: ComparisonBar
  otherClears: boolean
  /**
   * Whether the direction that matters for this pair goes the miner's way: `minerClears` against an earlier
   * opponent, `!otherClears` against a later or same-block one.
   */
  favorable: boolean
  /**
   * Distance to the bar that matters, positive in the miner's favour: rate − minerBar.rate against an earlier
   * opponent, otherBar.rate − otherRate against a later one.
   */
  margin: number
}

/** An opponent whose comparison with the miner costs it subsets. */
export interface SubsetDecider {
  hotkey: string
  uid: number
  block: number
  relation: PairRelation
  /** Subsets the miner does not win where this comparison goes against it. */
  subsetsLost: number
  /** Of those, the subsets where nothing else stands in the way (fixing this comparison alone wins them). */
  sole: number
  /** Subsets this opponent won, of all. */
  subsetsWon: number
  comparisons: TaskComparison[]
}

/** The one comparison that best summarises the standing. */
export interface DecisiveComparison {
  opponent: string
  relation: PairRelation
  envId: string
  rate: number
  otherRate: number
  /** The bar of the direction that matters (see {@link TaskComparison.margin}). */
  bar: ComparisonBar
  margin: number
  favorable: boolean
}

/** What it takes to hold one task against every current miner, and what would take it away. */
export interface TaskRequirement {
  envId: string
  /** Episodes the rates below are counted at: the miner's own, else the most any miner has on this task. */
  episodes: number
  /**
   * Smallest successes / episodes that clears every miner ahead of it in commit order while no miner behind
   * it clears its bar (and, for v2, above the performance floor); null when no rate does.
   */
  neededRate: number | null
  neededSuccesses: number | null
  /** The opponent whose comparison alone demands the most (null when nobody stands in the way). */
  bindingHotkey: string | null
  /** True when every comparison on this task goes the miner's way now. */
  holds: boolean
  /** successRate − neededRate; null when unreachable. */
  margin: number | null
  /** What a later challenger with `episodes` episodes would need to beat the miner on this task. */
  challengerBar: ComparisonBar
}

/** Subset strategies (`kinitro-subset-v1`, `-v2`): subset winners-take-all with first-commit advantage. */
export interface SubsetExplanation {
  /** 1-based place in commit order (block, then uid) among the contenders; null when not a contender. */
  position: number | null
  /** Registered miners with at least one result in the competition. */
  contenders: number
  subsets: { total: number; won: number; points: number; possiblePoints: number }
  /** v2: tasks the miner may not win at all (at or below the performance floor, or no success). */
  ineligibleTasks: string[]
  /** Subsets lost because of `ineligibleTasks`. */
  subsetsLostToFloor: number
  /** Opponents whose comparison costs the miner subsets, most subsets first. */
  deciders: SubsetDecider[]
  /**
   * The closest comparison that goes against it (from the top decider), or its thinnest favourable one when
   * nobody takes a subset from it; null without opponents.
   */
  decisive: DecisiveComparison | null
  requirements: TaskRequirement[]
  /** v1: miners that ε-Pareto dominate it (the reference reports this and never pays by it); null for v2. */
  epsilonDominatedBy: string[] | null
}

/** A threshold on one of the winner-take-all metrics. */
export interface WtaNeed {
  metric: 'successRate' | 'avgReward'
  /** Reach `value` (exceed it when `strict`). */
  value: number
  strict: boolean
  /** The miner's figure now; null when it has none. */
  current: number | null
  met: boolean
}

/** `kinitro-wta-v0`: one leader per competition. */
export interface WtaExplanation {
  mode: 'approval' | 'margin'
  /** Episode-weighted means over the competition's tasks; null when a task has no result. */
  successRate: number | null
  avgReward: number | null
  eligible: boolean
  /** Tasks with no result (every task needs one to be eligible). */
  missingTasks: string[]
  leader: {
    hotkey: string
    successRate: number | null
    avgReward: number | null
    /** The challenge baseline in approval mode: the approved candidate's success rate. */
    approvedSuccessRate: number | null
    /** The reward the margin rule compares against. */
    reward: number | null
  } | null
  isLeader: boolean
  /** Queued for the subnet owner's review this run (approval mode). */
  queued: boolean
  /** What the miner needs: eligibility thresholds, then the leader rule's bar. */
  needs: WtaNeed[]
  /** Approval mode: clearing `needs` only queues the miner; the owner must approve it. */
  approvalRequired: boolean
  /** As the leader: what a challenger would need to unseat it. */
  challengerNeeds: WtaNeed[]
}

/** Why one miner scored what it did in one competition. */
export interface StandingExplanation {
  competitionId: string
  strategy: string
  hotkey: string
  uid: number | null
  /** Commitment block scoring used; null when unknown (sorts after every known block). */
  commitBlock: number | null
  status: StandingStatus
  /** Points earned in this competition (the strategy's unit). */
  points: number
  /** Share of the whole weight vector, 0…1. */
  weight: number
  tasks: TaskFigures[]
  subset: SubsetExplanation | null
  wta: WtaExplanation | null
}
