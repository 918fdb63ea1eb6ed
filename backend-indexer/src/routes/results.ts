import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { pageOf, pageQuery, pageQueryProperties } from '../http/pagination.js'
import { BlockNumber, errorResponses, Hex32, Hotkey, Identifier } from '../http/schemas.js'
import { notFound } from './common.js'
import { ResultRowSchema, resultRowProperties } from './schemas/rows.js'

const ResultWithEnvelopeSchema = Type.Object({
  ...resultRowProperties,
  envelope: Type.String({ contentEncoding: 'base64', description: 'the signed envelope as received, base64' }),
})

/** `GET /v1/results` and `GET /v1/results/:id`. */
export const resultRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { store } = app.indexer

  app.get(
    '/v1/results',
    {
      schema: {
        summary: 'Validators’ signed results, newest first',
        tags: ['results'],
        querystring: Type.Object({
          ...pageQueryProperties,
          job: Type.Optional(Hex32),
          competition: Type.Optional(Identifier),
          miner: Type.Optional(Hotkey),
          validator: Type.Optional(Hotkey),
          fromBlock: Type.Optional(BlockNumber),
          toBlock: Type.Optional(BlockNumber),
        }),
        response: { 200: pageOf(ResultRowSchema), ...errorResponses },
      },
    },
    async (req) => {
      const q = req.query
      return store.results({
        ...pageQuery(q),
        jobId: q.job,
        competitionId: q.competition,
        minerHotkey: q.miner,
        validator: q.validator,
        fromBlock: q.fromBlock,
        toBlock: q.toBlock,
      })
    },
  )

  app.get(
    '/v1/results/:id',
    {
      schema: {
        summary: 'One result with its signed envelope (verify it yourself)',
        tags: ['results'],
        params: Type.Object({ id: Hex32 }),
        response: { 200: ResultWithEnvelopeSchema, ...errorResponses },
      },
    },
    async (req) => {
      const [row, message] = await Promise.all([store.result(req.params.id), store.message(req.params.id)])
      if (row === undefined) throw notFound('result', req.params.id)
      // The store writes a result's projection and its message in one transaction; one without the
      // other is a broken store, a 500 with the detail in the log.
      if (message === undefined) throw new Error(`result ${req.params.id} has no stored message`)
      return { ...row, envelope: Buffer.from(message.envelope).toString('base64') }
    },
  )
}
