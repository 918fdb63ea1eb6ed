import { Counter, Registry } from 'prom-client'
import { describe, expect, it } from 'vitest'
import { buildApp } from '../../../src/app.js'
import { buildDataset } from './dataset.js'
import { filledStore, fixedScores, SMALL } from './helpers.js'

describe('GET /metrics', () => {
  it('serves the given Prometheus register in text format and stays out of the OpenAPI document', async () => {
    const d = buildDataset(SMALL)
    const store = await filledStore(d)
    const register = new Registry()
    new Counter({ name: 'kinitro_indexer_test_total', help: 'a probe', registers: [register] }).inc(3)
    const app = await buildApp({ store, scores: fixedScores(undefined), metricsRegister: register, rateLimit: false })
    try {
      const res = await app.inject({ url: '/metrics' })
      expect(res.statusCode).toBe(200)
      expect(res.headers['content-type']).toContain('text/plain')
      expect(res.body).toContain('kinitro_indexer_test_total 3')
      const doc = (await app.inject({ url: '/openapi.json' })).json() as { paths: Record<string, unknown> }
      expect(Object.keys(doc.paths)).not.toContain('/metrics')
      // Without a register there is no route.
      const bare = await buildApp({ store, scores: fixedScores(undefined), rateLimit: false })
      expect((await bare.inject({ url: '/metrics' })).statusCode).toBe(404)
      await bare.close()
    } finally {
      await app.close()
      await store.close()
    }
  })
})
