import { equals } from 'uint8arrays/equals'
import {
  ENVELOPE_OVERHEAD_BYTES,
  KEY_BYTES,
  MAX_BODY_BYTES,
  MAX_ENVELOPE_BYTES,
  SIGNATURE_BYTES,
  SUPPORTED_WIRE_VERSIONS,
  WIRE_VERSION,
} from '../constants.js'
import { type KeyScheme, type Signer, verifySignature } from '../identity/signer.js'
import { messageId } from '../ids/message-id.js'
import { decodeBody, encodeBody } from '../messages/codecs.js'
import {
  KEY_SCHEME_CODES,
  keySchemeFromCode,
  MESSAGE_TYPE_CODES,
  type MessageBodies,
  type MessageType,
  messageTypeFromCode,
  SIGNER_SCHEME,
} from '../messages/types.js'
import { Envelope } from '../proto/kinitro.js'
import { validateContent } from '../validation/content.js'
import { ValidationError } from '../validation/errors.js'
import { signingPayload } from './signing.js'

/** The raw envelope fields, as protons decodes them. */
export type { Envelope } from '../proto/kinitro.js'

/** Encode an envelope. No checks: use {@link sealEnvelope} to build one that peers accept. */
export function encodeEnvelope(envelope: Envelope): Uint8Array {
  return Envelope.encode(envelope)
}

/**
 * Decode envelope bytes. Checks, in order: size (before any parsing) against `maxBytes`, protobuf
 * structure, wire version (missing → `MESH_MALFORMED`; unknown → `MESH_UNKNOWN_VERSION`, an ignore: a
 * newer peer may be right), and canonical encoding. It does not look at the type, signer or body. Throws only `ValidationError`s.
 *
 * @param maxBytes - size limit to apply; @default {@link MAX_ENVELOPE_BYTES}
 */
export function decodeEnvelope(bytes: Uint8Array, maxBytes: number = MAX_ENVELOPE_BYTES): Envelope {
  if (bytes.length > maxBytes) {
    throw new ValidationError('MESH_TOO_LARGE', { field: 'envelope', actual: bytes.length, limit: maxBytes })
  }
  let env: Envelope
  try {
    env = Envelope.decode(bytes)
  } catch {
    throw new ValidationError('MESH_MALFORMED', { field: 'envelope' })
  }
  // Version 0 is the protobuf default, i.e. the field is missing: malformed, not a newer peer.
  if (env.version === 0) throw new ValidationError('MESH_MALFORMED', { field: 'version' })
  // Version before canonical form: a later version may add envelope fields we would call non-canonical.
  if (!SUPPORTED_WIRE_VERSIONS.includes(env.version)) {
    throw new ValidationError('MESH_UNKNOWN_VERSION', { field: 'version', actual: env.version })
  }
  if (!equals(Envelope.encode(env), bytes)) throw new ValidationError('MESH_NON_CANONICAL', { field: 'envelope' })
  return env
}

/**
 * A verified, decoded message; `type` discriminates `body`. Byte fields (in `body` too) are views into
 * the envelope bytes passed to {@link openEnvelope}: copy them before reusing that buffer.
 */
export type OpenedMessage<T extends MessageType = MessageType> = {
  [K in T]: {
    type: K
    body: MessageBodies[K]
    /** Message id: SHA-256 of the envelope bytes. */
    id: Uint8Array
    version: number
    /** The signer's public key (hotkey for sr25519 types, node key otherwise). */
    signer: Uint8Array
    scheme: KeyScheme
    signature: Uint8Array
    /** The encoded body, as signed. */
    bodyBytes: Uint8Array
  }
}[T]

/** Options of {@link openEnvelope}. */
export interface OpenOptions<T extends MessageType = MessageType> {
  /** Our subnet: the signature must be for it and the body must name it. */
  netuid: number
  /** The only type accepted (the topic's or request's type); also tightens the size check. */
  expectedType?: T
  /** Our head block; when given, freshness is checked (see `ContentContext.headBlock`). */
  headBlock?: number
  /**
   * Skip "too old" rules, for catch-up sync.
   * @default false
   */
  acceptStale?: boolean
  /**
   * Called with the signer before the signature is verified, so the mesh can reject unknown signers
   * without paying for a verification. Throw a `ValidationError` to refuse.
   */
  checkSigner?: (signer: Uint8Array, type: MessageType) => void
}

/**
 * Verify and decode envelope bytes into a typed message. Cheap checks run first: size, structure,
 * version, canonical form, type, scheme, key lengths; then the signature over the domain-separated
 * payload; then the body's canonical decoding and its type's content rules. Throws only
 * `ValidationError`s (`action` says ignore or reject), except `IDENTITY_CRYPTO_NOT_READY` when an sr25519
 * message arrives before `initCrypto()` was awaited (a startup bug, not a bad message).
 *
 * @example
 * ```ts
 * const msg = openEnvelope(bytes, { netuid: 7, expectedType: 'result', headBlock: 4_200_000 })
 * msg.body.summary?.successRate
 * ```
 */
export function openEnvelope<T extends MessageType = MessageType>(
  bytes: Uint8Array,
  opts: OpenOptions<T>,
): OpenedMessage<T> {
  const limit =
    opts.expectedType === undefined ? MAX_ENVELOPE_BYTES : MAX_BODY_BYTES[opts.expectedType] + ENVELOPE_OVERHEAD_BYTES
  const env = decodeEnvelope(bytes, limit)
  const type = messageTypeFromCode(env.type)
  if (type === undefined) throw new ValidationError('MESH_UNKNOWN_TYPE', { field: 'type', actual: env.type })
  if (opts.expectedType !== undefined && type !== opts.expectedType) {
    throw new ValidationError('MESH_UNEXPECTED_TYPE', { field: 'type', actual: env.type })
  }
  const bodyLimit = MAX_BODY_BYTES[type]
  if (env.body.length > bodyLimit) {
    throw new ValidationError('MESH_TOO_LARGE', { field: 'body', actual: env.body.length, limit: bodyLimit })
  }
  const scheme = keySchemeFromCode(env.scheme)
  if (scheme !== SIGNER_SCHEME[type])
    throw new ValidationError('MESH_WRONG_SCHEME', { field: 'scheme', actual: env.scheme })
  if (env.signer.length !== KEY_BYTES)
    throw new ValidationError('MESH_BAD_SIGNER', { field: 'signer', actual: env.signer.length })
  if (env.signature.length !== SIGNATURE_BYTES) {
    throw new ValidationError('MESH_BAD_SIGNER', { field: 'signature', actual: env.signature.length })
  }
  opts.checkSigner?.(env.signer, type)
  const payload = signingPayload(type, opts.netuid, env.body, env.version)
  if (!verifySignature(scheme, env.signer, payload, env.signature)) throw new ValidationError('MESH_BAD_SIGNATURE')
  const body = decodeBody(type, env.body)
  const ctx = { netuid: opts.netuid, signer: env.signer, headBlock: opts.headBlock, acceptStale: opts.acceptStale }
  validateContent(type, body, ctx)
  return {
    type,
    body,
    id: messageId(bytes),
    version: env.version,
    signer: env.signer,
    scheme,
    signature: env.signature,
    bodyBytes: env.body,
  } as OpenedMessage<T>
}

/**
 * Encode, check and sign a message: the body must pass its type's content rules (without freshness)
 * and the signer must use the type's scheme, so this never produces what {@link openEnvelope} rejects
 * for those reasons.
 *
 * @returns the envelope bytes, ready to publish; their SHA-256 is the message id.
 * @throws ValidationError `MESH_WRONG_SCHEME` for a signer of the wrong scheme, `MESH_NETUID_MISMATCH`
 * when `body.netuid` is not `netuid`, or the content rule the body breaks.
 */
export function sealEnvelope<T extends MessageType>(
  type: T,
  body: MessageBodies[T],
  netuid: number,
  signer: Signer,
): Uint8Array {
  if (signer.scheme !== SIGNER_SCHEME[type]) throw new ValidationError('MESH_WRONG_SCHEME', { field: 'signer' })
  validateContent(type, body, { netuid, signer: signer.publicKey })
  const bodyBytes = encodeBody(type, body)
  const limit = MAX_BODY_BYTES[type]
  if (bodyBytes.length > limit)
    throw new ValidationError('MESH_TOO_LARGE', { field: 'body', actual: bodyBytes.length, limit })
  const signature = signer.sign(signingPayload(type, netuid, bodyBytes))
  return encodeEnvelope({
    type: MESSAGE_TYPE_CODES[type],
    version: WIRE_VERSION,
    body: bodyBytes,
    signer: signer.publicKey,
    scheme: KEY_SCHEME_CODES[signer.scheme],
    signature,
  })
}
