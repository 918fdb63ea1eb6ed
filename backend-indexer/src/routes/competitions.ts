import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { errorResponses, Identifier, Nullable } from '../http/schemas.js'
import { notFound } from './common.js'
import { CompetitionRowSchema } from './schemas/rows.js'
import { CompetitionStandingSchema } from './schemas/scores.js'

const CompetitionDetailSchema = Type.Object({
  ...CompetitionRowSchema.properties,
  standing: Nullable(CompetitionStandingSchema),
})

/** `GET /v1/competitions` and `GET /v1/competitions/:id`. */
export const competitionRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { store, scores } = app.indexer

  app.get(
    '/v1/competitions',
    {
      schema: {
        summary: 'Every competition (current manifest per id)',
        tags: ['competitions'],
        response: { 200: Type.Object({ items: Type.Array(CompetitionRowSchema) }), ...errorResponses },
      },
    },
    async () => ({ items: await store.competitions() }),
  )

  app.get(
    '/v1/competitions/:id',
    {
      schema: {
        summary: 'One competition with its current standing',
        tags: ['competitions'],
        params: Type.Object({ id: Identifier }),
        response: { 200: CompetitionDetailSchema, ...errorResponses },
      },
    },
    async (req) => {
      const row = await store.competition(req.params.id)
      if (row === undefined) throw notFound('competition', req.params.id)
      const standing = scores.current()?.competitions.find((c) => c.id === row.id) ?? null
      return { ...row, standing }
    },
  )
}
