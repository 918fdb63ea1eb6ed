export type { AllowlistChange, BoundPeer, PeerAllowlist, PeerAllowlistInit, PeerKind } from './allowlist.js'
export { createPeerAllowlist, peerIdOfNodeKey } from './allowlist.js'
export type { QueueOrder, TopicQueueOptions } from './constants.js'
export { DEFAULT_TOPIC_QUEUES, MAX_CONNECTIONS, PEER_RATE } from './constants.js'
export type { MeshErrorCode, MeshErrorMeta } from './errors.js'
export { MESH_ERROR_CODES, MESH_ERROR_FIXES, MeshError } from './errors.js'
export { allowlistGater } from './gater.js'
export type { MeshHost, MeshHostInit } from './host.js'
export { createMeshHost } from './host.js'
export type { MeshMetrics } from './metrics.js'
export { getMetrics as getMeshMetrics } from './metrics.js'
export type {
  AcceptedGossip,
  GossipItem,
  SemanticsHook,
  ValidationPipeline,
  ValidationPipelineInit,
} from './pipeline.js'
export { createValidationPipeline } from './pipeline.js'
export type { GossipResult, GossipValidationContext, ValidateGossipAsyncOptions } from './validate.js'
export { validateGossip, validateGossipAsync, verdictOf } from './validate.js'
