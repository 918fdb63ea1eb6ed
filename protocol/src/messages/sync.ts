import { equals } from 'uint8arrays/equals'
import { MAX_SYNC_FRAME_BYTES, MAX_SYNC_ITEMS } from '../constants.js'
import {
  ByIdRequest,
  ByIdResponse,
  RangeRequest,
  RangeResponse,
  StatusRequest,
  StatusResponse,
} from '../proto/kinitro.js'
import { ValidationError } from '../validation/errors.js'
import { type SyncFrameKind, type SyncFrames, validateSyncFrame } from '../validation/sync.js'

interface FrameCodec<T> {
  encode(frame: T): Uint8Array
  decode(bytes: Uint8Array): T
}

const listLimit = { limits: { envelopes: MAX_SYNC_ITEMS } }

const CODECS: { [K in SyncFrameKind]: FrameCodec<SyncFrames[K]> } = {
  'status-request': { encode: (f) => StatusRequest.encode(f), decode: (b) => StatusRequest.decode(b) },
  'status-response': { encode: (f) => StatusResponse.encode(f), decode: (b) => StatusResponse.decode(b) },
  'range-request': { encode: (f) => RangeRequest.encode(f), decode: (b) => RangeRequest.decode(b) },
  'range-response': { encode: (f) => RangeResponse.encode(f), decode: (b) => RangeResponse.decode(b, listLimit) },
  'by-id-request': {
    encode: (f) => ByIdRequest.encode(f),
    decode: (b) => ByIdRequest.decode(b, { limits: { ids: MAX_SYNC_ITEMS } }),
  },
  'by-id-response': { encode: (f) => ByIdResponse.encode(f), decode: (b) => ByIdResponse.decode(b, listLimit) },
}

/**
 * Encode a sync frame after checking its bounds, so we never send what a peer would refuse.
 *
 * @throws ValidationError when the frame breaks a bound or exceeds its kind's size limit.
 */
export function encodeSyncFrame<K extends SyncFrameKind>(kind: K, frame: SyncFrames[K]): Uint8Array {
  validateSyncFrame(kind, frame)
  const bytes = CODECS[kind].encode(frame)
  const limit = MAX_SYNC_FRAME_BYTES[kind]
  if (bytes.length > limit) throw new ValidationError('MESH_TOO_LARGE', { field: kind, actual: bytes.length, limit })
  return bytes
}

/**
 * Decode a sync frame: size check before parsing, canonical protobuf, then bounds. Throws only
 * `ValidationError`s. Envelopes inside responses are not opened here.
 */
export function decodeSyncFrame<K extends SyncFrameKind>(kind: K, bytes: Uint8Array): SyncFrames[K] {
  const limit = MAX_SYNC_FRAME_BYTES[kind]
  if (bytes.length > limit) throw new ValidationError('MESH_TOO_LARGE', { field: kind, actual: bytes.length, limit })
  const codec = CODECS[kind]
  let frame: SyncFrames[K]
  try {
    frame = codec.decode(bytes)
  } catch {
    throw new ValidationError('MESH_MALFORMED', { field: kind })
  }
  if (!equals(codec.encode(frame), bytes)) throw new ValidationError('MESH_NON_CANONICAL', { field: kind })
  validateSyncFrame(kind, frame)
  return frame
}
