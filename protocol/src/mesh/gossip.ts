import { createHash, randomBytes } from 'node:crypto'
import type { GossipSub, GossipsubOpts, Message, TopicValidatorResult } from '@libp2p/gossipsub'
import { StrictNoSign } from '@libp2p/gossipsub'
import { messageId } from '../ids/message-id.js'
import {
  FLOOD_PUBLISH_MAX_BYTES,
  GOSSIP_D,
  GOSSIP_DHI,
  GOSSIP_DLO,
  GOSSIP_DOUT,
  GOSSIP_HEARTBEAT_MS,
  GOSSIP_IWANT_FOLLOWUP_MS,
  GOSSIP_MAX_OUTBOUND_BUFFER_BYTES,
  GOSSIP_MAX_RPC_MESSAGES,
  GOSSIP_SEEN_TTL_MS,
  MAX_GOSSIP_DATA_BYTES,
  SCORE_THRESHOLDS,
  STRANGER_SCORE,
} from './constants.js'

/**
 * The gossipsub methods we use that the exported `GossipSub` interface omits (p2p.md §1: they exist on
 * the runtime class, which is not an export path). A unit test fails if they disappear.
 */
export interface GossipSubRuntime extends GossipSub {
  publish(
    topic: string,
    data: Uint8Array,
    opts?: { floodPublish?: boolean; allowPublishToZeroTopicPeers?: boolean; ignoreDuplicatePublishError?: boolean },
  ): ReturnType<GossipSub['publish']>
  reportMessageValidationResult(msgId: string, propagationSource: string, acceptance: TopicValidatorResult): void
  getMeshPeers(topic: string): string[]
  getScore(peerId: string): number
}

/** Runtime check for the methods of {@link GossipSubRuntime}. */
export function asGossipSubRuntime(service: GossipSub): GossipSubRuntime {
  const s = service as Partial<GossipSubRuntime>
  for (const m of ['reportMessageValidationResult', 'getMeshPeers', 'getScore'] as const) {
    if (typeof s[m] !== 'function') throw new TypeError(`gossipsub has no ${m}(); check the @libp2p/gossipsub version`)
  }
  return service as GossipSubRuntime
}

// A per-process salt makes fast ids unpredictable, so nobody can pre-mine a colliding message that
// shadows an honest one in the fast-id cache (Lodestar seeds its xxhash the same way, p2p.md §2.3).
const FAST_ID_SALT = randomBytes(16)

/** Inputs of {@link gossipOptions}. */
export interface GossipOptionsInit {
  allowedTopics: string[]
  /** appSpecificScore: 0 for admitted peers, {@link STRANGER_SCORE} otherwise. */
  isAdmitted: (peerId: string) => boolean
  overrides?: Partial<GossipsubOpts>
}

/**
 * Gossipsub settings for a small permissioned mesh (design §4, p2p.md §10): no libp2p signatures (each
 * envelope is signed), message id = SHA-256 of the envelope bytes (design §3), async validation, only our
 * topics, no PX or floodsub, strangers graylisted by score.
 */
export function gossipOptions(init: GossipOptionsInit): Partial<GossipsubOpts> {
  return {
    globalSignaturePolicy: StrictNoSign,
    msgIdFn: (msg: Message) => messageId(msg.data),
    fastMsgIdFn: (rpc) =>
      createHash('sha1')
        .update(FAST_ID_SALT)
        .update(rpc.data ?? new Uint8Array())
        .digest('base64'),
    msgIdToStrFn: (id) => Buffer.from(id).toString('hex'),
    asyncValidation: true,
    allowedTopics: init.allowedTopics,
    fallbackToFloodsub: false,
    doPX: false,
    emitSelf: false,
    // Per-message flooding is decided in publish(); this is the default for small messages.
    floodPublish: true,
    batchPublish: true,
    // Re-publishing from the outbox after a restart is normal, not an error.
    ignoreDuplicatePublishError: true,
    D: GOSSIP_D,
    Dlo: GOSSIP_DLO,
    Dhi: GOSSIP_DHI,
    Dout: GOSSIP_DOUT,
    heartbeatInterval: GOSSIP_HEARTBEAT_MS,
    seenTTL: GOSSIP_SEEN_TTL_MS,
    gossipsubIWantFollowupMs: GOSSIP_IWANT_FOLLOWUP_MS,
    maxInboundDataLength: MAX_GOSSIP_DATA_BYTES,
    maxOutboundBufferSize: GOSSIP_MAX_OUTBOUND_BUFFER_BYTES,
    decodeRpcLimits: {
      // Limits as gossipsub's defaults except messages per RPC (p2p.md §3: 256 for a small mesh).
      maxSubscriptions: 5000,
      maxMessages: GOSSIP_MAX_RPC_MESSAGES,
      maxIhaveMessageIDs: 5000,
      maxIwantMessageIDs: 5000,
      maxIdontwantMessageIDs: 512,
      maxControlMessages: 5000,
      maxPeerInfos: 16,
    },
    scoreParams: {
      appSpecificScore: (p: string) => (init.isAdmitted(p) ? 0 : STRANGER_SCORE),
      appSpecificWeight: 1,
      // Devnet nodes share 127.0.0.1 and validators may share a NAT: colocation says nothing here.
      IPColocationFactorWeight: 0,
    },
    scoreThresholds: { ...SCORE_THRESHOLDS },
    ...init.overrides,
  }
}

/** Whether to flood-publish a message of this size (p2p.md §9). */
export function floodPublishFor(bytes: Uint8Array): boolean {
  return bytes.length <= FLOOD_PUBLISH_MAX_BYTES
}
