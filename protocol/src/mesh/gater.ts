import type { ConnectionGater, PeerId } from '@libp2p/interface'
import type { PeerAllowlist } from './allowlist.js'

/**
 * The connection gater: only allowlisted peers pass, checked at the first points where the remote peer
 * id is known (after the Noise handshake, both directions) and before we dial (p2p.md §4). Unknown
 * inbound connections are closed before any stream (identify, gossipsub) opens on them.
 */
export function allowlistGater(allowlist: PeerAllowlist): ConnectionGater {
  const deny = (peerId: PeerId): boolean => !allowlist.has(peerId.toString())
  return {
    denyDialPeer: deny,
    denyInboundEncryptedConnection: deny,
    denyOutboundEncryptedConnection: deny,
  }
}
