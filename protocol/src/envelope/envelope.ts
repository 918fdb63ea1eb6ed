import {
  ENVELOPE_OVERHEAD_BYTES,
  KEY_BYTES,
  MAX_BODY_BYTES,
  MAX_ENVELOPE_BYTES,
  SIGNATURE_BYTES,
  SUPPORTED_WIRE_VERSIONS,
  WIRE_VERSION,
} from '../constants.js'
import {
  type AsyncVerifier,
  type KeyScheme,
  type Signer,
  type Verifier,
  verifySignature,
  verifySignatureAsync,
} from '../identity/signer.js'
import { messageId } from '../ids/message-id.js'
import { decodeBody, encodeBody, sameBytes } from '../messages/codecs.js'
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
  if (!sameBytes(Envelope.encode(env), bytes)) throw new ValidationError('MESH_NON_CANONICAL', { field: 'envelope' })
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

/** {@link OpenOptions} plus the verifier of {@link openEnvelopeAsync}. */
export type OpenAsyncOptions<T extends MessageType = MessageType> = OpenOptions<T> & {
  /**
   * Checks the signature; it may run anywhere (a thread pool, a worker) as long as it returns false for a
   * bad signature. @default verifySignatureAsync (ed25519 on libuv's threadpool, sr25519 inline)
   */
  verify?: AsyncVerifier
}

/**
 * An envelope that passed every check that comes before its signature, with what that check needs. The
 * steps below are shared by the sync and async openers (here and in `mesh/validate.ts`), so both run the
 * same checks in the same order and differ only in how the signature is verified.
 */
export interface PendingEnvelope<T extends MessageType = MessageType> {
  bytes: Uint8Array
  envelope: Envelope
  type: T
  scheme: KeyScheme
  /** The subnet the signature must be for. */
  netuid: number
}

/**
 * Size (the type's limit when `expectedType` is given), structure, version, canonical form, then type.
 * @internal shared by the openers; not part of the package door.
 */
export function decodeTypedEnvelope<T extends MessageType>(
  bytes: Uint8Array,
  expectedType: T | undefined,
): { envelope: Envelope; type: T } {
  const limit = expectedType === undefined ? MAX_ENVELOPE_BYTES : MAX_BODY_BYTES[expectedType] + ENVELOPE_OVERHEAD_BYTES
  const envelope = decodeEnvelope(bytes, limit)
  const type = messageTypeFromCode(envelope.type)
  if (type === undefined) throw new ValidationError('MESH_UNKNOWN_TYPE', { field: 'type', actual: envelope.type })
  if (expectedType !== undefined && type !== expectedType) {
    throw new ValidationError('MESH_UNEXPECTED_TYPE', { field: 'type', actual: envelope.type })
  }
  return { envelope, type: type as T }
}

/**
 * Body size, scheme and key lengths; returns what the signature check needs.
 * @internal shared by the openers; not part of the package door.
 */
export function checkSignatureFields<T extends MessageType>(
  bytes: Uint8Array,
  envelope: Envelope,
  type: T,
  netuid: number,
): PendingEnvelope<T> {
  const bodyLimit = MAX_BODY_BYTES[type]
  if (envelope.body.length > bodyLimit) {
    throw new ValidationError('MESH_TOO_LARGE', { field: 'body', actual: envelope.body.length, limit: bodyLimit })
  }
  const scheme = keySchemeFromCode(envelope.scheme)
  if (scheme === undefined || scheme !== SIGNER_SCHEME[type]) {
    throw new ValidationError('MESH_WRONG_SCHEME', { field: 'scheme', actual: envelope.scheme })
  }
  if (envelope.signer.length !== KEY_BYTES)
    throw new ValidationError('MESH_BAD_SIGNER', { field: 'signer', actual: envelope.signer.length })
  if (envelope.signature.length !== SIGNATURE_BYTES) {
    throw new ValidationError('MESH_BAD_SIGNER', { field: 'signature', actual: envelope.signature.length })
  }
  return { bytes, envelope, type, scheme, netuid }
}

// The domain-separated digest the signature covers.
const payloadOf = (p: PendingEnvelope): Uint8Array =>
  signingPayload(p.type, p.netuid, p.envelope.body, p.envelope.version)

/**
 * The one signature step, synchronous: `MESH_BAD_SIGNATURE` unless `verify` accepts.
 * @internal shared by the openers; not part of the package door.
 */
export function assertSigned(p: PendingEnvelope, verify: Verifier = verifySignature): void {
  if (!verify(p.scheme, p.envelope.signer, payloadOf(p), p.envelope.signature)) {
    throw new ValidationError('MESH_BAD_SIGNATURE')
  }
}

/**
 * The one signature step, asynchronous: `MESH_BAD_SIGNATURE` unless `verify` resolves true.
 * @internal shared by the openers; not part of the package door.
 */
export async function assertSignedAsync(
  p: PendingEnvelope,
  verify: AsyncVerifier = verifySignatureAsync,
): Promise<void> {
  if (!(await verify(p.scheme, p.envelope.signer, payloadOf(p), p.envelope.signature))) {
    throw new ValidationError('MESH_BAD_SIGNATURE')
  }
}

/**
 * Canonical body decoding and the type's content rules (freshness when `headBlock` is given).
 * @internal shared by the openers; not part of the package door.
 */
export function checkBody<T extends MessageType>(
  type: T,
  envelope: Envelope,
  ctx: Pick<OpenOptions, 'netuid' | 'headBlock' | 'acceptStale'>,
): MessageBodies[T] {
  const body = decodeBody(type, envelope.body)
  validateContent(type, body, {
    netuid: ctx.netuid,
    signer: envelope.signer,
    headBlock: ctx.headBlock,
    acceptStale: ctx.acceptStale,
  })
  return body
}

/**
 * The opened message of a verified envelope and its checked body.
 * @internal shared by the openers; not part of the package door.
 */
export function openedMessage<T extends MessageType>(p: PendingEnvelope<T>, body: MessageBodies[T]): OpenedMessage<T> {
  return {
    type: p.type,
    body,
    id: messageId(p.bytes),
    version: p.envelope.version,
    signer: p.envelope.signer,
    scheme: p.scheme,
    signature: p.envelope.signature,
    bodyBytes: p.envelope.body,
  } as OpenedMessage<T>
}

// Everything openEnvelope checks before the signature, in order.
function beforeSignature<T extends MessageType>(bytes: Uint8Array, opts: OpenOptions<T>): PendingEnvelope<T> {
  const { envelope, type } = decodeTypedEnvelope(bytes, opts.expectedType)
  const pending = checkSignatureFields(bytes, envelope, type, opts.netuid)
  opts.checkSigner?.(envelope.signer, type)
  return pending
}

// Everything openEnvelope does after the signature.
function afterSignature<T extends MessageType>(p: PendingEnvelope<T>, opts: OpenOptions<T>): OpenedMessage<T> {
  return openedMessage(p, checkBody(p.type, p.envelope, opts))
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
  const pending = beforeSignature(bytes, opts)
  assertSigned(pending)
  return afterSignature(pending, opts)
}

/**
 * {@link openEnvelope} with the signature checked off the event loop: the same checks in the same order,
 * the same codes, but ed25519 verifies on libuv's threadpool (perf.md §3: 11.4k/s on 2 cores against 8.0k/s
 * inline), so many envelopes opened at once spread over every core. sr25519 verifies inline. Rejects with
 * the error `openEnvelope` would throw. Do not mutate `bytes` until the promise settles.
 *
 * @example
 * ```ts
 * const msgs = await Promise.all(page.map((b) => openEnvelopeAsync(b, { netuid: 7, expectedType: 'result' })))
 * ```
 */
export async function openEnvelopeAsync<T extends MessageType = MessageType>(
  bytes: Uint8Array,
  opts: OpenAsyncOptions<T>,
): Promise<OpenedMessage<T>> {
  const pending = beforeSignature(bytes, opts)
  await assertSignedAsync(pending, opts.verify)
  return afterSignature(pending, opts)
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
