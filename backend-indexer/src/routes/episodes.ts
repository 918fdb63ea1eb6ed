import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { ApiError } from '../errors.js'
import { pageOf, pageQuery, pageQueryProperties } from '../http/pagination.js'
import { errorResponses, Hex32, Hotkey, Identifier } from '../http/schemas.js'
import { REPLAY_TIMEOUT_MS } from './constants.js'
import { ReplayDocumentSchema } from './schemas/replay.js'
import { EpisodeRowSchema } from './schemas/rows.js'

/** `GET /v1/episodes` and `GET /v1/episodes/:resultId/:index/replay`. */
export const episodeRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { store, replays } = app.indexer

  app.get(
    '/v1/episodes',
    {
      schema: {
        summary: 'Episodes of results, newest first',
        tags: ['results'],
        querystring: Type.Object({
          ...pageQueryProperties,
          result: Type.Optional(Hex32),
          job: Type.Optional(Hex32),
          miner: Type.Optional(Hotkey),
          validator: Type.Optional(Hotkey),
          env: Type.Optional(Identifier),
          success: Type.Optional(Type.Boolean()),
        }),
        response: { 200: pageOf(EpisodeRowSchema), ...errorResponses },
      },
    },
    async (req) => {
      const q = req.query
      return store.episodes({
        ...pageQuery(q),
        resultId: q.result,
        jobId: q.job,
        minerHotkey: q.miner,
        validator: q.validator,
        envId: q.env,
        success: q.success,
      })
    },
  )

  app.get(
    '/v1/episodes/:resultId/:index/replay',
    {
      schema: {
        summary: 'An episode re-simulated into drawable frames',
        tags: ['results'],
        params: Type.Object({ resultId: Hex32, index: Type.Integer({ minimum: 0, maximum: 1_000_000 }) }),
        response: { 200: ReplayDocumentSchema, ...errorResponses },
      },
    },
    async (req) => {
      const { resultId, index } = req.params
      const doc = await replays?.replay(resultId, index, { signal: AbortSignal.timeout(REPLAY_TIMEOUT_MS) })
      if (doc === undefined) {
        throw new ApiError(
          { code: 'API_REPLAY_UNAVAILABLE', resultId, episodeIndex: index },
          replays === undefined ? 'this indexer serves no replays' : `no replay for episode ${index} of ${resultId}`,
        )
      }
      return doc
    },
  )
}
