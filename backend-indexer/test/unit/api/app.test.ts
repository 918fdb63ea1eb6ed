import { describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { buildApp } from '../../../src/app.js'
import { createFeedHub } from '../../../src/feeds/index.js'
import { buildDataset } from './dataset.js'
import { filledStore, fixedScores, getJson, SMALL } from './helpers.js'

async function withApp(
  opts: Partial<Parameters<typeof buildApp>[0]>,
  body: (app: Awaited<ReturnType<typeof buildApp>>) => Promise<void>,
): Promise<void> {
  const d = buildDataset({ ...SMALL, cycles: 1 })
  const store = await filledStore(d)
  const app = await buildApp({ store, scores: fixedScores(d.snapshot), rateLimit: false, ...opts })
  try {
    await body(app)
  } finally {
    await app.close()
    await store.close()
  }
}

describe('buildApp composition', () => {
  it('serves the dashboard at / by default, outside the OpenAPI document', async () => {
    await withApp({}, async (app) => {
      const page = await app.inject({ url: '/' })
      expect(page.statusCode).toBe(200)
      expect(page.headers['content-type']).toMatch(/^text\/html/)
      const doc = await getJson<{ paths: Record<string, unknown> }>(app, '/openapi.json')
      expect(Object.keys(doc.body.paths)).not.toContain('/')
      expect((await app.inject({ url: '/v1/competitions' })).statusCode).toBe(200)
    })
  })

  it('leaves / unrouted with dashboard: false', async () => {
    await withApp({ dashboard: false }, async (app) => {
      const res = await getJson(app, '/')
      expect(res.status).toBe(404)
      expect(res.body).toMatchObject({ error: { code: 'API_ROUTE_NOT_FOUND' } })
    })
  })

  it('registers /v1/feed only when a feed hub is given', async () => {
    await withApp({ dashboard: false }, async (app) => {
      expect((await app.inject({ url: '/v1/feed' })).statusCode).toBe(404)
    })
    const feed = createFeedHub({ snapshot: async () => [] })
    try {
      await withApp({ dashboard: false, feed }, async (app) => {
        const address = await app.listen({ host: '127.0.0.1', port: 0 })
        const ws = new WebSocket(`${address.replace('http', 'ws')}/v1/feed`)
        const reply = new Promise<unknown>((resolve, reject) => {
          ws.once('message', (data) => resolve(JSON.parse(String(data))))
          ws.once('error', reject)
        })
        await new Promise<void>((resolve, reject) => {
          ws.once('open', () => resolve())
          ws.once('error', reject)
        })
        ws.send(JSON.stringify({ op: 'ping', id: 7 }))
        expect(await reply).toMatchObject({ type: 'pong', id: 7 })
        ws.close()
      })
    } finally {
      await feed.close()
    }
  })
})
