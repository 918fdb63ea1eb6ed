import type { FastifyInstance } from 'fastify'
import { pino } from 'pino'
import { describe, expect, it } from 'vitest'
import type { Logger } from '#protocol'
import { buildApp } from '../../../src/app.js'
import { ifNoneMatchHits, weakEtag } from '../../../src/http/etag.js'
import { buildDataset } from './dataset.js'
import { filledStore, fixedScores, getJson, SMALL, useApi } from './helpers.js'

describe('ETag and conditional GETs', () => {
  const fx = useApi()

  it('tags every GET 200 with a weak ETag of the body and answers a match with an empty 304', async () => {
    for (const url of ['/v1/leaderboard', '/v1/jobs?limit=2', '/v1/competitions', '/health']) {
      const first = await fx.app.inject({ url })
      expect(first.statusCode, url).toBe(200)
      const etag = first.headers.etag as string
      expect(etag, url).toBe(weakEtag(first.body))
      const again = await fx.app.inject({ url, headers: { 'if-none-match': etag } })
      expect(again.statusCode, url).toBe(304)
      expect(again.body, url).toBe('')
      const other = await fx.app.inject({ url, headers: { 'if-none-match': 'W/"something-else"' } })
      expect(other.statusCode, url).toBe(200)
    }
  })

  it('does not tag errors', async () => {
    const res = await fx.app.inject({ url: '/v1/jobs/nope' })
    expect(res.statusCode).toBe(400)
    expect(res.headers.etag).toBeUndefined()
  })

  it('compares weakly, in lists, and honours *', () => {
    const tag = 'W/"abc"'
    expect(ifNoneMatchHits('"abc"', tag)).toBe(true)
    expect(ifNoneMatchHits('W/"x", W/"abc"', tag)).toBe(true)
    expect(ifNoneMatchHits('*', tag)).toBe(true)
    expect(ifNoneMatchHits('W/"abcd"', tag)).toBe(false)
    expect(ifNoneMatchHits(undefined, tag)).toBe(false)
  })
})

describe('errors', () => {
  const fx = useApi()

  it('an unknown route is a 404 API_ROUTE_NOT_FOUND in the stable shape', async () => {
    const res = await getJson(fx.app, '/v1/nothing-here?x=1')
    expect(res.status).toBe(404)
    expect(res.body).toEqual({
      error: { code: 'API_ROUTE_NOT_FOUND', message: 'no route GET /v1/nothing-here', statusCode: 404 },
    })
  })

  it('a validation failure names the parameter', async () => {
    const res = await getJson<{ error: { message: string } }>(fx.app, '/v1/results?limit=0')
    expect(res.status).toBe(400)
    expect(res.body.error.message).toMatch(/limit/)
  })
})

describe('unexpected failures', () => {
  it('answer 500 API_INTERNAL with a fixed message; the cause goes to the log only', async () => {
    const d = buildDataset(SMALL)
    const store = await filledStore(d)
    const logged: { msg: string; ctx: Record<string, unknown> | undefined; err: unknown }[] = []
    const logger: Logger = {
      error: (msg, ctx, err) => logged.push({ msg, ctx, err }),
      warn: () => {},
      info: () => {},
      debug: () => {},
      child: () => logger,
    }
    const app = await buildApp({ store, scores: fixedScores(d.snapshot), dashboard: false, rateLimit: false, logger })
    try {
      await store.close()
      const res = await getJson(app, '/v1/jobs')
      expect(res.status).toBe(500)
      expect(res.body).toEqual({ error: { code: 'API_INTERNAL', message: 'internal error', statusCode: 500 } })
      expect(logged).toHaveLength(1)
      expect(logged[0]).toMatchObject({ msg: 'request failed', ctx: { method: 'GET', route: '/v1/jobs' } })
      expect((logged[0]!.err as { code?: string }).code).toBe('INDEXER_STORE_CLOSED')
    } finally {
      await app.close()
    }
  })
})

describe('rate limit', () => {
  const fx = useApi({ rateLimit: { max: 3, timeWindowMs: 60_000 } })

  it('answers 429 API_RATE_LIMITED past the budget, with Retry-After', async () => {
    for (let i = 0; i < 3; i++) expect((await fx.app.inject({ url: '/v1/competitions' })).statusCode, `#${i}`).toBe(200)
    const res = await fx.app.inject({ url: '/v1/competitions' })
    expect(res.statusCode).toBe(429)
    expect(res.json()).toMatchObject({ error: { code: 'API_RATE_LIMITED', statusCode: 429 } })
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0)
  })

  it('keeps a separate budget per client IP', async () => {
    const res = await fx.app.inject({ url: '/v1/competitions', remoteAddress: '10.0.0.9' })
    expect(res.statusCode).toBe(200)
  })
})

describe('rate limit disabled', () => {
  const fx = useApi({ rateLimit: false })

  it('never answers 429 and sends no rate-limit headers', async () => {
    for (let i = 0; i < 20; i++) {
      const res = await fx.app.inject({ url: '/v1/competitions' })
      expect(res.statusCode, `#${i}`).toBe(200)
      expect(res.headers['x-ratelimit-limit']).toBeUndefined()
    }
  })
})

describe('default rate limit', () => {
  it('allows 600 requests a minute per IP', async () => {
    const d = buildDataset({ ...SMALL, cycles: 1 })
    const store = await filledStore(d)
    const app = await buildApp({ store, scores: fixedScores(d.snapshot), dashboard: false })
    try {
      const res = await app.inject({ url: '/v1/competitions' })
      expect(res.headers['x-ratelimit-limit']).toBe('600')
    } finally {
      await app.close()
      await store.close()
    }
  })
})

describe('CORS', () => {
  const open = useApi()
  const narrow = useApi({ cors: { origin: 'https://dash.example' } })

  const preflight = (app: FastifyInstance, origin: string) =>
    app.inject({
      method: 'OPTIONS',
      url: '/v1/leaderboard',
      headers: { origin, 'access-control-request-method': 'GET' },
    })

  it('allows any origin by default', async () => {
    const res = await open.app.inject({ url: '/v1/competitions', headers: { origin: 'https://anywhere.example' } })
    expect(res.headers['access-control-allow-origin']).toBe('*')
    expect((await preflight(open.app, 'https://anywhere.example')).statusCode).toBe(204)
  })

  it('allows only the configured origin', async () => {
    for (const origin of ['https://dash.example', 'https://evil.example']) {
      const res = await narrow.app.inject({ url: '/v1/competitions', headers: { origin } })
      // A browser compares this with its own origin: only the dashboard's passes.
      expect(res.headers['access-control-allow-origin'], origin).toBe('https://dash.example')
    }
  })
})

describe('pino logger', () => {
  it('is used by Fastify (request.log) and by the API', async () => {
    const lines: Record<string, unknown>[] = []
    const stream = { write: (s: string) => void lines.push(JSON.parse(s) as Record<string, unknown>) }
    const logger = pino({ level: 'debug' }, stream)
    const d = buildDataset({ ...SMALL, cycles: 1 })
    const store = await filledStore(d)
    const app = await buildApp({ store, scores: fixedScores(d.snapshot), dashboard: false, rateLimit: false, logger })
    try {
      app.get('/boom', async (req) => {
        req.log.info('inside the handler')
        throw new Error('kaboom')
      })
      const res = await app.inject({ url: '/boom' })
      expect(res.statusCode).toBe(500)
      expect(lines.some((l) => l.msg === 'inside the handler' && typeof l.reqId === 'string')).toBe(true)
      const failed = lines.find((l) => l.msg === 'request failed')
      expect(failed).toMatchObject({ component: 'indexer:api', route: '/boom', err: { message: 'kaboom' } })
      // Per-request lines are off (style.md §8 puts them at debug, Fastify logs them at info).
      expect(lines.some((l) => l.msg === 'incoming request')).toBe(false)
    } finally {
      await app.close()
      await store.close()
    }
  })
})
