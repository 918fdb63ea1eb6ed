import { DEFAULT_PEER_RECORD_TTL_BLOCKS } from '../constants.js'
import { sealEnvelope } from '../envelope/envelope.js'
import { peerBindingPayload } from '../envelope/signing.js'
import type { Signer } from '../identity/signer.js'
import type { PeerRecord } from '../proto/kinitro.js'
import { peerIdBytesFromNodeKey } from './peer-id.js'

/** Inputs of {@link createPeerRecord}. */
export interface PeerRecordInit {
  netuid: number
  /** The validator's 32-byte sr25519 hotkey public key. */
  hotkey: Uint8Array
  /** The node key (ed25519); it countersigns the binding and its peer id goes in the record. */
  nodeSigner: Signer
  /**
   * Binary multiaddrs the node listens on.
   * @default []
   */
  multiaddrs?: Uint8Array[]
  /** Current head block. */
  issuedAtBlock: number
  /**
   * Validity in blocks.
   * @default DEFAULT_PEER_RECORD_TTL_BLOCKS (7200, 24 h)
   */
  ttlBlocks?: number
  /**
   * Evaluation jobs the node runs in parallel; 0 says it does not evaluate (a light node). At most
   * `MAX_PEER_CAPACITY` (256).
   * @default 0
   */
  capacity?: number
  /**
   * Task families the node evaluates (`mujoco`, `toy`: the part of an env id before `/`); empty means every
   * family. Sorted and deduplicated here, so one set of families has one encoding.
   * @default []
   */
  families?: string[]
}

/**
 * Build a peer record binding `nodeSigner` to `hotkey`, countersigned by the node key. Seal it with
 * {@link signPeerRecord}.
 *
 * @example
 * ```ts
 * const record = createPeerRecord({ netuid: 7, hotkey: hotkey.publicKey, nodeSigner, issuedAtBlock: head, capacity: 4 })
 * const bytes = signPeerRecord(record, hotkey)
 * ```
 * @throws TypeError when `nodeSigner` is not ed25519.
 */
export function createPeerRecord(init: PeerRecordInit): PeerRecord {
  const { nodeSigner } = init
  if (nodeSigner.scheme !== 'ed25519') throw new TypeError('the node key must be ed25519')
  const peerId = peerIdBytesFromNodeKey(nodeSigner.publicKey)
  if (peerId === undefined) throw new TypeError('the node key is not a valid ed25519 public key')
  const expiresAtBlock = init.issuedAtBlock + (init.ttlBlocks ?? DEFAULT_PEER_RECORD_TTL_BLOCKS)
  const binding = { netuid: init.netuid, hotkey: init.hotkey, issuedAtBlock: init.issuedAtBlock, expiresAtBlock }
  return {
    ...binding,
    peerId,
    multiaddrs: init.multiaddrs ?? [],
    nodePublicKey: nodeSigner.publicKey,
    nodeSignature: nodeSigner.sign(peerBindingPayload(binding)),
    capacity: init.capacity ?? 0,
    families: [...new Set(init.families ?? [])].sort(),
  }
}

/**
 * Seal a peer record with the hotkey (sr25519) it names.
 *
 * @returns envelope bytes for the `peers` topic.
 * @throws ValidationError when the signer is not sr25519 or not the record's hotkey, or the record breaks
 * a content rule.
 */
export function signPeerRecord(record: PeerRecord, hotkeySigner: Signer): Uint8Array {
  return sealEnvelope('peer-record', record, record.netuid, hotkeySigner)
}
