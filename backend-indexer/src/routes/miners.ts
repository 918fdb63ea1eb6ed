import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { errorResponses, Hotkey, Nullable } from '../http/schemas.js'
import { notFound } from './common.js'
import { listMiners, minerDetail } from './miners-view.js'
import { CommitmentRowSchema, JobViewSchema } from './schemas/rows.js'
import { EnvStandingSchema } from './schemas/scores.js'

const minerScoreProperties = {
  hotkey: Type.String(),
  uid: Nullable(Type.Integer()),
  weight: Type.Number({ description: 'share of the whole weight vector, 0..1; 0 when unscored' }),
  u16: Type.Integer(),
}

const MinerSummarySchema = Type.Object({
  ...minerScoreProperties,
  ranks: Type.Record(Type.String(), Type.Integer(), { description: 'rank per competition id' }),
  latestCommitment: Nullable(CommitmentRowSchema),
})

const MinerDetailSchema = Type.Object({
  ...minerScoreProperties,
  commitments: Type.Array(CommitmentRowSchema, { description: 'history, newest first' }),
  standings: Type.Array(
    Type.Object({
      competitionId: Type.String(),
      rank: Type.Integer(),
      points: Type.Number(),
      envs: Type.Array(EnvStandingSchema),
    }),
  ),
  recentJobs: Type.Array(JobViewSchema),
})

/** `GET /v1/miners` and `GET /v1/miners/:hotkey`. */
export const minerRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { store, scores, observer } = app.indexer

  app.get(
    '/v1/miners',
    {
      schema: {
        summary: 'Every miner in the scores or with a commitment, by weight',
        tags: ['miners'],
        response: { 200: Type.Object({ items: Type.Array(MinerSummarySchema) }), ...errorResponses },
      },
    },
    async () => ({ items: await listMiners(store, scores.current(), observer) }),
  )

  app.get(
    '/v1/miners/:hotkey',
    {
      schema: {
        summary: 'One miner: commitment history, standings and recent jobs',
        tags: ['miners'],
        params: Type.Object({ hotkey: Hotkey }),
        response: { 200: MinerDetailSchema, ...errorResponses },
      },
    },
    async (req) => {
      const detail = await minerDetail(store, scores.current(), observer, req.params.hotkey)
      if (detail === undefined) throw notFound('miner', req.params.hotkey)
      return detail
    },
  )
}
