import { equals } from 'uint8arrays/equals'
import {
  MAX_MULTIADDR_BYTES,
  MAX_MULTIADDRS,
  MAX_PEER_CAPACITY,
  MAX_PEER_FAMILIES,
  MAX_PEER_FAMILY_BYTES,
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
  checkInt,
  checkNetuid,
  invalid,
} from './fields.js'

// Families are the env-id prefix before `/`; lower case only, so `MuJoCo` and `mujoco` cannot both exist.
const FAMILY_RE = /^[a-z0-9._-]+$/

function checkFamilies(families: readonly string[]): void {
  if (families.length > MAX_PEER_FAMILIES) invalid('families', { actual: families.length, limit: MAX_PEER_FAMILIES })
  const seen = new Set<string>()
  for (const [i, f] of families.entries()) {
    // The regex admits ASCII only, so string length is the byte length.
    if (f.length === 0 || f.length > MAX_PEER_FAMILY_BYTES || !FAMILY_RE.test(f)) {
      invalid(`families[${i}]`, { actual: f.length, limit: MAX_PEER_FAMILY_BYTES })
    }
    // A repeated family says nothing new; refusing it keeps one meaning per record.
    if (seen.has(f)) invalid(`families[${i}]`)
    seen.add(f)
  }
}

/**
 * Content rules of a peer record: the envelope signer is the record's hotkey, the node key signed the
 * binding, the peer id is the node key's, bounds on addresses and validity window, freshness of
 * `issued_at_block`, and (on gossip, with a head block) not yet expired. What it offers: `capacity` ≤
 * {@link MAX_PEER_CAPACITY}, at most {@link MAX_PEER_FAMILIES} distinct `families` of 1…64 `[a-z0-9._-]`.
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
  // A body built in code before these fields existed lacks them; the encoder writes a missing field as its
  // default (nothing on the wire), so validate it as that default too.
  checkInt('capacity', r.capacity ?? 0, 0, MAX_PEER_CAPACITY)
  checkFamilies(r.families ?? [])
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
