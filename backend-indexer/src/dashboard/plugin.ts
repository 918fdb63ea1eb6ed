import { existsSync } from 'node:fs'
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify'
import { type DashboardAsset, DEFAULT_ASSETS_DIR, loadAssets } from './assets.js'
import { DashboardError } from './errors.js'

/** Options of {@link dashboardPlugin}. */
export interface DashboardInit {
  /**
   * Folder the page is read from (`index.html`, `style.css`, `js/**`).
   * @default the `assets/` folder next to this module (`scripts/copy-assets.mjs` copies it into `dist/`)
   */
  assetsDir?: string
}

// The page loads only its own files and talks only to its own origin (REST and the /v1/feed WebSocket):
// no CDN, so it works offline, and a row carrying hostile text cannot pull in anything else. `'self'`
// covers same-origin ws:/wss: in CSP 3.
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "connect-src 'self'",
  "img-src 'self' data:",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ')

// `hide` keeps the page out of the OpenAPI document, which describes the API only.
const ROUTE_SCHEMA = { hide: true }

function matchesEtag(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false
  return header.split(',').some((tag) => {
    const t = tag.trim()
    return t === '*' || t === etag || t === `W/${etag}`
  })
}

function sendAsset(asset: DashboardAsset, req: FastifyRequest, reply: FastifyReply): FastifyReply {
  // no-cache = revalidate every time: a new deploy shows at once, an unchanged file costs a 304.
  reply.header('cache-control', 'no-cache').header('etag', asset.etag).header('x-content-type-options', 'nosniff')
  if (asset.type.startsWith('text/html')) {
    reply.header('content-security-policy', CONTENT_SECURITY_POLICY).header('referrer-policy', 'no-referrer')
  }
  if (matchesEtag(req.headers['if-none-match'], asset.etag)) return reply.code(304).send()
  return reply.type(asset.type).send(asset.body)
}

/**
 * The live dashboard: a single page at `/` and its files under `/dashboard/*`. Plain HTML, CSS and ES
 * modules with no build step and no third-party code; the page reads the REST API (`/v1/*`) and follows
 * the `/v1/feed` WebSocket. Files are read once when the plugin registers.
 *
 * @example
 * ```ts
 * await app.register(dashboardPlugin)
 * ```
 */
export const dashboardPlugin: FastifyPluginAsync<DashboardInit> = async (app, opts) => {
  const dir = opts.assetsDir ?? DEFAULT_ASSETS_DIR
  const assets = existsSync(dir) ? loadAssets(dir) : new Map<string, DashboardAsset>()
  const index = assets.get('index.html')
  if (index === undefined) {
    const meta = { code: 'INDEXER_DASHBOARD_ASSETS_MISSING', dir, file: 'index.html' } as const
    throw new DashboardError(meta, `dashboard page not found in ${dir}`)
  }

  app.get('/', { schema: ROUTE_SCHEMA }, async (req, reply) => sendAsset(index, req, reply))
  app.get<{ Params: { '*': string } }>('/dashboard/*', { schema: ROUTE_SCHEMA }, async (req, reply) => {
    const asset = assets.get(req.params['*'])
    if (asset === undefined) return reply.callNotFound()
    return sendAsset(asset, req, reply)
  })
}
