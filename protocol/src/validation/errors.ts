import { KinitroError } from '../errors.js'

/**
 * What the mesh does with a message that failed validation (Lodestar's verdicts): `reject` penalises the
 * sender because the message is provably bad; `ignore` drops it without penalty because the fault may be
 * our own lagging state (an old message, an unknown version, a binding we have not seen yet).
 */
export type ValidationAction = 'ignore' | 'reject'

/**
 * Every validation error code, with the action it always carries. A code never changes action, so
 * metric labels `{code}` and `{result}` stay consistent.
 */
export const VALIDATION_ERROR_ACTIONS = {
  /** Bytes exceed the size limit for what they claim to be. */
  MESH_TOO_LARGE: 'reject',
  /** Bytes are not a decodable protobuf message of the expected kind, or break a decode limit. */
  MESH_MALFORMED: 'reject',
  /** Bytes decode, but re-encoding does not reproduce them (duplicate fields, unknown fields, padding). */
  MESH_NON_CANONICAL: 'reject',
  /** The envelope's wire version is not one we read; a newer peer may be right. */
  MESH_UNKNOWN_VERSION: 'ignore',
  /** The envelope's type code is not a known message type. */
  MESH_UNKNOWN_TYPE: 'reject',
  /** The message type is not the one the topic or request carries. */
  MESH_UNEXPECTED_TYPE: 'reject',
  /** The envelope names a scheme other than the one its type requires, or an unknown one. */
  MESH_WRONG_SCHEME: 'reject',
  /** The signer public key or the signature has the wrong length. */
  MESH_BAD_SIGNER: 'reject',
  /** The signature does not verify over the domain-separated payload. */
  MESH_BAD_SIGNATURE: 'reject',
  /** The message names another subnet. */
  MESH_NETUID_MISMATCH: 'reject',
  /** The message's block is older than its type's freshness window. */
  MESH_STALE: 'ignore',
  /** The message's block is ahead of our head by more than the tolerance. */
  MESH_FUTURE_BLOCK: 'reject',
  /** A field is out of bounds or inconsistent with another field. */
  MESH_FIELD_INVALID: 'reject',
  /** A job announcement's job id is not the id its own fields derive. */
  MESH_JOB_ID_MISMATCH: 'reject',
  /** A job announcement this node does not derive yet: our chain view may lag (unknown commitment or cycle). */
  MESH_JOB_NOT_DERIVED: 'ignore',
  /** A job announcement that contradicts chain data this node holds (wrong commitment, block, uid or hash). */
  MESH_JOB_MISMATCH: 'reject',
  /** A result's summary disagrees with its episode records. */
  MESH_RESULT_INCONSISTENT: 'reject',
  /** A peer record's node signature or peer id does not match its node key, or its hotkey is not the signer. */
  MESH_BINDING_INVALID: 'reject',
  /** A peer record is expired (or not yet valid) at our head block. */
  MESH_BINDING_EXPIRED: 'ignore',
  /** The hotkey of a peer record is not permitted by our current metagraph view. */
  MESH_BINDING_NOT_PERMITTED: 'ignore',
  /** A message's signer is not the node key its peer record binds. */
  MESH_BINDING_MISMATCH: 'reject',
  /**
   * A job status or result from a validator outside the job's ranking, or from a non-assignee before any
   * slot could have passed (the first silence period); see `mayHoldSlot`.
   */
  MESH_NOT_ASSIGNED: 'ignore',
  /** The receiver's store is behind (its write queue is full); it will fetch the message by catch-up. */
  MESH_BUSY: 'ignore',
  /** The peer that delivered it went past its per-peer rate: dropped before validation, never forwarded. */
  MESH_RATE_LIMITED: 'ignore',
} as const satisfies Record<string, ValidationAction>

/** A validation error code (`MESH_…`). */
export type ValidationErrorCode = keyof typeof VALIDATION_ERROR_ACTIONS

/** What a sender should do about each validation code (logged with rejects; mirrored in the README table). */
export const VALIDATION_ERROR_FIXES: Readonly<Record<ValidationErrorCode, string>> = {
  MESH_TOO_LARGE: 'send less (split results, fewer items per page); limits are in protocol/src/constants.ts',
  MESH_MALFORMED: "encode with this protocol's seal*/encode* functions",
  MESH_NON_CANONICAL: 'encode through sealEnvelope / encodeSyncFrame; never hand-build bytes',
  MESH_UNKNOWN_VERSION: 'upgrade this node if peers run a newer wire version',
  MESH_UNKNOWN_TYPE: 'the sender is buggy or malicious; check its version',
  MESH_UNEXPECTED_TYPE: 'publish each type only on its topic',
  MESH_WRONG_SCHEME: 'sign peer records and manifests with the hotkey, everything else with the node key',
  MESH_BAD_SIGNER: 'use sealEnvelope',
  MESH_BAD_SIGNATURE: "sign for the right type, netuid and version; don't alter bytes after sealing",
  MESH_NETUID_MISMATCH: 'set netuid to the receiving subnet',
  MESH_STALE: 'publish promptly; catch-up sync opens with acceptStale',
  MESH_FUTURE_BLOCK: 'use the chain head block; fix a lagging or fake chain view',
  MESH_FIELD_INVALID: 'respect the bounds in protocol/src/constants.ts',
  MESH_JOB_ID_MISMATCH: 'build it with createJobAnnouncement',
  MESH_JOB_NOT_DERIVED: 'nothing: the job is dropped until this node sees the same chain state (it re-arrives by sync)',
  MESH_JOB_MISMATCH: 'derive jobs from the chain as node/src/jobs does; a sender that keeps doing this is faulty',
  MESH_RESULT_INCONSISTENT: 'compute the summary from the same records (createResult does)',
  MESH_BINDING_INVALID: 'build it with createPeerRecord and seal it with the same hotkey',
  MESH_BINDING_EXPIRED: 'reissue the peer record before it expires',
  MESH_BINDING_NOT_PERMITTED: 'get a validator permit or the minimum stake',
  MESH_BINDING_MISMATCH: 'sign with the node key named in your current peer record',
  MESH_NOT_ASSIGNED: 'evaluate only jobs rendezvous assigns you, or take-overs after the assignees went silent',
  MESH_BUSY: 'nothing: the receiver sheds load while its store catches up and fetches the message later by catch-up',
  MESH_RATE_LIMITED:
    'an honest forwarder needs nothing (the message re-arrives by catch-up); a node that publishes this fast is flooding',
}

/** Every validation error code; the README's error table must list exactly these. */
export const VALIDATION_ERROR_CODES = Object.keys(VALIDATION_ERROR_ACTIONS) as readonly ValidationErrorCode[]

/** Metadata of a {@link ValidationError}: the code, its action, and bounded detail for debugging. */
export interface ValidationErrorMeta {
  [key: string]: unknown
  code: ValidationErrorCode
  action: ValidationAction
  /** Which field or check failed, e.g. `summary.episodes`. */
  field?: string
  /** Size or count seen, when a limit was exceeded. */
  actual?: number
  /** The limit that applied. */
  limit?: number
}

/**
 * The verdict of a pure validator. Thrown, never returned; exactly one adapter in `mesh` maps it to the
 * gossipsub result and metrics. Network-supplied text never goes into the message or metadata.
 *
 * @example
 * ```ts
 * try {
 *   openEnvelope(bytes, { netuid: 7 })
 * } catch (err) {
 *   if (err instanceof ValidationError && err.action === 'reject') penalise(peer)
 * }
 * ```
 */
export class ValidationError extends KinitroError<ValidationErrorMeta> {
  /** What the mesh should do with the message. */
  readonly action: ValidationAction

  constructor(code: ValidationErrorCode, detail: Omit<ValidationErrorMeta, 'code' | 'action'> = {}) {
    const action = VALIDATION_ERROR_ACTIONS[code]
    super({ ...detail, code, action }, detail.field === undefined ? code : `${code}: ${detail.field}`)
    this.action = action
  }
}

/** True when `err` is a {@link ValidationError}. */
export function isValidationError(err: unknown): err is ValidationError {
  return err instanceof ValidationError
}
