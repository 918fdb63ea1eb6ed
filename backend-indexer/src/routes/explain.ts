import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { explainMiner, explainStanding, type StandingExplanation } from '#protocol'
import { ApiError } from '../errors.js'
import { errorResponses, Hex, Hotkey, Identifier, Nullable } from '../http/schemas.js'
import { notFound, requireSnapshot } from './common.js'

// Response schema of protocol's StandingExplanation (scoring/explain/types.ts), field for field: the
// schema drives serialization, so a field missing here is missing from the answer.

const Bar = Type.Object({ rate: Type.Number(), strict: Type.Boolean(), reachable: Type.Boolean() })
const Relation = Type.Union([Type.Literal('earlier'), Type.Literal('later'), Type.Literal('same-block')])

const TaskFigures = Type.Object({
  envId: Type.String(),
  evaluated: Type.Boolean(),
  successRate: Type.Number(),
  episodes: Type.Integer(),
  successes: Type.Integer(),
  interval: Type.Object({ low: Type.Number(), high: Type.Number() }, { description: 'Wilson 95 %' }),
  validators: Type.Integer(),
})

const TaskComparison = Type.Object({
  envId: Type.String(),
  rate: Type.Number(),
  otherRate: Type.Number(),
  otherEpisodes: Type.Integer(),
  minerBar: Bar,
  minerClears: Type.Boolean(),
  otherBar: Bar,
  otherClears: Type.Boolean(),
  favorable: Type.Boolean(),
  margin: Type.Number({ description: 'distance to the bar that matters, positive in the miner’s favour' }),
})

const SubsetSchema = Type.Object({
  position: Nullable(Type.Integer({ description: '1-based place in commit order' })),
  contenders: Type.Integer(),
  subsets: Type.Object({
    total: Type.Integer(),
    won: Type.Integer(),
    points: Type.Number(),
    possiblePoints: Type.Number(),
  }),
  ineligibleTasks: Type.Array(Type.String()),
  subsetsLostToFloor: Type.Integer(),
  deciders: Type.Array(
    Type.Object({
      hotkey: Type.String(),
      uid: Type.Integer(),
      block: Type.Number(),
      relation: Relation,
      subsetsLost: Type.Integer(),
      sole: Type.Integer(),
      subsetsWon: Type.Integer(),
      comparisons: Type.Array(TaskComparison),
    }),
  ),
  decisive: Nullable(
    Type.Object({
      opponent: Type.String(),
      relation: Relation,
      envId: Type.String(),
      rate: Type.Number(),
      otherRate: Type.Number(),
      bar: Bar,
      margin: Type.Number(),
      favorable: Type.Boolean(),
    }),
  ),
  requirements: Type.Array(
    Type.Object({
      envId: Type.String(),
      episodes: Type.Integer(),
      neededRate: Nullable(Type.Number()),
      neededSuccesses: Nullable(Type.Integer()),
      bindingHotkey: Nullable(Type.String()),
      holds: Type.Boolean(),
      margin: Nullable(Type.Number()),
      challengerBar: Bar,
    }),
  ),
  epsilonDominatedBy: Nullable(Type.Array(Type.String())),
})

const WtaNeed = Type.Object({
  metric: Type.Union([Type.Literal('successRate'), Type.Literal('avgReward')]),
  value: Type.Number(),
  strict: Type.Boolean(),
  current: Nullable(Type.Number()),
  met: Type.Boolean(),
})

const WtaSchema = Type.Object({
  mode: Type.Union([Type.Literal('approval'), Type.Literal('margin')]),
  successRate: Nullable(Type.Number()),
  avgReward: Nullable(Type.Number()),
  eligible: Type.Boolean(),
  missingTasks: Type.Array(Type.String()),
  leader: Nullable(
    Type.Object({
      hotkey: Type.String(),
      successRate: Nullable(Type.Number()),
      avgReward: Nullable(Type.Number()),
      approvedSuccessRate: Nullable(Type.Number()),
      reward: Nullable(Type.Number()),
    }),
  ),
  isLeader: Type.Boolean(),
  queued: Type.Boolean(),
  needs: Type.Array(WtaNeed),
  approvalRequired: Type.Boolean(),
  challengerNeeds: Type.Array(WtaNeed),
})

const ExplanationSchema = Type.Object({
  competitionId: Type.String(),
  strategy: Type.String(),
  hotkey: Type.String(),
  uid: Nullable(Type.Integer()),
  commitBlock: Nullable(Type.Integer()),
  status: Type.String({
    description:
      'wins-all | wins-some | wins-none | unregistered | not-evaluated (subset); leader | awaiting-approval | eligible | ineligible | not-evaluated (winner-take-all)',
  }),
  points: Type.Number(),
  weight: Type.Number(),
  tasks: Type.Array(TaskFigures),
  subset: Nullable(SubsetSchema),
  wta: Nullable(WtaSchema),
})

const ExplainResponse = Type.Object({
  block: Type.Integer({ description: 'chain head the scoring inputs were read at' }),
  computedAt: Type.Number({ description: 'ms since epoch' }),
  inputsDigest: Hex,
  hotkey: Type.String(),
  competitions: Type.Array(ExplanationSchema),
})

/** `GET /v1/miners/:hotkey/explain`: which comparison decided the miner's score, and what would change it. */
export const explainRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { scores, store } = app.indexer

  app.get(
    '/v1/miners/:hotkey/explain',
    {
      schema: {
        summary: 'Why a miner scored what it did: the deciding comparisons and what it would take to win',
        tags: ['miners', 'scores'],
        params: Type.Object({ hotkey: Hotkey }),
        querystring: Type.Object({ competition: Type.Optional(Identifier) }),
        response: { 200: ExplainResponse, ...errorResponses },
      },
    },
    async (req) => {
      const snap = requireSnapshot(scores)
      const { input, output } = snap
      if (input === undefined) {
        throw new ApiError({ code: 'API_SCORES_UNAVAILABLE' }, 'this score snapshot kept no scoring input')
      }
      const { hotkey } = req.params
      const known =
        input.metagraph.some((n) => n.hotkey === hotkey) ||
        input.commitments.some((c) => c.hotkey === hotkey) ||
        input.results.some((r) => r.miner === hotkey) ||
        (await store.commitments({ minerHotkey: hotkey, limit: 1 })).items.length > 0
      if (!known) throw notFound('miner', hotkey)
      const wanted = req.query.competition
      let competitions: StandingExplanation[]
      if (wanted === undefined) competitions = explainMiner(input, output, hotkey)
      else {
        const one = explainStanding(input, output, hotkey, wanted)
        if (one === undefined) throw notFound('competition', wanted)
        competitions = [one]
      }
      return { block: snap.block, computedAt: snap.computedAt, inputsDigest: output.inputsDigest, hotkey, competitions }
    },
  )
}
