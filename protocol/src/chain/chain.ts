import type { Hotkey } from '../identity/hotkey.js'

/**
 * The `Chain` seam (design §7): everything the subnet needs from Bittensor. Two implementations:
 * `SubtensorChain` (@polkadot/api, the real thing) and the embedded dev chain's client. The netuid is
 * fixed when a chain is created. Every implementation runs `protocol/test/compliance/chain.suite.ts`.
 *
 * Conventions: accounts are SS58 strings (prefix 42); amounts are rao as `bigint` (1 TAO = 1e9 rao);
 * blocks are numbers; weights on the wire are u16 integers; every async method takes an AbortSignal.
 */

/** Options every async chain call accepts. */
export interface ChainCallOptions {
  signal?: AbortSignal
}

/** A block the chain has produced. `hash` is 0x-prefixed hex. */
export interface BlockRef {
  number: number
  hash: string
}

/** One registered neuron of the subnet. */
export interface ChainNeuron {
  uid: number
  hotkey: string
  coldkey: string
  /** Stake weight in rao as Subtensor ranks validators (alpha + TAO × TaoWeight). */
  stake: bigint
  validatorPermit: boolean
  active: boolean
  /** Block of the neuron's last weights update (0 = never). */
  lastUpdate: number
  blockAtRegistration: number
}

/** The subnet's neurons at a block, ordered by uid. */
export interface Metagraph {
  netuid: number
  block: number
  neurons: ChainNeuron[]
}

/** The hyperparameters that decide what the validator may do and when. */
export interface Hyperparameters {
  /** Blocks per epoch. */
  tempo: number
  /** Minimum blocks between two weight updates of one uid (commit-reveal off). */
  weightsRateLimit: number
  /** `set_weights` passes when this is 0 or the sent version key is ≥ it. */
  weightsVersionKey: bigint
  commitRevealEnabled: boolean
  /** Epochs between a commit and its reveal (`RevealPeriodEpochs`). */
  commitRevealPeriod: number
  /** Largest allowed u16 weight after max-upscaling (65535 = no limit). */
  maxWeightLimit: number
  minAllowedWeights: number
  maxAllowedValidators: number
  /** Minimum stake weight (rao) to set weights; global on Subtensor. */
  stakeThreshold: bigint
}

/** Which encoding a commitment field used on chain. */
export type CommitmentField = 'raw' | 'big-raw' | 'other'

/** A hotkey's commitment and the block it was last set at (`CommitmentOf.block`). */
export interface CommitmentEntry {
  hotkey: string
  block: number
  /** Bytes of the first data field. */
  data: Uint8Array
  field: CommitmentField
}

/** u16 weights for a set of uids (same length, no duplicates). */
export interface WeightsInput {
  uids: number[]
  /** u16 values; the chain max-upscales them (the largest becomes 65535). */
  weights: number[]
  /** @default 0n */
  versionKey?: bigint
}

/** Commit-reveal v2 (hash): the salt must be kept until the reveal. */
export interface WeightsCommitInput extends WeightsInput {
  salt: number[]
}

/** Commit-reveal v4 (drand timelock): the caller encrypts; the chain reveals by itself. */
export interface TimelockedCommitInput {
  commit: Uint8Array
  revealRound: bigint
  /** Must equal the chain's `CommitRevealWeightsVersion` (4 on current mainnet). */
  commitRevealVersion: number
}

/** Where an extrinsic was included. */
export interface TxReceipt {
  blockNumber: number
  blockHash: string
  txHash: string
}

/** Why a hotkey may or may not set weights now; each field is one Subtensor check. */
export interface WeightEligibility {
  registered: boolean
  uid?: number
  validatorPermit: boolean
  stake: bigint
  stakeSufficient: boolean
  /** Blocks left until the rate limit allows another update (0 = now). */
  blocksUntilAllowed: number
  commitRevealEnabled: boolean
}

/** What a runtime supports; callers branch on these instead of catching errors. */
export interface ChainCapabilities {
  /** `commit_timelocked_weights` (CR v4) exists. */
  timelockedWeights: boolean
  /** `commit_weights` / `reveal_weights` (CR v2) exist. */
  hashCommitReveal: boolean
  /** Commitments may use `BigRaw` (≤ 512 bytes); else only `RawN` (≤ 128). */
  bigRawCommitments: boolean
}

/** The chain, as the subnet sees it. */
export interface Chain {
  readonly netuid: number
  readonly capabilities: ChainCapabilities
  /** The best block now. */
  head(opts?: ChainCallOptions): Promise<BlockRef>
  /**
   * New blocks in order, starting after `from` (default: the head when called). Never skips a block:
   * after a reconnect it yields every block produced meanwhile. Ends when `signal` aborts.
   */
  blocks(opts?: ChainCallOptions & { from?: number }): AsyncIterable<BlockRef>
  metagraph(opts?: ChainCallOptions): Promise<Metagraph>
  hyperparameters(opts?: ChainCallOptions): Promise<Hyperparameters>
  /** Every commitment on the subnet (one prefix scan on Subtensor). */
  commitments(opts?: ChainCallOptions): Promise<CommitmentEntry[]>
  commitment(hotkey: string, opts?: ChainCallOptions): Promise<CommitmentEntry | undefined>
  /** Set the signer's commitment. Data over the runtime's limit fails before anything is sent. */
  setCommitment(signer: Hotkey, data: Uint8Array, opts?: ChainCallOptions): Promise<TxReceipt>
  /** Direct `set_weights` (commit-reveal off). Checked locally first: no doomed extrinsics. */
  setWeights(signer: Hotkey, input: WeightsInput, opts?: ChainCallOptions): Promise<TxReceipt>
  commitWeights(signer: Hotkey, input: WeightsCommitInput, opts?: ChainCallOptions): Promise<TxReceipt>
  revealWeights(signer: Hotkey, input: WeightsCommitInput, opts?: ChainCallOptions): Promise<TxReceipt>
  /** Only when `capabilities.timelockedWeights`; otherwise throws `CHAIN_UNSUPPORTED`. */
  commitTimelockedWeights(signer: Hotkey, input: TimelockedCommitInput, opts?: ChainCallOptions): Promise<TxReceipt>
  /** Weights rows as stored on chain (after max-upscaling), by setter uid. */
  weights(opts?: ChainCallOptions): Promise<Map<number, Array<[uid: number, weight: number]>>>
  canSetWeights(hotkey: string, opts?: ChainCallOptions): Promise<WeightEligibility>
  /**
   * The subnet owner's hotkey as SS58 (Subtensor `SubnetOwnerHotkey[netuid]`): the key that signs competition
   * manifests and that the weight rules exempt. `undefined` when the subnet does not exist or names no owner
   * hotkey. Read fresh on every call: the owner can change it at any block.
   */
  subnetOwner(opts?: ChainCallOptions): Promise<string | undefined>
  /** Release connections and timers. Idempotent. */
  close(): Promise<void>
}
