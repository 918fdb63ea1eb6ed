import { publicKeyFromRaw } from '@libp2p/crypto/keys'
import { peerIdFromPublicKey } from '@libp2p/peer-id'
import { KEY_BYTES } from '../constants.js'

/**
 * The libp2p peer id (multihash bytes) of a raw 32-byte ed25519 node public key, or undefined when the
 * bytes are not a usable ed25519 key. Peer records must carry exactly this id, so the libp2p identity
 * that connects is the key that signs.
 */
export function peerIdBytesFromNodeKey(nodePublicKey: Uint8Array): Uint8Array | undefined {
  if (nodePublicKey.length !== KEY_BYTES) return undefined
  try {
    return peerIdFromPublicKey(publicKeyFromRaw(nodePublicKey)).toMultihash().bytes
  } catch {
    return undefined
  }
}
