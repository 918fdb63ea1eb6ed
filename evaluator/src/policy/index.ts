// The policy area's exports, gathered for evaluator/src/index.ts.
export type { HttpPolicyClient, PolicyClientOptions, WaitHealthyOptions } from './client.js'
export { createPolicyClient, isHealthy, waitHealthy } from './client.js'
export type { PolicyErrorCode, PolicyErrorMeta, PolicyOp } from './errors.js'
export { MAX_DETAIL_CHARS, POLICY_ERROR_CODES, POLICY_ERROR_FIXES, PolicyCallError, PolicyError } from './errors.js'
export type { ServedPolicy, ServedPolicyHandle, ServePolicyOptions } from './server.js'
export { SERVE_BODY_LIMIT, servePolicy } from './server.js'
export type {
  PolicyClient,
  PolicyEndpoint,
  PolicyHealth,
  PolicyLimits,
  PolicyResetConfig,
} from './types.js'
export { DEFAULT_POLICY_LIMITS } from './types.js'
export { ACTION_BOUNDS, validateActResponse } from './validate.js'
export type { WireAction, WireImage, WireObservation, WireResetRequest } from './wire.js'
export { decodeObservation, encodeObservation } from './wire.js'
