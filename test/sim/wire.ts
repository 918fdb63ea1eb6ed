import { RPC } from '@libp2p/gossipsub/message'
import {
  NOISE_FRAME_BYTES,
  NOISE_MAX_PLAINTEXT,
  TCP_IP_HEADER_BYTES,
  TCP_MSS,
  YAMUX_HEADER_BYTES,
} from './constants.js'

// Bytes of gossipsub RPCs, encoded with gossipsub's own protobuf codec so field tags and varints are
// exact, and the framing each RPC gets on its way down the stack (length prefix, yamux, Noise, TCP/IP).

/** Message ids on the wire: SHA-256 of the envelope (design §3), 32 bytes. */
export const MESSAGE_ID_BYTES = 32

const ID = new Uint8Array(MESSAGE_ID_BYTES)

function varintBytes(n: number): number {
  let len = 1
  for (let v = n; v >= 0x80; v = Math.floor(v / 0x80)) len++
  return len
}

/** A gossipsub RPC carrying one message of `payloadBytes` on `topic` (StrictNoSign: no from/seqno/signature). */
export function messageRpcBytes(topic: string, payloadBytes: number): number {
  return RPC.encode({ subscriptions: [], messages: [{ topic, data: new Uint8Array(payloadBytes) }] }).length
}

/** An RPC with one IHAVE for `ids` message ids on `topic`. */
export function ihaveRpcBytes(topic: string, ids: number): number {
  const messageIDs = Array.from({ length: ids }, () => ID)
  return RPC.encode({
    subscriptions: [],
    messages: [],
    control: { ihave: [{ topicID: topic, messageIDs }], iwant: [], graft: [], prune: [], idontwant: [] },
  }).length
}

/** An RPC with one IDONTWANT for one id (gossipsub sends one RPC per message, sendIDontWants). */
export function idontwantRpcBytes(): number {
  return RPC.encode({
    subscriptions: [],
    messages: [],
    control: { ihave: [], iwant: [], graft: [], prune: [], idontwant: [{ messageIDs: [ID] }] },
  }).length
}

/**
 * Bytes on the wire for one RPC of `rpcBytes`: varint length prefix, one yamux data frame, Noise frames
 * (tag + length per ≤ 65519 plaintext bytes) and IPv4+TCP headers per MSS-sized segment. Counting one
 * frame per RPC is an upper bound: under load several RPCs share frames and segments.
 */
export function onWireBytes(rpcBytes: number): number {
  const framed = rpcBytes + varintBytes(rpcBytes) + YAMUX_HEADER_BYTES
  const noise = framed + NOISE_FRAME_BYTES * Math.ceil(framed / NOISE_MAX_PLAINTEXT)
  return noise + TCP_IP_HEADER_BYTES * Math.ceil(noise / TCP_MSS)
}
