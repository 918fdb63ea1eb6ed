/**
 * @packageDocumentation
 * The Kinitro mesh protocol, for any peer: wire schema, envelopes, identity, ids, validation, commitment
 * formats and scoring (all pure), plus configuration and logging shared by every component.
 *
 * @example
 * ```ts
 * import { loadConfig, createLogger } from '#protocol'
 * ```
 */

export { typedAction } from './cli/action.js'
export type { ScoreCommandInit } from './cli/score.js'
export { scoreCommand } from './cli/score.js'
export type {
  Commitment,
  CommitmentErrorCode,
  CommitmentErrorMeta,
  CommitmentFormat,
  DecryptFailure,
  DeploymentRef,
  EncryptOptions,
  InvalidReason,
  OldProvider,
  ParsedCommitment,
  X25519KeyPair,
} from './commitments/index.js'
export {
  B85_ALPHABET,
  b85decode,
  b85encode,
  buildCommitment,
  bytesToUuid,
  COMMITMENT_ERROR_CODES,
  COMMITMENT_ERROR_FIXES,
  COMMITMENT_FORMATS,
  CommitmentError,
  decryptDeploymentId,
  encodeCommitment,
  encryptDeploymentId,
  generateX25519KeyPair,
  K1_PREFIX,
  MAX_COMMITMENT_BYTES,
  parseCommitment,
  uuidToBytes,
  x25519PublicKey,
} from './commitments/index.js'
export type { ConfigKey, ConfigSources, LoadedConfig } from './config/index.js'
export { addConfigOptions, describeConfig, loadConfig } from './config/index.js'
export {
  DEFAULT_PEER_RECORD_TTL_BLOCKS,
  DOMAIN_PREFIX,
  ENVELOPE_OVERHEAD_BYTES,
  FRESHNESS_WINDOW_BLOCKS,
  FUTURE_TOLERANCE_BLOCKS,
  KEY_BYTES,
  MAX_ARTIFACT_URI_BYTES,
  MAX_ARTIFACT_URIS,
  MAX_BODY_BYTES,
  MAX_ENVELOPE_BYTES,
  MAX_ENVS_PER_RESULT,
  MAX_EPISODE_ERROR_BYTES,
  MAX_EPISODE_STEPS,
  MAX_EPISODES_PER_RESULT,
  MAX_EPISODES_PER_TASK,
  MAX_ID_BYTES,
  MAX_MULTIADDR_BYTES,
  MAX_MULTIADDRS,
  MAX_NAME_BYTES,
  MAX_NETUID,
  MAX_PARAM_VALUE_BYTES,
  MAX_PARAMS,
  MAX_PEER_ID_BYTES,
  MAX_PEER_RECORD_TTL_BLOCKS,
  MAX_STATUS_DETAIL_BYTES,
  MAX_SYNC_CURSOR_BYTES,
  MAX_SYNC_FRAME_BYTES,
  MAX_SYNC_ITEMS,
  MAX_TASKS,
  MAX_WEIGHT_ENTRIES,
  MAX_WIRE_COMMITMENT_BYTES,
  SIGNATURE_BYTES,
  SUPPORTED_WIRE_VERSIONS,
  TOPIC_VERSION,
  WIRE_VERSION,
} from './constants.js'
export type { Envelope, OpenedMessage, OpenOptions, PeerBindingInput } from './envelope/index.js'
export {
  decodeEnvelope,
  encodeEnvelope,
  openEnvelope,
  peerBindingPayload,
  sealEnvelope,
  signingDomain,
  signingPayload,
} from './envelope/index.js'
export {
  describeError,
  howToFix,
  PROTOCOL_ERROR_CODES,
  PROTOCOL_ERROR_FIXES,
  registerErrorFixes,
} from './error-codes.js'
export type { ConfigErrorMeta, ConfigIssue, ErrorMeta, KinitroErrorObject } from './errors.js'
export { CONFIG_ERROR_CODES, CONFIG_ERROR_FIXES, ConfigError, hasCode, KinitroError } from './errors.js'
export type { HotkeySecret } from './identity/btcli-keyfile.js'
export { BITTENSOR_SS58_PREFIX, DEFAULT_WALLETS_PATH, HOTKEY_MNEMONIC_ENV } from './identity/constants.js'
export type { DevAccount } from './identity/dev-accounts.js'
export { devAccounts } from './identity/dev-accounts.js'
export type { IdentityErrorCode, IdentityErrorMeta, KeyFileKind, KeyfileEncryption } from './identity/errors.js'
export { IDENTITY_ERROR_CODES, IDENTITY_ERROR_FIXES, IdentityError } from './identity/errors.js'
export type { Hotkey, Sr25519Pair } from './identity/hotkey.js'
export {
  decodeSs58,
  generateMnemonic,
  hotkeyFromMnemonic,
  hotkeyFromPair,
  hotkeyFromSeed,
  hotkeyFromUri,
  miniSecretFromMnemonic,
  ss58FromPublicKey,
} from './identity/hotkey.js'
export type { ReadKeyFileOptions } from './identity/key-file.js'
export type { Libp2pEd25519PrivateKey, NodeKey, NodePeerId } from './identity/node-key.js'
export {
  createNodeKey,
  loadNodeKey,
  marshalNodeKey,
  nodeKeyFromLibp2p,
  nodeKeyFromSeed,
  peerIdFromNodeKey,
  saveNodeKey,
  unmarshalNodeKey,
} from './identity/node-key.js'
export type { KeyScheme, Signer } from './identity/signer.js'
export { ed25519Signer, initCrypto, sr25519Signer, verifySignature, verifySignatureAsync } from './identity/signer.js'
export type { HotkeyLocation, LoadHotkeyInit, ResolveHotkeyInit, WriteHotkeyFileInit } from './identity/wallet.js'
export { hotkeyFilePaths, loadHotkey, resolveHotkey, writeHotkeyFile } from './identity/wallet.js'
export type { JobIdInput } from './ids/index.js'
export { EPISODE_SEED_DOMAIN, episodeSeed, episodeSeed32, JOB_ID_DOMAIN, jobId, messageId } from './ids/index.js'
export type { Logger } from './logger.js'
export { silentLogger } from './logger.js'
export type { LoggerInit, LogLevel } from './logging/pino.js'
export { createLogger, LOG_LEVELS } from './logging/pino.js'
export type {
  ByIdRequest,
  ByIdResponse,
  CompetitionManifest,
  CompetitionManifestInit,
  EnvSummary,
  EpisodeRecord,
  JobAnnouncement,
  JobAnnouncementInit,
  JobStatus,
  JobStatusInit,
  MessageBodies,
  PeerRecord,
  PeerRecordInit,
  Progress,
  RangeRequest,
  RangeResponse,
  Result,
  ResultInit,
  ResultSummary,
  ScoringSpec,
  StatusRequest,
  StatusResponse,
  Task,
  TaskInit,
  TopicName,
  WeightsAnnouncement,
  WeightsAnnouncementInit,
} from './messages/index.js'
export {
  createCompetitionManifest,
  createJobAnnouncement,
  createJobStatus,
  createPeerRecord,
  createResult,
  createWeightsAnnouncement,
  decodeBody,
  decodeSyncFrame,
  encodeBody,
  encodeSyncFrame,
  isJobState,
  isTopicName,
  JobState,
  KEY_SCHEME_CODES,
  keySchemeFromCode,
  MESSAGE_TYPE_CODES,
  MESSAGE_TYPES,
  MessageType,
  messageTypeFromCode,
  packU16,
  parseTopic,
  peerIdBytesFromNodeKey,
  SIGNER_SCHEME,
  signCompetitionManifest,
  signPeerRecord,
  TOPIC_NAMES,
  Topic,
  topicOfType,
  topicString,
  unpackU16,
  weightsEntries,
} from './messages/index.js'
export type {
  AggregatedScores,
  CommitmentRecord,
  CompetitionReport,
  CompetitionSpec,
  EnvScore,
  Interval,
  MinerEntry,
  MinerScore,
  Neuron,
  ParetoReport,
  RandomScenarioOptions,
  Scenario,
  ScenarioFile,
  ScoringErrorCode,
  ScoringErrorMeta,
  ScoringInput,
  ScoringIssue,
  ScoringOutput,
  ScoringStrategy,
  StrategyCompetition,
  StrategyContext,
  StrategyResult,
  SubsetContender,
  SubsetV1Params,
  SubsetV2Params,
  SubsetWeightScheme,
  UidWeights,
  ValidatorResult,
  WeightedValue,
  WeightVector,
  WtaCandidate,
  WtaLeader,
  WtaV0Params,
} from './scoring/index.js'
export {
  aggregateResults,
  binomialSE,
  calculateThreshold,
  canonicalJson,
  computeWeights,
  DEFAULT_STRATEGY_ID,
  epsilonDominates,
  fiberQuantize,
  getStrategy,
  INPUTS_DIGEST_DOMAIN,
  kinitroSubsetV1,
  kinitroSubsetV2,
  kinitroWtaV0,
  MAX_SUBSET_ENVS,
  mulberry32,
  normalizeWeights,
  pairwiseSum,
  paretoEpsilon,
  paretoFrontier,
  parseScenario,
  popcount,
  randomScenario,
  roundHalfEven,
  SCORING_ERROR_CODES,
  SCORING_ERROR_FIXES,
  SCORING_STRATEGIES,
  ScoringError,
  scenarioEnvs,
  scenarioSchema,
  scenarioToInput,
  scoringInputSchema,
  softmaxWeights,
  subsetV1Params,
  subsetV2Params,
  subsetWinners,
  subtensorMaxUpscale,
  toSubtensorU16,
  U16_MAX,
  UNKNOWN_COMMIT_BLOCK,
  weightedMedian,
  weightsToU16Truncate,
  wilson,
  wtaV0Params,
  wtaV0State,
} from './scoring/index.js'
export type {
  BindingContext,
  ContentContext,
  SyncFrameKind,
  SyncFrames,
  ValidationAction,
  ValidationErrorCode,
  ValidationErrorMeta,
} from './validation/index.js'
export {
  checkBinding,
  checkFreshness,
  isValidationError,
  VALIDATION_ERROR_ACTIONS,
  VALIDATION_ERROR_CODES,
  VALIDATION_ERROR_FIXES,
  ValidationError,
  validateCompetitionManifest,
  validateContent,
  validateJobAnnouncement,
  validateJobStatus,
  validatePeerRecord,
  validateResult,
  validateSyncFrame,
  validateWeightsAnnouncement,
} from './validation/index.js'
