export type {
  ByIdRequest,
  ByIdResponse,
  CompetitionManifest,
  EnvSummary,
  EpisodeRecord,
  JobAnnouncement,
  JobStatus,
  OwnerAction,
  PeerRecord,
  Progress,
  RangeRequest,
  RangeResponse,
  Result,
  ResultSummary,
  ScoringSpec,
  StatusRequest,
  StatusResponse,
  Task,
  WeightsAnnouncement,
} from '../proto/kinitro.js'
export { candidateIdOf, parseCandidateId } from './candidate-id.js'
export { decodeBody, encodeBody } from './codecs.js'
export type { CompetitionManifestInit, TaskInit } from './competition.js'
export { createCompetitionManifest, signCompetitionManifest } from './competition.js'
export type { FailureCode, FailureParty } from './failure-codes.js'
export { countsAgainstMiner, FAILURE_CODES, failureParty, isFailureCode } from './failure-codes.js'
export type { JobAnnouncementInit, JobStatusInit } from './jobs.js'
export { createJobAnnouncement, createJobStatus, RERUN_JOB_ID_DOMAIN, rerunJobId } from './jobs.js'
export type {
  ApproveInit,
  OwnerActionInit,
  OwnerActionName,
  RejectInit,
  RerunInit,
} from './owner-action.js'
export { createOwnerAction, ownerActionName, signOwnerAction } from './owner-action.js'
export { peerIdBytesFromNodeKey } from './peer-id.js'
export type { PeerRecordInit } from './peer-record.js'
export { createPeerRecord, signPeerRecord } from './peer-record.js'
export type { ResultInit } from './result.js'
export { createResult } from './result.js'
export { decodeSyncFrame, encodeSyncFrame } from './sync.js'
export type { TopicName } from './topics.js'
export { isTopicName, parseTopic, TOPIC_NAMES, Topic, topicOfType, topicString } from './topics.js'
export type { MessageBodies } from './types.js'
export {
  isJobState,
  isOwnerActionKind,
  JobState,
  KEY_SCHEME_CODES,
  keySchemeFromCode,
  MESSAGE_TYPE_CODES,
  MESSAGE_TYPES,
  MessageType,
  messageTypeFromCode,
  OWNER_ACTION_NAMES,
  OwnerActionKind,
  SIGNER_SCHEME,
} from './types.js'
export type { WeightsAnnouncementInit } from './weights.js'
export { createWeightsAnnouncement, packU16, unpackU16, weightsEntries } from './weights.js'
