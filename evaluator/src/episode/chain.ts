import { createHash } from 'node:crypto'

/**
 * The per-step state-hash chain: link 0 = SHA-256(stateBytes after reset), link i = SHA-256(link i−1 ‖
 * stateBytes after step i). Links are raw 32-byte digests internally and lowercase hex in records.
 */
export function chainStart(state: Uint8Array): Buffer {
  return createHash('sha256').update(state).digest()
}

/** The next link of the chain after one step. */
export function chainNext(prev: Uint8Array, state: Uint8Array): Buffer {
  return createHash('sha256').update(prev).update(state).digest()
}

/** Base64 of state bytes, as snapshots store them. */
export function toBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64')
}
