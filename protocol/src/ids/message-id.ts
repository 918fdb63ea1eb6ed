import { sha256 } from './hash.js'

/**
 * The message id: SHA-256 of the envelope bytes exactly as received. It is the gossipsub msgId, the dedup
 * key and the primary key in every store. Decoders accept only canonical encodings, so one logical
 * envelope has one id.
 *
 * @example
 * ```ts
 * const id = messageId(envelopeBytes) // 32 bytes
 * ```
 */
export function messageId(envelopeBytes: Uint8Array): Uint8Array {
  return sha256(envelopeBytes)
}
