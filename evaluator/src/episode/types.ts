import type { FailureCode } from '#protocol'
import type { Action } from '../env/types.js'

/** One recorded step of an episode trace (the per-step log; compressed as JSON lines). */
export interface StepRecord {
  t: number
  action: Action
  reward: number
  success: boolean
  /** Policy round-trip for this step in milliseconds. */
  latencyMs: number
  /** Hex SHA-256 chain link after this step: H(prev ‖ stateBytes). */
  stateHash: string
}

/** Everything one episode produced: what goes into the signed result and what goes into the trace. */
export interface EpisodeOutcome {
  envId: string
  taskId: string
  episodeIndex: number
  seed: number
  /** Success at any step (the reference metric). */
  success: boolean
  successAtEnd: boolean
  totalReward: number
  steps: number
  durationMs: number
  latencyP50Ms: number
  latencyP99Ms: number
  latencyMaxMs: number
  /** Set when the episode ended in a failure. */
  error?: FailureCode
  /** Human-readable detail for `error` (bounded). */
  errorDetail?: string
  /** Hex head of the state-hash chain after the last step (the chain starts at H(stateBytes after reset)). */
  finalStateHash: string
  simulator: { name: string; version: string }
  /**
   * Who ran the episode loop: `evaluator` (our runner; the chain covers every step) or `container` (a
   * remote environment container's `evaluate`; `finalStateHash` is empty unless the container sent one,
   * and the episode cannot be replay-verified). Absent means `evaluator`.
   */
  driver?: 'evaluator' | 'container'
}

/** A full trace: the outcome, every step, and state snapshots every `snapshotEvery` steps. */
export interface EpisodeTrace {
  outcome: EpisodeOutcome
  /** Hex state hash after reset (chain link 0). */
  initialStateHash: string
  steps: StepRecord[]
  snapshotEvery: number
  /** Base64 `stateBytes()` at steps 0, k, 2k, … (index i ↔ step i·k). */
  snapshots: string[]
  /** The task's `params`, needed to re-simulate the episode (`verifyTrace`). Absent means `{}`. */
  taskParams?: Record<string, string>
}
