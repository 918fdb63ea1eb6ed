import {
  assertSigned,
  assertSignedAsync,
  checkBody,
  checkSignatureFields,
  decodeTypedEnvelope,
  type OpenedMessage,
  openedMessage,
  type PendingEnvelope,
} from '../envelope/envelope.js'
import type { AsyncVerifier } from '../identity/signer.js'
import { Topic, type TopicName } from '../messages/topics.js'
import type { MessageBodies, MessageType } from '../messages/types.js'
import { checkBinding } from '../validation/binding.js'
import { ValidationError, type ValidationErrorCode } from '../validation/errors.js'
import type { PeerAllowlist } from './allowlist.js'

/** What {@link validateGossip} needs from the node's current view. */
export interface GossipValidationContext {
  netuid: number
  headBlock: number
  isPermitted: (hotkey: Uint8Array) => boolean
  allowlist: PeerAllowlist
  /**
   * Whether a hotkey is the subnet owner, who alone signs competition manifests and owner actions. Without
   * it every manifest and owner action is ignored as not permitted.
   */
  isManifestSigner?: (hotkey: Uint8Array) => boolean
  /**
   * Skip the freshness window (catch-up sync: old messages are the point). Everything else, the signer
   * binding included, is checked as for gossip. @default false
   */
  acceptStale?: boolean
}

/**
 * The signer must be bound and permitted in the current metagraph, checked before any signature is
 * verified. sr25519 types are signed by the hotkey itself; everything else by a node key that a live
 * peer record binds. Unknown signers are ignored, not rejected: their record may simply not have reached
 * us yet (Lodestar's rule: never penalise for our own lag).
 */
function checkSigner(type: MessageType, signer: Uint8Array, ctx: GossipValidationContext): void {
  if (type === 'peer-record') {
    if (!ctx.isPermitted(signer)) throw new ValidationError('MESH_BINDING_NOT_PERMITTED', { field: 'signer' })
    return
  }
  if (type === 'competition-manifest' || type === 'owner-action') {
    if (ctx.isManifestSigner?.(signer) !== true) {
      throw new ValidationError('MESH_BINDING_NOT_PERMITTED', { field: 'signer' })
    }
    return
  }
  const bound = ctx.allowlist.bindingForSigner(signer)
  if (bound === undefined) throw new ValidationError('MESH_BINDING_NOT_PERMITTED', { field: 'signer' })
  checkBinding(bound.record, { netuid: ctx.netuid, headBlock: ctx.headBlock, isPermitted: ctx.isPermitted, signer })
}

// Everything validateGossip checks before the signature, in order (see validateGossip).
function beforeSignature(
  name: TopicName,
  bytes: Uint8Array,
  ctx: GossipValidationContext,
): { pending: PendingEnvelope; body: MessageBodies[MessageType] } {
  const { envelope, type } = decodeTypedEnvelope(bytes, Topic[name])
  const body = checkBody(type, envelope, ctx)
  checkSigner(type, envelope.signer, ctx)
  return { pending: checkSignatureFields(bytes, envelope, type, ctx.netuid), body }
}

// Everything validateGossip does after the signature.
function afterSignature(
  pending: PendingEnvelope,
  body: MessageBodies[MessageType],
  ctx: GossipValidationContext,
): OpenedMessage {
  const opened = openedMessage(pending, body)
  if (opened.type === 'peer-record') {
    checkBinding(opened, { netuid: ctx.netuid, headBlock: ctx.headBlock, isPermitted: ctx.isPermitted })
  }
  return opened
}

/**
 * Validate gossip bytes received on a topic, in the fixed order of design §4: size → decode → version
 * (both in `decodeEnvelope`, which also refuses non-canonical bytes) → type → the body's decoding and
 * content rules with freshness in blocks (cheap) → signer bound and permitted → body size, scheme and key
 * lengths → signature → for peer records, the binding itself. Semantics specific to the node (e.g. "a job
 * must match what I derive") are the caller's hook, run after this.
 *
 * The body is decoded before the signature, so stale or wrong-subnet messages never cost a signature check.
 *
 * @throws ValidationError with the verdict; anything else is a bug and the adapter maps it to Ignore.
 */
export function validateGossip(name: TopicName, bytes: Uint8Array, ctx: GossipValidationContext): OpenedMessage {
  const { pending, body } = beforeSignature(name, bytes, ctx)
  assertSigned(pending)
  return afterSignature(pending, body, ctx)
}

/** Options of {@link validateGossipAsync}. */
export interface ValidateGossipAsyncOptions {
  /** Checks the signature. @default verifySignatureAsync (ed25519 on libuv's threadpool, sr25519 inline) */
  verify?: AsyncVerifier
}

/**
 * {@link validateGossip} with the signature checked off the event loop: the same checks in the same order
 * with the same codes, but ed25519 signatures verify on libuv's threadpool, so a batch validated
 * concurrently uses every core while the loop goes on (e.g. writing the previous batch). sr25519 types and
 * a peer record's node-key countersignature still verify inline. Rejects with what `validateGossip` throws.
 * `ctx` is read again after the signature (peer-record binding), as a later call would see it. Do not
 * mutate `bytes` until the promise settles.
 *
 * @example
 * ```ts
 * const opened = await Promise.allSettled(batch.map((b) => validateGossipAsync('results', b, ctx)))
 * ```
 */
export async function validateGossipAsync(
  name: TopicName,
  bytes: Uint8Array,
  ctx: GossipValidationContext,
  opts: ValidateGossipAsyncOptions = {},
): Promise<OpenedMessage> {
  const { pending, body } = beforeSignature(name, bytes, ctx)
  await assertSignedAsync(pending, opts.verify)
  return afterSignature(pending, body, ctx)
}

/** A gossipsub verdict. */
export type GossipResult = 'accept' | 'ignore' | 'reject'

/** Metric label for errors that are not `ValidationError`s (bugs, store failures). */
export const INTERNAL_ERROR_CODE = 'internal'

/**
 * The one mapping from a thrown value to a gossipsub verdict (style.md §5): a `ValidationError` carries
 * its own action; anything else is Ignore, so our bugs never punish peers.
 */
export function verdictOf(err: unknown): { result: 'ignore' | 'reject'; code: ValidationErrorCode | 'internal' } {
  if (err instanceof ValidationError) return { result: err.action, code: err.meta.code }
  return { result: 'ignore', code: INTERNAL_ERROR_CODE }
}
