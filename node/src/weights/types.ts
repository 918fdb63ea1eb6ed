import type { Chain, Hotkey, Logger, ScoringInput, WeightsAnnouncement } from '#protocol'
import type { NodeMetrics } from '../metrics.js'

/** What the caller hands the setter each time: the scoring input and whether its view is complete. */
export interface WeightInputs {
  input: ScoringInput
  /** False when the node knows part of the picture is missing (unsynced results, unknown manifests…). */
  complete: boolean
  /** What is missing, in words the operator can act on (logged at warn when `complete` is false). */
  missing: string[]
}

/** What to do with an incomplete view: set anyway (with a warn log) or skip until it is complete. */
export type IncompletePolicy = 'warn' | 'skip'

/** Options of {@link createWeightSetter}. */
export interface WeightSetterInit {
  chain: Chain
  /** Must equal `chain.netuid` (a cross-check of the configuration). @default chain.netuid */
  netuid?: number
  /** The validator hotkey that sets weights. */
  hotkey: Hotkey
  /** Blocks between two updates. @default 360 (DEFAULT_WEIGHTS_INTERVAL_BLOCKS) */
  intervalBlocks?: number
  /** Gathers the scoring input; called once per attempt, after the eligibility check. */
  inputs: (opts: { signal: AbortSignal }) => WeightInputs | Promise<WeightInputs>
  /** Hands the announcement of weights just set (or revealed) to the mesh. */
  publish?: (announcement: WeightsAnnouncement, opts: { signal: AbortSignal }) => Promise<void>
  /** Weights version key to send. @default the subnet's `weightsVersionKey` */
  versionKey?: bigint
  /** @default 'warn' (set from an incomplete view, saying so at warn) */
  onIncomplete?: IncompletePolicy
  /** Attempts per update on transient chain errors. @default 5 (DEFAULT_WEIGHTS_MAX_ATTEMPTS) */
  maxAttempts?: number
  /** Keeps a pending commit (with its salt) across restarts; without it a restart forfeits that reveal. */
  persist?: CommitPersistence
  /** @default silentLogger */
  logger?: Logger
  metrics?: NodeMetrics
}

/** A weights commit waiting for its reveal, as plain JSON-safe data (`versionKey` as a decimal string). */
export interface PersistedCommit {
  commitBlock: number
  uids: number[]
  weights: number[]
  salt: number[]
  versionKey: string
  inputsDigest: string
  strategy: string
}

/** Where the setter keeps its pending commit; `save(undefined)` clears it. Synchronous, so it is durable on return. */
export interface CommitPersistence {
  load(): PersistedCommit | undefined
  save(commit: PersistedCommit | undefined): void
}

/** A CR v2 commit waiting for its reveal epoch. */
export interface PendingReveal {
  commitBlock: number
  inputsDigest: string
}

/** What the setter has done, for health checks, `kinitro node status` and tests. */
export interface WeightSetterStatus {
  /** Block of the last weights that took effect (set directly, or revealed). */
  lastSetBlock: number | null
  /** Inputs digest (hex) of those weights. */
  lastInputsDigest: string | null
  /** The u16 vector of those weights, uids ascending. */
  lastWeights: { uids: number[]; weights: number[] } | null
  /** The last block the setter handled (null before the first). */
  lastHandledBlock: number | null
  /** The next block at which an update will be attempted. */
  nextDueBlock: number
  pendingReveal: PendingReveal | null
  /** The last error, cleared by the next success. */
  lastError: { code: string; message: string } | null
  /** Updates deferred by the chain rate limit since start. */
  rateLimitedWaits: number
}

/** The weight setter service. */
export interface WeightSetter {
  /** Follow the chain's blocks and update weights every `intervalBlocks`. Idempotent. */
  start(): Promise<void>
  /** Stop following blocks; waits for a running attempt to end (aborted). Idempotent. */
  stop(): Promise<void>
  isStarted(): boolean
  status(): WeightSetterStatus
  /** Handle block `head` now, as the block loop does: reveal if due, else update if due. Serialised. */
  tick(head: number): Promise<void>
}
