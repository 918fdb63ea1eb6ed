import { ENVELOPE_OVERHEAD_BYTES, MAX_BODY_BYTES } from '../constants.js'
import { decodeEnvelope, type OpenedMessage, openEnvelope } from '../envelope/envelope.js'
import { decodeBody } from '../messages/codecs.js'
import { Topic, type TopicName } from '../messages/topics.js'
import { type MessageType, messageTypeFromCode } from '../messages/types.js'
import { checkBinding } from '../validation/binding.js'
import { validateContent } from '../validation/content.js'
import { ValidationError, type ValidationErrorCode } from '../validation/errors.js'
import type { PeerAllowlist } from './allowlist.js'

/** What {@link validateGossip} needs from the node's current view. */
export interface GossipValidationContext {
  netuid: number
  headBlock: number
  isPermitted: (hotkey: Uint8Array) => boolean
  allowlist: PeerAllowlist
  /**
   * Whether a hotkey may sign competition manifests (the subnet owner). Without it every manifest is
   * ignored as not permitted.
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
  if (type === 'competition-manifest') {
    if (ctx.isManifestSigner?.(signer) !== true) {
      throw new ValidationError('MESH_BINDING_NOT_PERMITTED', { field: 'signer' })
    }
    return
  }
  const bound = ctx.allowlist.bindingForSigner(signer)
  if (bound === undefined) throw new ValidationError('MESH_BINDING_NOT_PERMITTED', { field: 'signer' })
  checkBinding(bound.record, { netuid: ctx.netuid, headBlock: ctx.headBlock, isPermitted: ctx.isPermitted, signer })
}

/**
 * Validate gossip bytes received on a topic, in the fixed order of design §4: size → decode → version
 * (both in `decodeEnvelope`, which also refuses non-canonical bytes) → type → freshness in blocks (with
 * the block-independent content rules, all cheap) → signer bound and permitted → signature (then
 * `openEnvelope` decodes and checks the body again) → for peer records, the binding itself. Semantics
 * specific to the node (e.g. "a job must match what I derive") are the caller's hook, run after this.
 *
 * Freshness needs the body, which `openEnvelope` only decodes after the signature; the pre-pass decodes it
 * first so stale or wrong-subnet messages never cost a signature check.
 *
 * @throws ValidationError with the verdict; anything else is a bug and the adapter maps it to Ignore.
 */
export function validateGossip(name: TopicName, bytes: Uint8Array, ctx: GossipValidationContext): OpenedMessage {
  const type: MessageType = Topic[name]
  const env = decodeEnvelope(bytes, MAX_BODY_BYTES[type] + ENVELOPE_OVERHEAD_BYTES)
  const actual = messageTypeFromCode(env.type)
  if (actual === undefined) throw new ValidationError('MESH_UNKNOWN_TYPE', { field: 'type', actual: env.type })
  if (actual !== type) throw new ValidationError('MESH_UNEXPECTED_TYPE', { field: 'type', actual: env.type })
  validateContent(type, decodeBody(type, env.body), {
    netuid: ctx.netuid,
    signer: env.signer,
    headBlock: ctx.headBlock,
    acceptStale: ctx.acceptStale,
  })
  checkSigner(type, env.signer, ctx)
  const opened = openEnvelope(bytes, {
    netuid: ctx.netuid,
    expectedType: type,
    headBlock: ctx.headBlock,
    acceptStale: ctx.acceptStale,
  })
  if (opened.type === 'peer-record') {
    checkBinding(opened, { netuid: ctx.netuid, headBlock: ctx.headBlock, isPermitted: ctx.isPermitted })
  }
  return opened
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
