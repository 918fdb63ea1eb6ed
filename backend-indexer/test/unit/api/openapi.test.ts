import { describe, expect, it } from 'vitest'
import { getJson, useApi } from './helpers.js'

// The REST surface of api-spec.md, in OpenAPI path syntax.
const SPEC_PATHS = [
  '/health',
  '/openapi.json',
  '/v1/stats',
  '/v1/competitions',
  '/v1/competitions/{id}',
  '/v1/leaderboard',
  '/v1/miners',
  '/v1/miners/{hotkey}',
  '/v1/miners/{hotkey}/explain',
  '/v1/jobs',
  '/v1/jobs/{id}',
  '/v1/results',
  '/v1/results/{id}',
  '/v1/episodes',
  '/v1/episodes/{resultId}/{index}/replay',
  '/v1/validators',
  '/v1/validators/{hotkey}',
  '/v1/equivocations',
  '/v1/weights',
  '/v1/weights/latest',
]

interface Operation {
  parameters?: { in: string; name: string; required?: boolean; schema?: object }[]
  responses: Record<string, { content?: Record<string, { schema?: Record<string, unknown> }> }>
}
interface Doc {
  openapi: string
  info: { title: string; version: string }
  paths: Record<string, Record<string, Operation>>
}

describe('GET /openapi.json', () => {
  const fx = useApi({ version: '9.9.9' })

  it('is an OpenAPI 3.1 document listing exactly the spec routes, each served by the app', async () => {
    const res = await getJson<Doc>(fx.app, '/openapi.json')
    expect(res.status).toBe(200)
    const doc = res.body
    expect(doc.openapi).toMatch(/^3\.1\.\d+$/)
    expect(doc.info).toMatchObject({ title: expect.any(String), version: '9.9.9' })
    expect(Object.keys(doc.paths).sort()).toEqual([...SPEC_PATHS].sort())
    for (const path of SPEC_PATHS) {
      const url = path.replace(/\{[^}]+\}/g, ':x')
      expect(fx.app.hasRoute({ method: 'GET', url: path.replace(/\{([^}]+)\}/g, ':$1') }), url).toBe(true)
      expect(Object.keys(doc.paths[path]!), path).toEqual(['get'])
    }
  })

  it('gives every operation a JSON 200 schema, error schemas, and its path and query parameters', async () => {
    const doc = (await getJson<Doc>(fx.app, '/openapi.json')).body
    for (const [path, item] of Object.entries(doc.paths)) {
      const op = item.get!
      const ok = op.responses['200']?.content?.['application/json']?.schema
      expect(ok, `${path} 200 schema`).toBeTypeOf('object')
      expect(Object.keys(ok ?? {}).length, `${path} 200 schema not empty`).toBeGreaterThan(0)
      if (path !== '/openapi.json' && path !== '/health' && path !== '/v1/stats') {
        for (const status of ['400', '404', '429', '500']) {
          const schema = op.responses[status]?.content?.['application/json']?.schema
          expect(schema, `${path} ${status}`).toMatchObject({ type: 'object', required: ['error'] })
        }
      }
      const pathParams = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1])
      const declared = (op.parameters ?? []).filter((p) => p.in === 'path')
      expect(declared.map((p) => p.name).sort(), `${path} path params`).toEqual([...pathParams].sort())
      for (const p of declared) expect(p.required, `${path} ${p.name} required`).toBe(true)
      for (const p of op.parameters ?? []) expect(p.schema, `${path} ${p.name} schema`).toBeTypeOf('object')
    }
  })

  it('documents the list filters and paging as query parameters', async () => {
    const doc = (await getJson<Doc>(fx.app, '/openapi.json')).body
    const query = (path: string) =>
      (doc.paths[path]!.get!.parameters ?? [])
        .filter((p) => p.in === 'query')
        .map((p) => p.name)
        .sort()
    expect(query('/v1/jobs')).toEqual(['competition', 'cursor', 'cycle', 'limit', 'miner', 'validator'])
    expect(query('/v1/results')).toEqual([
      'competition',
      'cursor',
      'fromBlock',
      'job',
      'limit',
      'miner',
      'toBlock',
      'validator',
    ])
    expect(query('/v1/episodes')).toEqual(['cursor', 'env', 'job', 'limit', 'miner', 'result', 'success', 'validator'])
    expect(query('/v1/weights')).toEqual(['cursor', 'fromBlock', 'limit', 'toBlock', 'validator'])
    expect(query('/v1/leaderboard')).toEqual(['competition'])
  })
})
