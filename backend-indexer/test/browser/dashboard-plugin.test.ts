import { mkdirSync, writeFileSync } from 'node:fs'
import Fastify, { type FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { makeTempDir } from '../../../test/utils/temp-dir.js'
import { buildApp } from '../../src/app.js'
import { DASHBOARD_ERROR_CODES, DashboardError, dashboardPlugin, loadAssets } from '../../src/dashboard/index.js'
import { createSqliteStore } from '../../src/store/index.js'
import type { IndexerStore } from '../../src/store/types.js'

// How the page is served (no browser needed): every file the page loads exists with the right type, the
// headers that keep it self-contained, conditional GETs, and nothing outside the asset set.

/** Every `/dashboard/...` URL the page loads: index.html's links, then ES-module imports transitively. */
async function pageUrls(app: FastifyInstance): Promise<string[]> {
  const html = (await app.inject({ url: '/' })).body
  const queue = [...html.matchAll(/(?:src|href)="(\/dashboard\/[^"]+)"/g)].map((m) => m[1] as string)
  const seen = new Set<string>()
  while (queue.length > 0) {
    const url = queue.shift() as string
    if (seen.has(url)) continue
    seen.add(url)
    if (!url.endsWith('.js')) continue
    const source = (await app.inject({ url })).body
    for (const m of source.matchAll(/(?:import|export)\s[^'"]*?from\s+'([^']+)'/g)) {
      queue.push(new URL(m[1] as string, `http://x${url}`).pathname)
    }
  }
  return [...seen]
}

describe('dashboard plugin', () => {
  let app: FastifyInstance
  let store: IndexerStore

  beforeAll(async () => {
    store = await createSqliteStore({ path: ':memory:' })
    app = await buildApp({ store, scores: { current: () => undefined, onUpdate: () => () => {} }, rateLimit: false })
  })
  afterAll(async () => {
    await app.close()
    await store.close()
  })

  it('serves the page at / with a strict CSP and revalidation headers', async () => {
    const res = await app.inject({ url: '/' })
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8')
    expect(res.headers['content-security-policy']).toContain("default-src 'self'")
    expect(res.headers['cache-control']).toBe('no-cache')
    expect(res.headers['x-content-type-options']).toBe('nosniff')
    expect(res.headers.etag).toMatch(/^"[\w-]{27}"$/)
    expect(res.body).toContain('/dashboard/js/main.js')
  })

  it('serves every file the page loads, with its content type, and loads nothing from elsewhere', async () => {
    const urls = await pageUrls(app)
    expect(urls.length, 'main.js and its imports').toBeGreaterThan(10)
    for (const url of urls) {
      const res = await app.inject({ url })
      expect(res.statusCode, url).toBe(200)
      const type = url.endsWith('.js') ? 'text/javascript' : url.endsWith('.css') ? 'text/css' : 'image/svg+xml'
      expect(res.headers['content-type'], url).toContain(type)
      expect(res.body, `${url} fetches nothing off-origin`).not.toMatch(/https?:\/\/(?!www\.w3\.org\/2000\/svg)/)
    }
  })

  it('answers a matching If-None-Match with 304 and an empty body', async () => {
    const first = await app.inject({ url: '/dashboard/js/main.js' })
    const etag = first.headers.etag as string
    for (const header of [etag, `W/${etag}`, `"other", ${etag}`]) {
      const res = await app.inject({ url: '/dashboard/js/main.js', headers: { 'if-none-match': header } })
      expect(res.statusCode, header).toBe(304)
      expect(res.body).toBe('')
    }
    const changed = await app.inject({ url: '/dashboard/js/main.js', headers: { 'if-none-match': '"other"' } })
    expect(changed.statusCode).toBe(200)
  })

  it('answers unknown files and path tricks as the API answers an unknown route', async () => {
    const unknownRoute = (await app.inject({ url: '/no-such-route' })).json().error.code
    for (const url of [
      '/dashboard/nope.js',
      '/dashboard/../package.json',
      '/dashboard/%2e%2e/%2e%2e/package.json',
      '/dashboard/js/../../assets.ts',
      '/dashboard/',
    ]) {
      const res = await app.inject({ url })
      expect(res.statusCode, url).toBe(404)
      expect(res.json().error.code, url).toBe(unknownRoute)
    }
  })

  it('stays out of the OpenAPI document', async () => {
    const paths = Object.keys((await app.inject({ url: '/openapi.json' })).json().paths)
    expect(paths).not.toContain('/')
    expect(paths.some((p) => p.startsWith('/dashboard'))).toBe(false)
  })

  it('is absent with dashboard: false', async () => {
    const bare = await buildApp({
      store,
      scores: { current: () => undefined, onUpdate: () => () => {} },
      dashboard: false,
    })
    try {
      expect((await bare.inject({ url: '/' })).statusCode).toBe(404)
      expect((await bare.inject({ url: '/dashboard/style.css' })).statusCode).toBe(404)
    } finally {
      await bare.close()
    }
  })
})

describe('dashboard assets folder', () => {
  const tmp = makeTempDir('kinitro-dashboard-')
  afterAll(() => tmp.cleanup())

  it('serves only known file types from a custom folder', async () => {
    writeFileSync(tmp.file('index.html'), '<!doctype html><title>x</title>')
    writeFileSync(tmp.file('notes.txt'), 'private')
    expect([...loadAssets(tmp.dir).keys()]).toEqual(['index.html'])
    const app = Fastify()
    await app.register(dashboardPlugin, { assetsDir: tmp.dir })
    expect((await app.inject({ url: '/' })).body).toContain('<title>x</title>')
    expect((await app.inject({ url: '/dashboard/notes.txt' })).statusCode).toBe(404)
    await app.close()
  })

  it('fails to register with INDEXER_DASHBOARD_ASSETS_MISSING when the page is not there', async () => {
    expect(DASHBOARD_ERROR_CODES).toEqual(['INDEXER_DASHBOARD_ASSETS_MISSING'])
    mkdirSync(tmp.file('empty'))
    for (const dir of [tmp.file('does-not-exist'), tmp.file('empty')]) {
      const app = Fastify()
      let err: unknown
      try {
        await app.register(dashboardPlugin, { assetsDir: dir })
        await app.ready()
      } catch (e) {
        err = e
      }
      expect(err, dir).toBeInstanceOf(DashboardError)
      expect((err as DashboardError).code).toBe('INDEXER_DASHBOARD_ASSETS_MISSING')
      await app.close()
    }
  })
})
