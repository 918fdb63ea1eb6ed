import { equals } from 'uint8arrays/equals'
import {
  MAX_MULTIADDR_BYTES,
  MAX_MULTIADDRS,
  MAX_PEER_ID_BYTES,
  MAX_PEER_RECORD_TTL_BLOCKS,
  SIGNATURE_BYTES,
} from '../constants.js'
import { peerBindingPayload } from '../envelope/signing.js'
import { verifySignature } from '../identity/signer.js'
import { peerIdBytesFromNodeKey } from '../messages/peer-id.js'
import type { PeerRecord } from '../proto/kinitro.js'
import { ValidationError } from './errors.js'
import {
  type ContentContext,
  checkBlock,
  checkBytesLength,
  checkFixedBytes,
  checkFreshness,
  checkNetuid,
  invalid,
} from './fields.js'

/**
 * Content rules of a peer record: the envelope signer is the record's hotkey, the node key signed the
 * binding, the peer id is the node key's, bounds on addresses and validity window, freshness of
 * `issued_at_block`, and (on gossip, with a head block) not yet expired.
 */
export function validatePeerRecord(r: PeerRecord, ctx: ContentContext): void {
  checkNetuid(r.netuid, ctx)
  checkFixedBytes('hotkey', r.hotkey)
  checkFixedBytes('nodePublicKey', r.nodePublicKey)
  checkFixedBytes('nodeSignature', r.nodeSignature, SIGNATURE_BYTES)
  checkBytesLength('peerId', r.peerId, 1, MAX_PEER_ID_BYTES)
  if (r.multiaddrs.length > MAX_MULTIADDRS)
    invalid('multiaddrs', { actual: r.multiaddrs.length, limit: MAX_MULTIADDRS })
  for (const [i, ma] of r.multiaddrs.entries()) checkBytesLength(`multiaddrs[${i}]`, ma, 1, MAX_MULTIADDR_BYTES)
  checkFreshness('peer-record', r.issuedAtBlock, ctx, 'issuedAtBlock')
  checkBlock('expiresAtBlock', r.expiresAtBlock)
  const ttl = r.expiresAtBlock - r.issuedAtBlock
  if (ttl <= 0 || ttl > MAX_PEER_RECORD_TTL_BLOCKS) {
    invalid('expiresAtBlock', { actual: ttl, limit: MAX_PEER_RECORD_TTL_BLOCKS })
  }
  if (!equals(r.hotkey, ctx.signer)) throw new ValidationError('MESH_BINDING_INVALID', { field: 'hotkey' })
  const expectedPeerId = peerIdBytesFromNodeKey(r.nodePublicKey)
  if (expectedPeerId === undefined || !equals(expectedPeerId, r.peerId)) {
    throw new ValidationError('MESH_BINDING_INVALID', { field: 'peerId' })
  }
  const payload = peerBindingPayload(r)
  if (!verifySignature('ed25519', r.nodePublicKey, payload, r.nodeSignature)) {
    throw new ValidationError('MESH_BINDING_INVALID', { field: 'nodeSignature' })
  }
  if (ctx.headBlock !== undefined && ctx.acceptStale !== true && ctx.headBlock >= r.expiresAtBlock) {
    throw new ValidationError('MESH_BINDING_EXPIRED', {
      field: 'expiresAtBlock',
      actual: ctx.headBlock,
      limit: r.expiresAtBlock,
    })
  }
}
