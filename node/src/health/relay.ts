import type { FastifyInstance, FastifyReply } from 'fastify'
import {
  decodeBody,
  decodeEnvelope,
  howToFix,
  type Logger,
  MAX_ENVELOPE_BYTES,
  type MessageType,
  messageId,
  messageTypeFromCode,
  type OwnerAction,
  ownerActionName,
  ss58FromPublicKey,
  type TopicName,
  topicOfType,
  ValidationError,
  verdictOf,
} from '#protocol'
import type { CompetitionsSnapshot } from './competitions.js'
import { HealthError } from './errors.js'

/**
 * Message types a node relays from HTTP: the ones the subnet owner signs with a hotkey that never joins
 * the mesh itself (manifests, and approve / reject / rerun actions). Everything else already has a
 * publisher (the node that made it).
 */
export const RELAYED_TYPES: readonly MessageType[] = ['competition-manifest', 'owner-action']

/** How the node takes a relayed envelope; the same path as a manifest handed to it at start. */
export interface HealthRelayInit {
  /**
   * Validate `envelope` exactly like gossip on `topic` (signer, owner check, freshness, content), store it
   * and queue it for publishing. Throws the `ValidationError` that refused it.
   */
  accept(topic: TopicName, envelope: Uint8Array): Promise<void> | void
  /**
   * Serve the relay to non-loopback clients too. The mesh only accepts the owner's signature whoever
   * relays, but an open relay lets anyone make the node verify sr25519 signatures on demand.
   * @default false
   */
  allowRemote?: boolean
}

/** The relay's answer: the gossip verdict the message got, with the validation code when it was refused. */
export interface RelayAnswer {
  result: 'accepted' | 'ignored' | 'rejected'
  /** `MESH_*` validation code, or `NODE_RELAY_*`; null when accepted. */
  code: string | null
  /** What the sender should do about `code`. */
  fix: string | null
  /** SHA-256 of the envelope (hex), when it decoded. */
  messageId: string | null
  type: string | null
  /** For a manifest: its id and block, and whether it is now the node's current manifest for that id. */
  competition: { id: string; block: number; current: boolean | null } | null
  /** For an owner action: what it decides (candidate for approve/reject, SS58 miner for rerun). */
  action: RelayedAction | null
}

/** An owner action as the relay answer names it. */
export interface RelayedAction {
  kind: string
  competitionId: string
  block: number
  candidateId: string | null
  miner: string | null
  envIds: string[]
}

function relayedAction(a: OwnerAction): RelayedAction {
  const rerun = a.minerHotkey.length === 32
  return {
    kind: ownerActionName(a.action) ?? String(a.action),
    competitionId: a.competitionId,
    block: a.block,
    candidateId: a.candidateId === '' ? null : a.candidateId,
    miner: rerun ? ss58FromPublicKey(a.minerHotkey) : null,
    envIds: [...a.envIds],
  }
}

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1'])
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex')

const answerSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['result', 'code', 'fix', 'messageId', 'type', 'competition', 'action'],
  properties: {
    result: { type: 'string', enum: ['accepted', 'ignored', 'rejected'] },
    code: { type: ['string', 'null'] },
    fix: { type: ['string', 'null'] },
    messageId: { type: ['string', 'null'] },
    type: { type: ['string', 'null'] },
    competition: {
      type: ['object', 'null'],
      additionalProperties: false,
      properties: {
        id: { type: 'string' },
        block: { type: 'integer' },
        current: { type: ['boolean', 'null'] },
      },
    },
    action: {
      type: ['object', 'null'],
      additionalProperties: false,
      properties: {
        kind: { type: 'string' },
        competitionId: { type: 'string' },
        block: { type: 'integer' },
        candidateId: { type: ['string', 'null'] },
        miner: { type: ['string', 'null'] },
        envIds: { type: 'array', items: { type: 'string' } },
      },
    },
  },
} as const

/** HTTP status per outcome: a refusal the sender can fix is 422, one that may be our lagging view 409. */
const STATUS = { accepted: 200, ignored: 409, rejected: 422 } as const

function refused(err: HealthError, result: 'ignored' | 'rejected'): RelayAnswer {
  return {
    result,
    code: err.code,
    fix: howToFix(err.code) ?? null,
    messageId: null,
    type: null,
    competition: null,
    action: null,
  }
}

/**
 * `POST /v1/relay` (body: envelope bytes, `application/octet-stream`): the node runs the gossip validation
 * on it — the owner check included — stores it like a gossiped message and publishes it on the mesh. Any
 * node relays; only the subnet owner's signature is accepted.
 */
export function registerRelayRoute(
  app: FastifyInstance,
  init: HealthRelayInit & { competitions?: () => CompetitionsSnapshot; logger: Logger },
): void {
  const log = init.logger
  // Envelopes are bytes; anything larger than the biggest envelope is refused by Fastify with a 413.
  app.addContentTypeParser(
    'application/octet-stream',
    { parseAs: 'buffer', bodyLimit: MAX_ENVELOPE_BYTES },
    (_r, b, d) => d(null, b),
  )
  const send = (reply: FastifyReply, status: number, a: RelayAnswer) => reply.code(status).send(a)

  const response = Object.fromEntries([200, 400, 403, 409, 413, 415, 422, 500].map((c) => [c, answerSchema]))
  // Fastify refuses a wrong media type (415) or an oversized body (413) before the handler: answer those
  // in the relay's shape too, so a client reads one format whatever went wrong.
  const errorHandler = (err: { statusCode?: number; message: string }, _req: unknown, reply: FastifyReply) => {
    const status = err.statusCode ?? 500
    if (status >= 500) {
      log.warn('relay failed', {}, err)
      return send(reply, 500, refused(new HealthError({ code: 'NODE_RELAY_FAILED' }, err.message), 'ignored'))
    }
    const reason = status === 413 ? `body larger than ${MAX_ENVELOPE_BYTES} bytes` : err.message
    return send(reply, status, refused(new HealthError({ code: 'NODE_RELAY_BAD_BODY', reason }, reason), 'rejected'))
  }

  app.post('/v1/relay', { schema: { response }, errorHandler }, async (req, reply) => {
    const remote = req.socket.remoteAddress ?? ''
    if (init.allowRemote !== true && !LOOPBACK.has(remote)) {
      const err = new HealthError({ code: 'NODE_RELAY_FORBIDDEN', remote }, `relay from ${remote} refused`)
      return send(reply, 403, refused(err, 'rejected'))
    }
    if (!Buffer.isBuffer(req.body) || req.body.length === 0) {
      const reason = Buffer.isBuffer(req.body) ? 'empty body' : 'body is not application/octet-stream'
      return send(reply, 400, refused(new HealthError({ code: 'NODE_RELAY_BAD_BODY', reason }, reason), 'rejected'))
    }
    const bytes = new Uint8Array(req.body)
    const answer: RelayAnswer = {
      result: 'accepted',
      code: null,
      fix: null,
      messageId: hex(messageId(bytes)),
      type: null,
      competition: null,
      action: null,
    }
    try {
      // The type decides the topic; the full validation (signature, owner, freshness) is `accept`'s.
      const envelope = decodeEnvelope(bytes)
      const type = messageTypeFromCode(envelope.type)
      if (type === undefined) throw new ValidationError('MESH_UNKNOWN_TYPE', { field: 'type' })
      answer.type = type
      if (!RELAYED_TYPES.includes(type)) throw new ValidationError('MESH_UNEXPECTED_TYPE', { field: 'type' })
      // Named in the answer even when refused, so the sender sees which competition it was about.
      const m = type === 'competition-manifest' ? decodeBody(type, envelope.body) : undefined
      if (m !== undefined) answer.competition = { id: m.id, block: m.block, current: null }
      if (type === 'owner-action') answer.action = relayedAction(decodeBody(type, envelope.body))
      await init.accept(topicOfType(type), bytes)
      if (m !== undefined && answer.competition !== null) {
        const now = init.competitions?.().manifests.find((c) => c.id === m.id)
        answer.competition.current = now === undefined ? null : now.block === m.block
      }
      const competition = answer.competition?.id ?? answer.action?.competitionId
      log.info('relayed', { type, id: answer.messageId?.slice(0, 16), competition, action: answer.action?.kind })
      return send(reply, STATUS.accepted, answer)
    } catch (err) {
      const v = verdictOf(err)
      if (v.code === 'internal') {
        log.warn('relay failed', { id: answer.messageId?.slice(0, 16) }, err)
        const failed = new HealthError({ code: 'NODE_RELAY_FAILED' }, 'the node could not store the message')
        const base = refused(failed, 'ignored')
        return send(reply, 500, { ...answer, result: base.result, code: base.code, fix: base.fix })
      }
      log.info('relay refused', { type: answer.type, code: v.code, result: v.result })
      const result = v.result === 'reject' ? 'rejected' : 'ignored'
      return send(reply, STATUS[result], { ...answer, result, code: v.code, fix: howToFix(v.code) ?? null })
    }
  })
}
