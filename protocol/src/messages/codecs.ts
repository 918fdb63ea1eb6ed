import {
  MAX_ARTIFACT_URIS,
  MAX_BODY_BYTES,
  MAX_ENVS_PER_RESULT,
  MAX_EPISODES_PER_RESULT,
  MAX_MULTIADDRS,
  MAX_OWNER_ACTION_ENVS,
  MAX_PARAMS,
  MAX_PEER_FAMILIES,
  MAX_TASKS,
} from '../constants.js'
import {
  CompetitionManifest,
  JobAnnouncement,
  JobStatus,
  OwnerAction,
  PeerRecord,
  Result,
  WeightsAnnouncement,
} from '../proto/kinitro.js'
import { ValidationError } from '../validation/errors.js'
import type { MessageBodies, MessageType } from './types.js'

/**
 * True when two byte arrays hold the same bytes. Native memcmp: the canonical-form checks compare whole
 * envelopes and bodies on every message, and `uint8arrays/equals` (a JS loop) measured ~150x slower on a
 * 1.5 kB result (31 µs vs 0.2 µs), a third of an indexer's per-result CPU (test/bench/indexer-ingest.bench.ts).
 */
export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.byteLength === b.byteLength && Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(b)
}

/** Encoder and decoder of one message type's body. */
export interface BodyCodec<T> {
  encode(body: T): Uint8Array
  /** Protons decode with this type's collection limits; throws whatever protons throws. */
  decodeRaw(bytes: Uint8Array): T
}

// Collection limits handed to protons: a 1 MiB body of empty records would otherwise expand into
// ~500k objects before any validator sees it.
const CODECS: { [K in MessageType]: BodyCodec<MessageBodies[K]> } = {
  'peer-record': {
    encode: (b) => PeerRecord.encode(b),
    decodeRaw: (bytes) =>
      PeerRecord.decode(bytes, { limits: { multiaddrs: MAX_MULTIADDRS, families: MAX_PEER_FAMILIES } }),
  },
  'competition-manifest': {
    encode: (b) => CompetitionManifest.encode(b),
    decodeRaw: (bytes) =>
      CompetitionManifest.decode(bytes, {
        limits: { tasks: MAX_TASKS, tasks$: { params: MAX_PARAMS }, scoring: { params: MAX_PARAMS } },
      }),
  },
  'job-announcement': {
    encode: (b) => JobAnnouncement.encode(b),
    decodeRaw: (bytes) => JobAnnouncement.decode(bytes, { limits: { envIds: MAX_OWNER_ACTION_ENVS } }),
  },
  'job-status': {
    encode: (b) => JobStatus.encode(b),
    decodeRaw: (bytes) => JobStatus.decode(bytes),
  },
  result: {
    encode: (b) => Result.encode(b),
    decodeRaw: (bytes) =>
      Result.decode(bytes, {
        limits: {
          episodes: MAX_EPISODES_PER_RESULT,
          artifactUris: MAX_ARTIFACT_URIS,
          summary: { perEnv: MAX_ENVS_PER_RESULT },
        },
      }),
  },
  'weights-announcement': {
    encode: (b) => WeightsAnnouncement.encode(b),
    decodeRaw: (bytes) => WeightsAnnouncement.decode(bytes),
  },
  'owner-action': {
    encode: (b) => OwnerAction.encode(b),
    decodeRaw: (bytes) => OwnerAction.decode(bytes, { limits: { envIds: MAX_OWNER_ACTION_ENVS } }),
  },
}

/** Encode a message body of the given type (no validation; see `validation/` for the rules). */
export function encodeBody<T extends MessageType>(type: T, body: MessageBodies[T]): Uint8Array {
  return CODECS[type].encode(body)
}

/**
 * Decode a body of the given type. Throws a {@link ValidationError}: `MESH_TOO_LARGE` past the type's
 * size limit (checked first), `MESH_MALFORMED` when protons cannot decode it, `MESH_NON_CANONICAL` when
 * re-encoding does not give back the same bytes (so one logical message has exactly one encoding, and
 * one message id).
 */
export function decodeBody<T extends MessageType>(type: T, bytes: Uint8Array): MessageBodies[T] {
  const limit = MAX_BODY_BYTES[type]
  if (bytes.length > limit) throw new ValidationError('MESH_TOO_LARGE', { field: 'body', actual: bytes.length, limit })
  const codec = CODECS[type]
  let body: MessageBodies[T]
  try {
    body = codec.decodeRaw(bytes)
  } catch {
    throw new ValidationError('MESH_MALFORMED', { field: 'body' })
  }
  if (!sameBytes(codec.encode(body), bytes)) throw new ValidationError('MESH_NON_CANONICAL', { field: 'body' })
  return body
}
