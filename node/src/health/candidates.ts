import type { FastifyInstance } from 'fastify'

/** One winner-take-all candidate awaiting the owner's review, with the figures an approval carries. */
export interface CandidateInfo {
  /** `<miner hotkey SS58>@<commitment block>`: what `kinitro competition approve|reject` names. */
  candidateId: string
  hotkey: string
  successRate: number
  avgReward: number
}

/** `GET /v1/competitions/:id/candidates`: the competition as the node's scoring sees it now. */
export interface CandidatesSnapshot {
  head: number
  competitionId: string
  strategy: string
  /** True when the competition's strategy has leader candidates (`kinitro-wta-v0`); false lists none. */
  reviewed: boolean
  /** The current leader's hotkey, or null (none approved, or nobody eligible). */
  leader: string | null
  candidates: CandidateInfo[]
  /** The owner's standing approval for this competition, if any. */
  approved: { candidateId: string; successRate: number | null; avgReward: number | null } | null
  /** Candidate ids the owner rejected (all competitions), sorted. */
  rejected: string[]
  /**
   * Block of the newest approve/reject for this competition the node holds, or null. Decisions apply in
   * (block, message id) order, so the CLI signs a new one at a later block to be sure it applies last.
   */
  lastDecisionBlock: number | null
}

const num = { type: 'number' } as const
const snapshotSchema = {
  type: 'object',
  additionalProperties: false,
  required: [
    'head',
    'competitionId',
    'strategy',
    'reviewed',
    'leader',
    'candidates',
    'approved',
    'rejected',
    'lastDecisionBlock',
  ],
  properties: {
    head: { type: 'integer', minimum: 0 },
    competitionId: { type: 'string' },
    strategy: { type: 'string' },
    reviewed: { type: 'boolean' },
    leader: { type: ['string', 'null'] },
    candidates: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['candidateId', 'hotkey', 'successRate', 'avgReward'],
        properties: { candidateId: { type: 'string' }, hotkey: { type: 'string' }, successRate: num, avgReward: num },
      },
    },
    approved: {
      type: ['object', 'null'],
      additionalProperties: false,
      properties: {
        candidateId: { type: 'string' },
        successRate: { type: ['number', 'null'] },
        avgReward: { type: ['number', 'null'] },
      },
    },
    rejected: { type: 'array', items: { type: 'string' } },
    lastDecisionBlock: { type: ['integer', 'null'] },
  },
} as const

const notFoundSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['code', 'id'],
  properties: { code: { type: 'string' }, id: { type: 'string' } },
} as const

/**
 * `GET /v1/competitions/:id/candidates` → {@link CandidatesSnapshot} (200), or 404 `{code:
 * 'NODE_COMPETITION_UNKNOWN', id}` when the node has no manifest for `id`. The source scores the node's
 * signed log on every request (the weight setter's input), so the figures are the ones an approval pins.
 */
export function registerCandidateRoutes(
  app: FastifyInstance,
  source: (id: string) => Promise<CandidatesSnapshot | undefined>,
): void {
  const schema = {
    params: {
      type: 'object',
      required: ['id'],
      properties: { id: { type: 'string', minLength: 1, maxLength: 128 } },
    },
    response: { 200: snapshotSchema, 404: notFoundSchema },
  }
  app.get<{ Params: { id: string } }>('/v1/competitions/:id/candidates', { schema }, async (req, reply) => {
    const snap = await source(req.params.id)
    if (snap === undefined) return reply.code(404).send({ code: 'NODE_COMPETITION_UNKNOWN', id: req.params.id })
    return snap
  })
}
