import { fromString } from 'uint8arrays/from-string'
import { KEY_BYTES, MAX_NETUID, WIRE_VERSION } from '../constants.js'
import { sha256, u16be, u64be } from '../ids/hash.js'
import type { MessageType } from '../messages/types.js'

/** The signing domain tag of a message type at a wire version: `kinitro/v<version>/<type>`. */
export function signingDomain(type: MessageType | 'peer-binding', version: number = WIRE_VERSION): string {
  return `kinitro/v${version}/${type}`
}

function checkNetuid(netuid: number): void {
  if (!Number.isInteger(netuid) || netuid < 0 || netuid > MAX_NETUID) throw new RangeError('netuid must be a u16')
}

/**
 * The 32 bytes an envelope signature covers: SHA-256(`kinitro/v<version>/<type>` ‖ u16be(netuid) ‖ body).
 *
 * Domain separation: a signature made for one type, subnet or wire version never verifies for another.
 * Type names are prefix-free and the netuid has a fixed width, so the concatenation parses one way only.
 * Binding the version means a relay cannot relabel a body as another version.
 *
 * @throws RangeError when `netuid` is not a u16 (a caller bug).
 */
export function signingPayload(
  type: MessageType,
  netuid: number,
  body: Uint8Array,
  version: number = WIRE_VERSION,
): Uint8Array {
  checkNetuid(netuid)
  return sha256(fromString(signingDomain(type, version), 'utf8'), u16be(netuid), body)
}

/** The fields of a peer record the node key consents to. */
export interface PeerBindingInput {
  netuid: number
  /** 32-byte sr25519 hotkey public key. */
  hotkey: Uint8Array
  issuedAtBlock: number
  expiresAtBlock: number
}

/**
 * What the node key signs in a peer record (`node_signature`): SHA-256(`kinitro/v1/peer-binding` ‖
 * u16be(netuid) ‖ hotkey ‖ u64be(issued_at) ‖ u64be(expires_at)). The hotkey's envelope signature shows
 * the hotkey wants the binding; this one shows the node key does too, so nobody can bind a node key they
 * do not hold (reference/p2p.md §5: a one-sided binding can be replayed).
 *
 * @throws RangeError on a netuid above u16, a hotkey that is not 32 bytes, or negative blocks.
 */
export function peerBindingPayload(input: PeerBindingInput): Uint8Array {
  checkNetuid(input.netuid)
  if (input.hotkey.length !== KEY_BYTES) throw new RangeError('hotkey must be 32 bytes')
  return sha256(
    fromString(signingDomain('peer-binding'), 'utf8'),
    u16be(input.netuid),
    input.hotkey,
    u64be(input.issuedAtBlock),
    u64be(input.expiresAtBlock),
  )
}
