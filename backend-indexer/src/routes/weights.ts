import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { pageOf, pageQuery, pageQueryProperties } from '../http/pagination.js'
import { BlockNumber, errorResponses, Hex, Hotkey, Nullable } from '../http/schemas.js'
import type { ScoreSnapshot } from '../scores/types.js'
import { WeightsRowSchema } from './schemas/rows.js'

const ConsensusSchema = Type.Object(
  {
    block: Type.Integer(),
    inputsDigest: Hex,
    uids: Type.Array(Type.Integer(), { description: 'every metagraph uid, ascending' }),
    u16: Type.Array(Type.Integer(), { description: 'what a node submits, parallel to uids' }),
    weights: Type.Array(Type.Number(), { description: 'float weights parallel to uids (0 when unpaid)' }),
  },
  { description: "the indexer's own scoring of the newest snapshot" },
)

const LatestWeightsSchema = Type.Object({
  consensus: Nullable(ConsensusSchema),
  validators: Type.Array(WeightsRowSchema),
  agreement: Type.Array(Type.Object({ validator: Type.String(), inputsDigest: Hex, matches: Type.Boolean() })),
})

function consensusOf(snap: ScoreSnapshot) {
  const { u16, weights, inputsDigest } = snap.output
  const float = new Map(weights.uids.map((uid, i) => [uid, weights.values[i] ?? 0]))
  return {
    block: snap.block,
    inputsDigest,
    uids: u16.uids,
    u16: u16.values,
    weights: u16.uids.map((uid) => float.get(uid) ?? 0),
  }
}

/** `GET /v1/weights` and `GET /v1/weights/latest`. */
export const weightsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { store, scores } = app.indexer

  app.get(
    '/v1/weights',
    {
      schema: {
        summary: 'Validators’ weights announcements, newest first',
        tags: ['validators'],
        querystring: Type.Object({
          ...pageQueryProperties,
          validator: Type.Optional(Hotkey),
          fromBlock: Type.Optional(BlockNumber),
          toBlock: Type.Optional(BlockNumber),
        }),
        response: { 200: pageOf(WeightsRowSchema), ...errorResponses },
      },
    },
    async (req) => {
      const q = req.query
      return store.weights({ ...pageQuery(q), validator: q.validator, fromBlock: q.fromBlock, toBlock: q.toBlock })
    },
  )

  app.get(
    '/v1/weights/latest',
    {
      schema: {
        summary: "Each validator's newest weights against the indexer's own scoring",
        tags: ['validators'],
        response: { 200: LatestWeightsSchema, ...errorResponses },
      },
    },
    async () => {
      const snap = scores.current()
      const latest = await store.latestWeights()
      const digest = snap?.output.inputsDigest
      return {
        consensus: snap === undefined ? null : consensusOf(snap),
        validators: latest,
        agreement: latest.map((w) => ({
          validator: w.validator,
          inputsDigest: w.inputsDigest,
          matches: digest !== undefined && w.inputsDigest === digest,
        })),
      }
    },
  )
}
