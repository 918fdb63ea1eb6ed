import { equals } from 'uint8arrays/equals'
import type { OpenedMessage } from '../envelope/envelope.js'
import { openEnvelope } from '../envelope/envelope.js'
import { ValidationError } from './errors.js'

/** What {@link checkBinding} needs from the caller's view of the chain. */
export interface BindingContext {
  /** Our subnet. */
  netuid: number
  /** Our current head block; the record must be valid at it. */
  headBlock: number
  /** Whether the metagraph currently permits this hotkey (validator permit, or stake ≥ the minimum). */
  isPermitted: (hotkey: Uint8Array) => boolean
  /** The envelope signer of the message being attributed; when given it must be the record's node key. */
  signer?: Uint8Array
}

/**
 * Check that a peer record binds a message signer to a permitted hotkey right now (design §3):
 * signed by its hotkey and countersigned by its node key, not expired at `headBlock`, hotkey permitted,
 * and (when `signer` is given) the record's node key is that signer.
 *
 * Pass the record's envelope bytes to verify both signatures, or a record already returned by
 * `openEnvelope` (which verified them) to skip the cryptography: the mesh checks a record once and then
 * calls this per message with the cached result. Pure: the metagraph arrives as a function.
 *
 * @returns the opened peer record.
 * @throws ValidationError `MESH_BINDING_EXPIRED` / `MESH_BINDING_NOT_PERMITTED` (ignore: our view may lag),
 * `MESH_BINDING_MISMATCH` (reject), or any `openEnvelope` error for bytes.
 */
export function checkBinding(
  record: Uint8Array | OpenedMessage<'peer-record'>,
  ctx: BindingContext,
): OpenedMessage<'peer-record'> {
  const opened =
    record instanceof Uint8Array ? openEnvelope(record, { netuid: ctx.netuid, expectedType: 'peer-record' }) : record
  const r = opened.body
  if (r.netuid !== ctx.netuid) throw new ValidationError('MESH_NETUID_MISMATCH', { field: 'netuid' })
  if (ctx.headBlock < r.issuedAtBlock || ctx.headBlock >= r.expiresAtBlock) {
    throw new ValidationError('MESH_BINDING_EXPIRED', {
      field: 'expiresAtBlock',
      actual: ctx.headBlock,
      limit: r.expiresAtBlock,
    })
  }
  if (!ctx.isPermitted(r.hotkey)) throw new ValidationError('MESH_BINDING_NOT_PERMITTED', { field: 'hotkey' })
  if (ctx.signer !== undefined && !equals(ctx.signer, r.nodePublicKey)) {
    throw new ValidationError('MESH_BINDING_MISMATCH', { field: 'nodePublicKey' })
  }
  return opened
}
