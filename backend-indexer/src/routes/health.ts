import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { Nullable } from '../http/schemas.js'
import type { StoreCounts } from '../store/types.js'
import { ObserverStatusSchema } from './schemas/observer.js'
import { StoreCountsSchema, storeCountsProperties } from './schemas/rows.js'

const HealthSchema = Type.Object({
  status: Type.Union([Type.Literal('ok'), Type.Literal('degraded')], {
    description: "'degraded' (with HTTP 503) when the store does not answer",
  }),
  version: Type.String(),
  store: Type.Object({ kind: Type.Union([Type.Literal('sqlite'), Type.Literal('postgres')]), ok: Type.Boolean() }),
  mesh: Nullable(ObserverStatusSchema),
  counts: Nullable(StoreCountsSchema),
})

const StatsSchema = Type.Object({
  ...storeCountsProperties,
  scoredAt: Nullable(Type.Number({ description: 'computedAt of the newest score snapshot, ms since epoch' })),
  head: Type.Integer({ description: 'chain head as the observer saw it; headBlock without an observer' }),
})

/** `GET /health` and `GET /v1/stats`. */
export const healthRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { store, scores, observer, version, log } = app.indexer

  app.get(
    '/health',
    {
      schema: {
        summary: 'Liveness of the store and the mesh observer',
        tags: ['health'],
        response: { 200: HealthSchema, 503: HealthSchema },
      },
    },
    async (_req, reply) => {
      let ok = false
      try {
        ok = await store.ping()
      } catch (err) {
        log.warn('store ping failed', {}, err)
      }
      let counts: StoreCounts | null = null
      if (ok) {
        try {
          counts = await store.counts()
        } catch (err) {
          log.warn('store counts failed', {}, err)
        }
      }
      const healthy = ok && counts !== null
      return reply.code(healthy ? 200 : 503).send({
        status: healthy ? 'ok' : 'degraded',
        version,
        store: { kind: store.kind, ok },
        mesh: observer?.status() ?? null,
        counts,
      })
    },
  )

  app.get(
    '/v1/stats',
    {
      schema: { summary: 'Totals, newest score time and chain head', tags: ['health'], response: { 200: StatsSchema } },
    },
    async () => {
      const counts = await store.counts()
      return {
        ...counts,
        scoredAt: scores.current()?.computedAt ?? null,
        head: observer?.status().head ?? counts.headBlock,
      }
    },
  )
}
