import { describe, expect, it } from 'vitest'
import { buildApp } from '../../../src/app.js'
import { buildDataset } from './dataset.js'
import { filledStore, fixedObserver, fixedScores, getJson, SMALL, useApi } from './helpers.js'

describe('GET /health and /v1/stats without an observer', () => {
  const fx = useApi({ version: '1.2.3' })

  it('reports ok, the version, the store kind and counts, and mesh: null', async () => {
    const res = await getJson(fx.app, '/health')
    expect(res.status).toBe(200)
    expect(res.body).toEqual({
      status: 'ok',
      version: '1.2.3',
      store: { kind: 'sqlite', ok: true },
      mesh: null,
      counts: await fx.store.counts(),
    })
    expect((res.body.counts as { results: number }).results).toBe(fx.d.results.length)
  })

  it('/v1/stats adds the snapshot time and falls back to the store head', async () => {
    const res = await getJson(fx.app, '/v1/stats')
    expect(res.status).toBe(200)
    expect(res.body).toEqual({
      ...(await fx.store.counts()),
      scoredAt: fx.d.snapshot.computedAt,
      head: fx.d.head,
    })
  })
})

describe('GET /health and /v1/stats with an observer', () => {
  const d = buildDataset(SMALL)
  const fx = useApi({ observer: fixedObserver(d), scores: fixedScores(undefined) }, d)

  it('reports the observer status as mesh', async () => {
    const res = await getJson(fx.app, '/health')
    expect(res.status).toBe(200)
    expect(res.body.mesh).toEqual(fixedObserver(d).status())
  })

  it('/v1/stats takes the head from the observer and scoredAt null before the first snapshot', async () => {
    const res = await getJson(fx.app, '/v1/stats')
    expect(res.body.head).toBe(d.head + 3)
    expect(res.body.scoredAt).toBeNull()
  })
})

describe('GET /health when the store is down', () => {
  it('answers 503 degraded with store.ok false and counts null', async () => {
    const d = buildDataset(SMALL)
    const store = await filledStore(d)
    const app = await buildApp({ store, scores: fixedScores(d.snapshot), dashboard: false, rateLimit: false })
    try {
      await store.close()
      const res = await getJson(app, '/health')
      expect(res.status).toBe(503)
      expect(res.body).toMatchObject({ status: 'degraded', store: { kind: 'sqlite', ok: false }, counts: null })
    } finally {
      await app.close()
    }
  })
})
