import type { FastifyInstance } from 'fastify'
import { type CompetitionManifest, cycleOf } from '#protocol'

/** What the node knows about competitions at one moment: its head and the current manifest per id. */
export interface CompetitionsSnapshot {
  head: number
  /** The newest accepted manifest per competition id (the node's manifest registry). */
  manifests: readonly CompetitionManifest[]
}

/** Where a competition stands at the node's head. */
export type CompetitionState = 'upcoming' | 'active' | 'ended'

/**
 * One competition as `GET /v1/competitions` serves it: every manifest field as plain JSON (enough to
 * rebuild and re-sign the manifest, which `kinitro competition retire` does), plus its state at `head`.
 */
export interface CompetitionInfo {
  netuid: number
  /** Block the manifest was made at; a newer one for the same id supersedes it. */
  block: number
  id: string
  name: string
  tasks: { envId: string; taskId: string; params: Record<string, string> }[]
  episodesPerTask: number
  maxSteps: number
  scoring: { strategy: string; params: Record<string, number> }
  startBlock: number
  /** 0 = open-ended. */
  endBlock: number
  points: number
  cycleLengthBlocks: number
  state: CompetitionState
  /** `state === 'active'`: the node plans jobs for it. */
  active: boolean
  /** The evaluation cycle `head` falls in, or null when not active. */
  cycle: number | null
}

/** The plain-JSON view of a manifest at `head`. */
export function competitionInfo(m: CompetitionManifest, head: number): CompetitionInfo {
  let cycle: number | null = null
  try {
    cycle = cycleOf(head, m) ?? null
  } catch {
    // An unusable schedule never passes validation; treat it as not running rather than failing the list.
  }
  const state: CompetitionState =
    head < m.startBlock ? 'upcoming' : m.endBlock !== 0 && head > m.endBlock ? 'ended' : 'active'
  return {
    netuid: m.netuid,
    block: m.block,
    id: m.id,
    name: m.name,
    tasks: m.tasks.map((t) => ({ envId: t.envId, taskId: t.taskId, params: Object.fromEntries(t.params) })),
    episodesPerTask: m.episodesPerTask,
    maxSteps: m.maxSteps,
    scoring: {
      strategy: m.scoring?.strategy ?? '',
      params: Object.fromEntries(m.scoring?.params ?? new Map<string, number>()),
    },
    startBlock: m.startBlock,
    endBlock: m.endBlock,
    points: m.points,
    cycleLengthBlocks: m.cycleLengthBlocks,
    state,
    active: state === 'active' && cycle !== null,
    cycle: state === 'active' ? cycle : null,
  }
}

const int = { type: 'integer', minimum: 0 } as const
const infoSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['netuid', 'block', 'id', 'name', 'tasks', 'episodesPerTask', 'maxSteps', 'scoring', 'startBlock'],
  properties: {
    netuid: int,
    block: int,
    id: { type: 'string' },
    name: { type: 'string' },
    tasks: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        properties: {
          envId: { type: 'string' },
          taskId: { type: 'string' },
          params: { type: 'object', additionalProperties: { type: 'string' } },
        },
      },
    },
    episodesPerTask: int,
    maxSteps: int,
    scoring: {
      type: 'object',
      additionalProperties: false,
      properties: {
        strategy: { type: 'string' },
        params: { type: 'object', additionalProperties: { type: 'number' } },
      },
    },
    startBlock: int,
    endBlock: int,
    points: int,
    cycleLengthBlocks: int,
    state: { type: 'string', enum: ['upcoming', 'active', 'ended'] },
    active: { type: 'boolean' },
    cycle: { type: ['integer', 'null'] },
  },
} as const

/** `GET /v1/competitions` → `{ head, competitions: CompetitionInfo[] }`, sorted by id. */
export function registerCompetitionRoutes(app: FastifyInstance, source: () => CompetitionsSnapshot): void {
  const schema = {
    response: {
      200: {
        type: 'object',
        additionalProperties: false,
        required: ['head', 'competitions'],
        properties: { head: int, competitions: { type: 'array', items: infoSchema } },
      },
    },
  }
  app.get('/v1/competitions', { schema }, async () => {
    const { head, manifests } = source()
    return { head, competitions: manifests.map((m) => competitionInfo(m, head)) }
  })
}
