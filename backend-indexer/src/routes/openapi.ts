import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'

const OpenApiSchema = Type.Object(
  {
    openapi: Type.String(),
    info: Type.Object({ title: Type.String(), version: Type.String() }, { additionalProperties: true }),
    paths: Type.Record(Type.String(), Type.Unknown()),
  },
  { additionalProperties: true, description: 'an OpenAPI 3.1 document' },
)

/** `GET /openapi.json`: the document @fastify/swagger generates from every route's schemas. */
export const openapiRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/openapi.json',
    { schema: { summary: 'This API, as OpenAPI 3.1', tags: ['meta'], response: { 200: OpenApiSchema } } },
    // `swagger()` is decorated on the root by @fastify/swagger; the cast drops its overloads' union.
    async () =>
      app.swagger() as unknown as {
        openapi: string
        info: { title: string; version: string }
        paths: Record<string, unknown>
      },
  )
}
