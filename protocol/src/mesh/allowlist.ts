import { publicKeyFromRaw } from '@libp2p/crypto/keys'
import { peerIdFromPublicKey, peerIdFromString } from '@libp2p/peer-id'
import type { OpenedMessage } from '../envelope/envelope.js'
import { checkBinding } from '../validation/binding.js'
import { MeshError } from './errors.js'

/** Why a peer is admitted. */
export type PeerKind = 'validator' | 'observer'

/** One admitted validator: its verified peer record. */
export interface BoundPeer {
  peerId: string
  kind: 'validator'
  hotkey: Uint8Array
  nodePublicKey: Uint8Array
  /** The record, as `openEnvelope`/`checkBinding` returned it (signatures already verified). */
  record: OpenedMessage<'peer-record'>
}

/** A change to the allowlist: peers that were admitted and are not any more, and peers newly admitted. */
export interface AllowlistChange {
  added: string[]
  removed: string[]
}

/** Inputs of {@link createPeerAllowlist}. */
export interface PeerAllowlistInit {
  netuid: number
  /** Current head block, for record expiry. */
  headBlock: () => number
  /** Whether the current metagraph permits a hotkey (validator permit or minimum stake). */
  isPermitted: (hotkey: Uint8Array) => boolean
  /**
   * Peer ids admitted without a record (the indexer and other read-only observers).
   * @default []
   */
  observers?: readonly string[]
}

/**
 * The live set of peers the gater admits: validators bound by a valid, unexpired peer record to a
 * permitted hotkey, plus configured observers. One record per hotkey (the newest `issuedAtBlock` wins,
 * so a validator can rotate its node key); the node public key → binding index serves the gossip
 * signer check without touching cryptography.
 */
export interface PeerAllowlist {
  /** True when the peer id (string form) may connect. */
  has(peerId: string): boolean
  kindOf(peerId: string): PeerKind | undefined
  /** The binding of a node key (mesh message signer), if any. */
  bindingForSigner(nodePublicKey: Uint8Array): BoundPeer | undefined
  /**
   * Verify (when bytes) and admit a peer record. Throws the `ValidationError` of `checkBinding` when the
   * record is invalid, expired or its hotkey not permitted. Returns the binding.
   */
  addPeerRecord(record: Uint8Array | OpenedMessage<'peer-record'>): BoundPeer
  addObserver(peerId: string): void
  removeObserver(peerId: string): void
  /**
   * Re-check every record against the current head and metagraph (call on each new block or metagraph
   * change); drops the ones that fail and tells listeners, which hang up those peers.
   */
  refresh(): AllowlistChange
  validators(): BoundPeer[]
  observers(): string[]
  /**
   * Refuse these peers (an operator's ban list, or a test's partition) even if bound or observers, until the
   * next call lifts them: connections are refused and closed, no gossip is taken from them. Messages they
   * signed that others relay are still judged on their own. Replaces the previous list.
   */
  deny(peerIds: readonly string[]): AllowlistChange
  denied(): string[]
  /** Listen to changes; returns the unsubscribe function. */
  onChange(listener: (change: AllowlistChange) => void): () => void
}

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex')

/** The libp2p peer id string of a raw ed25519 node public key. */
export function peerIdOfNodeKey(nodePublicKey: Uint8Array): string {
  return peerIdFromPublicKey(publicKeyFromRaw(nodePublicKey)).toString()
}

/**
 * Create the allowlist.
 *
 * @example
 * ```ts
 * const allow = createPeerAllowlist({ netuid: 7, headBlock: () => head, isPermitted: (hk) => permits.has(hex(hk)) })
 * allow.addPeerRecord(recordBytes)
 * ```
 * @throws MeshError `MESH_HOST_CONFIG_INVALID` for an unparseable observer peer id.
 */
export function createPeerAllowlist(init: PeerAllowlistInit): PeerAllowlist {
  const byHotkey = new Map<string, BoundPeer>()
  const byPeer = new Map<string, BoundPeer>()
  const bySigner = new Map<string, BoundPeer>()
  const observerSet = new Set<string>()
  let deniedSet = new Set<string>()
  const listeners = new Set<(change: AllowlistChange) => void>()

  const emit = (change: AllowlistChange): void => {
    if (change.added.length === 0 && change.removed.length === 0) return
    for (const l of listeners) l(change)
  }
  const drop = (bound: BoundPeer): void => {
    byHotkey.delete(hex(bound.hotkey))
    byPeer.delete(bound.peerId)
    bySigner.delete(hex(bound.nodePublicKey))
  }
  const admitted = (peerId: string): boolean =>
    (byPeer.has(peerId) || observerSet.has(peerId)) && !deniedSet.has(peerId)
  const ctx = () => ({ netuid: init.netuid, headBlock: init.headBlock(), isPermitted: init.isPermitted })

  const addObserver = (peerId: string): void => {
    try {
      peerIdFromString(peerId)
    } catch {
      throw new MeshError({ code: 'MESH_HOST_CONFIG_INVALID', field: 'observers', reason: 'not a peer id' })
    }
    const was = admitted(peerId)
    observerSet.add(peerId)
    if (!was) emit({ added: [peerId], removed: [] })
  }
  for (const o of init.observers ?? []) addObserver(o)

  return {
    has: admitted,
    kindOf(peerId) {
      if (byPeer.has(peerId)) return 'validator'
      return observerSet.has(peerId) ? 'observer' : undefined
    },
    bindingForSigner: (key) => bySigner.get(hex(key)),
    addPeerRecord(record) {
      const opened = checkBinding(record, ctx())
      const r = opened.body
      const bound: BoundPeer = {
        peerId: peerIdOfNodeKey(r.nodePublicKey),
        kind: 'validator',
        hotkey: r.hotkey.slice(),
        nodePublicKey: r.nodePublicKey.slice(),
        record: opened,
      }
      const previous = byHotkey.get(hex(bound.hotkey))
      // An older record never replaces a newer one (a replayed record must not undo a key rotation).
      if (previous !== undefined && previous.record.body.issuedAtBlock > r.issuedAtBlock) return previous
      const change: AllowlistChange = { added: [], removed: [] }
      if (previous !== undefined) {
        drop(previous)
        if (previous.peerId !== bound.peerId && !admitted(previous.peerId)) change.removed.push(previous.peerId)
      }
      // A node key bound to another hotkey before: the newer binding takes it over.
      const other = byPeer.get(bound.peerId)
      if (other !== undefined) drop(other)
      const was = admitted(bound.peerId)
      byHotkey.set(hex(bound.hotkey), bound)
      byPeer.set(bound.peerId, bound)
      bySigner.set(hex(bound.nodePublicKey), bound)
      if (!was) change.added.push(bound.peerId)
      emit(change)
      return bound
    },
    addObserver,
    removeObserver(peerId) {
      if (!observerSet.delete(peerId)) return
      if (!admitted(peerId)) emit({ added: [], removed: [peerId] })
    },
    refresh() {
      const c = ctx()
      const change: AllowlistChange = { added: [], removed: [] }
      for (const bound of [...byPeer.values()]) {
        try {
          checkBinding(bound.record, c)
        } catch {
          drop(bound)
          if (!admitted(bound.peerId)) change.removed.push(bound.peerId)
        }
      }
      emit(change)
      return change
    },
    validators: () => [...byPeer.values()].filter((b) => !deniedSet.has(b.peerId)),
    observers: () => [...observerSet].filter((p) => !deniedSet.has(p)),
    deny(peerIds) {
      const before = new Set([...byPeer.keys(), ...observerSet].filter(admitted))
      deniedSet = new Set(peerIds)
      const after = new Set([...byPeer.keys(), ...observerSet].filter(admitted))
      const change: AllowlistChange = {
        added: [...after].filter((p) => !before.has(p)),
        removed: [...before].filter((p) => !after.has(p)),
      }
      emit(change)
      return change
    },
    denied: () => [...deniedSet],
    onChange(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
  }
}
