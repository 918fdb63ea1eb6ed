import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { errorResponses, Hotkey, Nullable } from '../http/schemas.js'
import { notFound } from './common.js'
import { VALIDATOR_RECENT_RESULTS } from './constants.js'
import { ResultRowSchema, validatorActivityProperties } from './schemas/rows.js'
import { validatorViews } from './validators-view.js'

const validatorViewProperties = {
  ...validatorActivityProperties,
  uid: Nullable(Type.Integer()),
  stake: Nullable(Type.String({ description: 'stake weight in rao, decimal' })),
  permitted: Type.Boolean(),
  agreement: Type.Object(
    { announced: Type.Integer(), matching: Type.Integer() },
    { description: "over the newest weights announcement: matching = its inputsDigest equals the indexer's" },
  ),
}

const ValidatorViewSchema = Type.Object(validatorViewProperties)
const EquivocationSchema = Type.Object({
  validator: Type.String(),
  jobId: Type.String(),
  results: Type.Array(ResultRowSchema, { description: 'the conflicting results, oldest first; each is signed' }),
})
const ValidatorDetailSchema = Type.Object({
  ...validatorViewProperties,
  recentResults: Type.Array(ResultRowSchema),
})

/** `GET /v1/validators`, `GET /v1/validators/:hotkey` and `GET /v1/equivocations`. */
export const validatorRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { store, scores, observer } = app.indexer

  app.get(
    '/v1/validators',
    {
      schema: {
        summary: 'Every validator seen, with stake, permit and weights agreement',
        tags: ['validators'],
        response: { 200: Type.Object({ items: Type.Array(ValidatorViewSchema) }), ...errorResponses },
      },
    },
    async () => ({ items: validatorViews(await store.validators(), observer, scores.current()) }),
  )

  app.get(
    '/v1/equivocations',
    {
      schema: {
        summary:
          'Validators that signed two or more different results for one job (each job has one per assignee), with the results as proof',
        tags: ['validators'],
        querystring: Type.Object({
          validator: Type.Optional(Hotkey),
          limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }),
        }),
        response: { 200: Type.Object({ items: Type.Array(EquivocationSchema) }), ...errorResponses },
      },
    },
    async (req) => ({ items: await store.equivocations(req.query) }),
  )

  app.get(
    '/v1/validators/:hotkey',
    {
      schema: {
        summary: 'One validator with its recent results',
        tags: ['validators'],
        params: Type.Object({ hotkey: Hotkey }),
        response: { 200: ValidatorDetailSchema, ...errorResponses },
      },
    },
    async (req) => {
      const hotkey = req.params.hotkey
      const row = (await store.validators()).find((v) => v.validator === hotkey)
      if (row === undefined) throw notFound('validator', hotkey)
      const [view] = validatorViews([row], observer, scores.current())
      const recent = await store.results({ validator: hotkey, limit: VALIDATOR_RECENT_RESULTS })
      return { ...view!, recentResults: recent.items }
    },
  )
}
