import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { errorResponses, Hex, Identifier } from '../http/schemas.js'
import { notFound, requireSnapshot } from './common.js'
import { CompetitionStandingSchema } from './schemas/scores.js'

const LeaderboardSchema = Type.Object({
  block: Type.Integer({ description: 'chain head the scoring inputs were read at' }),
  computedAt: Type.Number({ description: 'ms since epoch' }),
  inputsDigest: Hex,
  competitions: Type.Array(CompetitionStandingSchema),
})

/** `GET /v1/leaderboard`: the newest score snapshot's standings. */
export const leaderboardRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { scores } = app.indexer

  app.get(
    '/v1/leaderboard',
    {
      schema: {
        summary: 'Standings of every competition (or one) from the newest score snapshot',
        tags: ['scores'],
        querystring: Type.Object({ competition: Type.Optional(Identifier) }),
        response: { 200: LeaderboardSchema, ...errorResponses },
      },
    },
    async (req) => {
      const snap = requireSnapshot(scores)
      const wanted = req.query.competition
      const competitions = wanted === undefined ? snap.competitions : snap.competitions.filter((c) => c.id === wanted)
      if (wanted !== undefined && competitions.length === 0) throw notFound('competition', wanted)
      return { block: snap.block, computedAt: snap.computedAt, inputsDigest: snap.output.inputsDigest, competitions }
    },
  )
}
