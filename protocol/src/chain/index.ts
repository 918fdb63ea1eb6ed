/**
 * The chain seam (design §7): the `Chain` interface, its errors, Subtensor's rules as pure functions, and
 * the embedded dev chain (server + client).
 */
export type {
  BlockRef,
  Chain,
  ChainCallOptions,
  ChainCapabilities,
  ChainNeuron,
  CommitmentEntry,
  CommitmentField,
  Hyperparameters,
  Metagraph,
  TimelockedCommitInput,
  TxReceipt,
  WeightEligibility,
  WeightsCommitInput,
  WeightsInput,
} from './chain.js'
export * from './devchain/index.js'
export type { ChainErrorCode, ChainErrorMeta } from './errors.js'
export { CHAIN_ERROR_CODES, CHAIN_ERROR_FIXES, ChainError } from './errors.js'
export * from './rules/index.js'
export type { SubtensorDevAdmin, SubtensorDevAdminInit } from './subtensor/dev-admin.js'
export { createSubtensorDevAdmin, DEV_RPC_METHODS } from './subtensor/dev-admin.js'
export { MODULE_ERROR_CODES } from './subtensor/dispatch-errors.js'
export type { RuntimeProfile } from './subtensor/runtime-check.js'
export type { SubtensorChain, SubtensorChainInit } from './subtensor/subtensor-chain.js'
export { createSubtensorChain } from './subtensor/subtensor-chain.js'
