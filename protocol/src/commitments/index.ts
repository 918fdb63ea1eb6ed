/**
 * On-chain miner commitments: every format the reference wrote, our own `k1`, and the encrypted
 * deployment-id scheme.
 */
export { B85_ALPHABET, b85decode, b85encode } from './base85.js'
export type { BuildCommitmentOptions } from './build.js'
export { buildCommitment, encodeCommitment } from './build.js'
export { MAX_COMMITMENT_BYTES } from './constants.js'
export type { EncryptOptions, X25519KeyPair } from './crypto.js'
export {
  bytesToUuid,
  decryptDeploymentId,
  encryptDeploymentId,
  generateX25519KeyPair,
  uuidToBytes,
  x25519PublicKey,
} from './crypto.js'
export type { CommitmentErrorCode, CommitmentErrorMeta, DecryptFailure } from './errors.js'
export { COMMITMENT_ERROR_CODES, COMMITMENT_ERROR_FIXES, CommitmentError } from './errors.js'
export { K1_PREFIX } from './kinitro-v1.js'
export { K1U_PREFIX } from './kinitro-v1-url.js'
export { parseCommitment } from './parse.js'
export type {
  Commitment,
  CommitmentFormat,
  DeploymentRef,
  InvalidReason,
  OldProvider,
  ParsedCommitment,
} from './types.js'
export { COMMITMENT_FORMATS } from './types.js'
