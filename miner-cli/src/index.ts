/**
 * @packageDocumentation
 * The miner's tools: scaffold a policy server, evaluate it locally with the validators' own evaluator,
 * package it reproducibly, upload it (Hugging Face or the miner's S3/R2 bucket), commit the pointer on chain
 * with the miner's hotkey, verify it as a validator would, and follow its scores through the indexer.
 *
 * @example
 * ```ts
 * import { minerCommand } from '#miner'
 * await minerCommand().parseAsync(['init', 'my-policy', '--template', 'python'], { from: 'user' })
 * ```
 */
export type { MinerCommandInit } from './cli/command.js'
export { minerCommand } from './cli/command.js'
export type { MinerIo } from './cli/io.js'
// The steps as functions, for scripts and other tools.
export type {
  CommitRecord,
  HfUploadReceipt,
  MinerCommitmentOptions,
  ReferenceCommitmentOptions,
  SubmitCommitmentInit,
  SubmittedCommitment,
  VerifyCheck,
  VerifyReport,
} from './commit/index.js'
export {
  buildMinerCommitment,
  buildReferenceCommitment,
  COMMIT_ERROR_CODES,
  COMMIT_ERROR_FIXES,
  CommitError,
  submitCommitment,
  verifyCommitment,
} from './commit/index.js'
export type { MinerConfig } from './config.js'
export { MINER_CONFIG_FILE, minerConfigSchema } from './config.js'
export { MINER_ERROR_CODES } from './errors.js'
export type { PackageManifest } from './package/manifest.js'
export type { PackageOptions, PackageResult } from './package/pack.js'
export { packagePolicy } from './package/pack.js'
export type { ExplainView, IndexerClient, JobStanding, MinerStatus, TaskStanding } from './status/index.js'
export {
  createIndexerClient,
  minerStatus,
  STATUS_ERROR_CODES,
  STATUS_ERROR_FIXES,
  StatusError,
} from './status/index.js'
export type {
  HubUploadOptions,
  HubUploadReceipt,
  S3UploadOptions,
  S3UploadReceipt,
  UploadReceipt,
} from './upload/index.js'
export {
  resolveHfToken,
  UPLOAD_ERROR_CODES,
  UPLOAD_ERROR_FIXES,
  UploadError,
  uploadReceiptSchema,
  uploadToHub,
  uploadToS3,
} from './upload/index.js'
export type { MinerHotkey } from './wallet/index.js'
export { loadMinerHotkey, WALLET_ERROR_CODES, WALLET_ERROR_FIXES, WalletError } from './wallet/index.js'
