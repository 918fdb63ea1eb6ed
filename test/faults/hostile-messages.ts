import { randomBytes } from 'node:crypto'
import { buildResult } from '#node'
import {
  createJobStatus,
  createWeightsAnnouncement,
  decodeEnvelope,
  encodeEnvelope,
  FRESHNESS_WINDOW_BLOCKS,
  type JobAnnouncement,
  JobState,
  KEY_SCHEME_CODES,
  MAX_BODY_BYTES,
  MESSAGE_TYPE_CODES,
  type MessageType,
  messageId,
  type NodeKey,
  sealEnvelope,
  type ValidationErrorCode,
  WIRE_VERSION,
} from '#protocol'

/** One message a hostile peer publishes, with the validation code a node must count it under. */
export interface HostileMessage {
  name: string
  /** The topic it goes out on is this type's. */
  type: MessageType
  bytes: Uint8Array
  /** Message id (hex): what a node would store it under. */
  id: string
  /** `undefined` for the control message, which every node must accept. */
  code: ValidationErrorCode | undefined
}

const rand32 = (): Uint8Array => new Uint8Array(randomBytes(32))

function message(name: string, type: MessageType, bytes: Uint8Array, code: ValidationErrorCode | undefined) {
  return { name, type, bytes, id: Buffer.from(messageId(bytes)).toString('hex'), code }
}

function weights(netuid: number, block: number) {
  // A random digest makes every announcement distinct bytes (distinct gossip ids).
  return createWeightsAnnouncement({
    netuid,
    block,
    uids: [0],
    weights: [65_535],
    inputsDigest: rand32(),
    strategy: 'kinitro-subset-v1',
  })
}

/**
 * What a bound but hostile validator (`bound`: a node key its registered hotkey's peer record binds) and a
 * stranger key (`stranger`: bound by nothing) put on the real topics of `netuid` at `head`. Each breaks
 * exactly one rule, checked in validateGossip's order, so each is counted under one code.
 */
export function hostileMessages(init: { netuid: number; head: number; bound: NodeKey; stranger: NodeKey }): {
  control: (head: number) => HostileMessage
  attacks: HostileMessage[]
} {
  const { netuid, head, bound, stranger } = init

  const forged = decodeEnvelope(sealEnvelope('weights-announcement', weights(netuid, head), netuid, bound.signer))
  const signature = forged.signature.slice()
  signature[0] = (signature[0] ?? 0) ^ 0xff

  const stale = createJobStatus({
    netuid,
    block: head - FRESHNESS_WINDOW_BLOCKS['job-status'] - 20,
    jobId: rand32(),
    state: JobState.RUNNING,
  })

  // Bigger than a weights announcement may be, well under what gossipsub itself accepts.
  const oversized = encodeEnvelope({
    type: MESSAGE_TYPE_CODES['weights-announcement'],
    version: WIRE_VERSION,
    body: new Uint8Array(MAX_BODY_BYTES['weights-announcement'] + 4096).fill(7),
    signer: bound.signer.publicKey,
    scheme: KEY_SCHEME_CODES.ed25519,
    signature: new Uint8Array(64),
  })

  // A well-formed result for a job no one announced: the signer check comes before the job check.
  const announcement = { jobId: rand32(), competitionId: 'devnet-reach', minerHotkey: rand32() } as JobAnnouncement
  const result = buildResult({
    netuid,
    announcement,
    episodes: [
      {
        envId: 'mujoco/reach-v1',
        taskId: 'reach-v1',
        episodeIndex: 0,
        seed: 1,
        success: true,
        successAtEnd: true,
        totalReward: 1,
        steps: 10,
        durationMs: 5,
        latencyP50Ms: 1,
        latencyP99Ms: 1,
        latencyMaxMs: 1,
        finalStateHash: Buffer.from(rand32()).toString('hex'),
        simulator: { name: 'mujoco', version: '3' },
      },
    ],
    startedAtBlock: head,
    finishedAtBlock: head,
  })

  const valid = sealEnvelope('weights-announcement', weights(netuid, head), netuid, bound.signer)
  // Field 15 (varint 1) appended: it decodes, but re-encoding drops it.
  const padded = Uint8Array.from([...valid, 0x78, 0x01])
  const unknownType = encodeEnvelope({ ...decodeEnvelope(valid), type: 99 })
  const status = createJobStatus({ netuid, block: head, jobId: rand32(), state: JobState.RUNNING })

  return {
    control: (at) =>
      message(
        'valid weights announcement',
        'weights-announcement',
        sealEnvelope('weights-announcement', weights(netuid, at), netuid, bound.signer),
        undefined,
      ),
    attacks: [
      message(
        'forged signature',
        'weights-announcement',
        encodeEnvelope({ ...forged, signature }),
        'MESH_BAD_SIGNATURE',
      ),
      message(
        'envelope of another subnet',
        'weights-announcement',
        sealEnvelope('weights-announcement', weights(netuid + 1, head), netuid + 1, bound.signer),
        'MESH_NETUID_MISMATCH',
      ),
      message('stale block', 'job-status', sealEnvelope('job-status', stale, netuid, bound.signer), 'MESH_STALE'),
      message('oversized body', 'weights-announcement', oversized, 'MESH_TOO_LARGE'),
      // Twenty 0xff bytes open a varint longer than protobuf allows; the random tail keeps its id unique.
      message(
        'garbage bytes',
        'weights-announcement',
        new Uint8Array(randomBytes(300)).fill(0xff, 0, 20),
        'MESH_MALFORMED',
      ),
      message('truncated envelope', 'weights-announcement', valid.slice(0, valid.length - 40), 'MESH_MALFORMED'),
      message('non-canonical encoding', 'weights-announcement', padded, 'MESH_NON_CANONICAL'),
      message('unknown message type', 'weights-announcement', unknownType, 'MESH_UNKNOWN_TYPE'),
      message(
        'a status on the weights topic',
        'weights-announcement',
        sealEnvelope('job-status', status, netuid, bound.signer),
        'MESH_UNEXPECTED_TYPE',
      ),
      message(
        'block far ahead of the head',
        'weights-announcement',
        sealEnvelope('weights-announcement', weights(netuid, head + 1000), netuid, bound.signer),
        'MESH_FUTURE_BLOCK',
      ),
      message(
        'result signed by an unknown node key',
        'result',
        sealEnvelope('result', result, netuid, stranger.signer),
        'MESH_BINDING_NOT_PERMITTED',
      ),
    ],
  }
}

/**
 * `n` distinct weights announcements from `bound` with broken signatures: a flood in which every message
 * would cost a signature check (the most expensive step) if it got that far.
 */
export function forgedFlood(init: { netuid: number; head: number; bound: NodeKey; n: number }): HostileMessage[] {
  return Array.from({ length: init.n }, () => {
    const env = decodeEnvelope(
      sealEnvelope('weights-announcement', weights(init.netuid, init.head), init.netuid, init.bound.signer),
    )
    const signature = env.signature.slice()
    signature[0] = (signature[0] ?? 0) ^ 0xff
    return message('forged flood', 'weights-announcement', encodeEnvelope({ ...env, signature }), 'MESH_BAD_SIGNATURE')
  })
}
