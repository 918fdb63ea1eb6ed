import type { KeyScheme } from '../identity/signer.js'
import type {
  CompetitionManifest,
  JobAnnouncement,
  JobStatus,
  OwnerAction,
  PeerRecord,
  Result,
  WeightsAnnouncement,
} from '../proto/kinitro.js'

/**
 * The signed message types of the mesh. The value is the type's name: it appears in the signing domain
 * tag (`kinitro/v1/<name>`), in size and freshness tables, and in logs and metric labels.
 *
 * No name may be a prefix of another (a test enforces it), which keeps the signing payload
 * `tag ‖ netuid ‖ body` uniquely parseable.
 */
export const MessageType = {
  PEER_RECORD: 'peer-record',
  COMPETITION_MANIFEST: 'competition-manifest',
  JOB_ANNOUNCEMENT: 'job-announcement',
  JOB_STATUS: 'job-status',
  RESULT: 'result',
  WEIGHTS_ANNOUNCEMENT: 'weights-announcement',
  OWNER_ACTION: 'owner-action',
} as const

/** One of the {@link MessageType} names. */
export type MessageType = (typeof MessageType)[keyof typeof MessageType]

/** Every message type, in wire-code order. */
export const MESSAGE_TYPES: readonly MessageType[] = Object.values(MessageType)

/** The `Envelope.type` code of each message type. 0 is never valid; codes are never reused. */
export const MESSAGE_TYPE_CODES = {
  'peer-record': 1,
  'competition-manifest': 2,
  'job-announcement': 3,
  'job-status': 4,
  result: 5,
  'weights-announcement': 6,
  'owner-action': 7,
} as const satisfies Record<MessageType, number>

const TYPE_BY_CODE = new Map<number, MessageType>(MESSAGE_TYPES.map((t) => [MESSAGE_TYPE_CODES[t], t]))

/** The message type of a wire code, or undefined for an unknown code. */
export function messageTypeFromCode(code: number): MessageType | undefined {
  return TYPE_BY_CODE.get(code)
}

/** The decoded body type of each message type. */
export interface MessageBodies {
  'peer-record': PeerRecord
  'competition-manifest': CompetitionManifest
  'job-announcement': JobAnnouncement
  'job-status': JobStatus
  result: Result
  'weights-announcement': WeightsAnnouncement
  'owner-action': OwnerAction
}

/** `Envelope.scheme` codes. */
export const KEY_SCHEME_CODES = { ed25519: 1, sr25519: 2 } as const satisfies Record<KeyScheme, number>

/** The key scheme of a wire code, or undefined for an unknown code. */
export function keySchemeFromCode(code: number): KeyScheme | undefined {
  if (code === KEY_SCHEME_CODES.ed25519) return 'ed25519'
  if (code === KEY_SCHEME_CODES.sr25519) return 'sr25519'
  return undefined
}

/**
 * The only scheme accepted for each type (design §3): the hotkey (sr25519) signs peer records and the
 * owner hotkey signs manifests and owner actions; everything else is signed by the node key (ed25519, ~20× cheaper to
 * verify).
 */
export const SIGNER_SCHEME = {
  'peer-record': 'sr25519',
  'competition-manifest': 'sr25519',
  'job-announcement': 'ed25519',
  'job-status': 'ed25519',
  result: 'ed25519',
  'weights-announcement': 'ed25519',
  'owner-action': 'sr25519',
} as const satisfies Record<MessageType, KeyScheme>

/** `JobStatus.state` codes. */
export const JobState = { CLAIMED: 1, RUNNING: 2, DONE: 3, FAILED: 4 } as const

/** One of the {@link JobState} codes. */
export type JobState = (typeof JobState)[keyof typeof JobState]

/** True when `n` is a known {@link JobState} code. */
export function isJobState(n: number): n is JobState {
  return n >= JobState.CLAIMED && n <= JobState.FAILED && Number.isInteger(n)
}

/** `OwnerAction.action` codes. */
export const OwnerActionKind = { APPROVE: 1, REJECT: 2, RERUN: 3 } as const

/** One of the {@link OwnerActionKind} codes. */
export type OwnerActionKind = (typeof OwnerActionKind)[keyof typeof OwnerActionKind]

/** The name of each {@link OwnerActionKind} code (CLI, logs, JSON). */
export const OWNER_ACTION_NAMES = { 1: 'approve', 2: 'reject', 3: 'rerun' } as const satisfies Record<
  OwnerActionKind,
  string
>

/** True when `n` is a known {@link OwnerActionKind} code. */
export function isOwnerActionKind(n: number): n is OwnerActionKind {
  return n >= OwnerActionKind.APPROVE && n <= OwnerActionKind.RERUN && Number.isInteger(n)
}
