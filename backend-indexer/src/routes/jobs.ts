import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { pageOf, pageQuery, pageQueryProperties } from '../http/pagination.js'
import { errorResponses, Hex32, Hotkey, Identifier } from '../http/schemas.js'
import { notFound } from './common.js'
import { JobViewSchema } from './schemas/rows.js'

/** `GET /v1/jobs` and `GET /v1/jobs/:id`. */
export const jobRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { store } = app.indexer

  app.get(
    '/v1/jobs',
    {
      schema: {
        summary: 'Jobs with their statuses, newest first',
        tags: ['jobs'],
        querystring: Type.Object({
          ...pageQueryProperties,
          competition: Type.Optional(Identifier),
          miner: Type.Optional(Hotkey),
          validator: Type.Optional(Hotkey),
          cycle: Type.Optional(Type.Integer({ minimum: 0 })),
        }),
        response: { 200: pageOf(JobViewSchema), ...errorResponses },
      },
    },
    async (req) => {
      const q = req.query
      return store.jobs({
        ...pageQuery(q),
        competitionId: q.competition,
        minerHotkey: q.miner,
        validator: q.validator,
        cycle: q.cycle,
      })
    },
  )

  app.get(
    '/v1/jobs/:id',
    {
      schema: {
        summary: 'One job with its statuses and result ids',
        tags: ['jobs'],
        params: Type.Object({ id: Hex32 }),
        response: { 200: JobViewSchema, ...errorResponses },
      },
    },
    async (req) => {
      const job = await store.job(req.params.id)
      if (job === undefined) throw notFound('job', req.params.id)
      return job
    },
  )
}
