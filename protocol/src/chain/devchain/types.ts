import type { ChainNeuron, CommitmentField, Hyperparameters } from '../chain.js'
import type { UsedSpace } from '../rules/index.js'

/** Per-subnet hyperparameters of the dev chain: the `Chain` ones plus those only the dev chain exposes. */
export interface DevSubnetHyperparameters extends Omit<Hyperparameters, 'stakeThreshold'> {
  /** Uids before registration replaces one. */
  maxAllowedUids: number
  /** Blocks after registration during which a neuron cannot be replaced. */
  immunityPeriod: number
  /** Commitment space per hotkey per epoch (`MaxSpace`). */
  commitmentMaxSpace: number
  /** Blocks without an update after which a neuron counts as inactive. */
  activityCutoff: number
}

/** Everything `setHyperparameters` may change: subnet values plus the global `stakeThreshold`. */
export type DevHyperparameters = DevSubnetHyperparameters & Pick<Hyperparameters, 'stakeThreshold'>

/** A registered neuron as the dev chain stores it: the `Chain` neuron, with its snapshot's field name for the registration block. */
export interface DevNeuron extends Omit<ChainNeuron, 'blockAtRegistration'> {
  registeredAt: number
}

/** A stored commitment (data as 0x hex). */
export interface DevCommitment {
  block: number
  data: string
  field: CommitmentField
}

/** An unrevealed CR v2 commit. */
export interface DevWeightCommit {
  hash: string
  block: number
}

/** A stored CR v4 commit; the dev chain never decrypts it (no drand). */
export interface DevTimelockedCommit {
  hotkey: string
  block: number
  commit: string
  revealRound: bigint
}

/** One subnet's state. */
export interface DevSubnet {
  netuid: number
  /** The owner's hotkey: exempt from the stake threshold, always permitted. */
  owner?: string
  hyper: DevSubnetHyperparameters
  /** Indexed by uid. */
  neurons: DevNeuron[]
  commitments: Record<string, DevCommitment>
  usedSpace: Record<string, UsedSpace>
  /** Weights rows by setter uid, after max-upscaling. */
  weights: Record<string, Array<[number, number]>>
  weightCommits: Record<string, DevWeightCommit[]>
  timelocked: DevTimelockedCommit[]
}

/** The whole dev chain state; persisted as one JSON document per write (see store.ts). */
export interface DevChainSnapshot {
  version: 1
  /** 0x hex; signatures cover it so they do not replay across dev chains. */
  genesisHash: string
  head: { number: number; hash: string }
  stakeThreshold: bigint
  balances: Record<string, bigint>
  nonces: Record<string, number>
  subnets: Record<string, DevSubnet>
}
