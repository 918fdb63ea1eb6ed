import cors from '@fastify/cors'
import rateLimit from '@fastify/rate-limit'
import swagger from '@fastify/swagger'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import Fastify, { type FastifyInstance, type FastifyServerOptions, LogController } from 'fastify'
import type { Registry } from 'prom-client'
import { dashboardPlugin } from './dashboard/index.js'
import { ApiError } from './errors.js'
import type { FeedHub } from './feeds/types.js'
import { depsPlugin } from './http/deps.js'
import { registerErrorHandling } from './http/error-handler.js'
import { registerEtag } from './http/etag.js'
import { type ApiLoggerOption, resolveLogger } from './http/logger.js'
import type { ObserverView } from './observer/types.js'
import type { ReplaySource } from './replay/types.js'
import { apiRoutes } from './routes/index.js'
import type { ScoresView } from './scores/types.js'
import type { IndexerStore } from './store/types.js'

/** Per-IP request budget. */
export interface RateLimitInit {
  /** Requests allowed per window. @default 600 */
  max: number
  /** Window length. @default 60_000 */
  timeWindowMs: number
}

/** Options of {@link buildApp}. */
export interface BuildAppOptions {
  store: IndexerStore
  scores: ScoresView
  /** The mesh observer; absent (unit tests), `/health` reports `mesh: null` and metagraph fields are null. */
  observer?: ObserverView
  /** Episode replays; absent, the replay route answers 404 `API_REPLAY_UNAVAILABLE`. */
  replays?: ReplaySource
  /** The realtime hub; absent, `/v1/feed` is not registered. */
  feed?: FeedHub
  /** Serve the dashboard at `/`. @default true */
  dashboard?: boolean
  /** The project's Logger, or a pino instance (then Fastify's `request.log` uses it too). @default silentLogger */
  logger?: ApiLoggerOption
  /** Per-IP rate limit, or `false` for none (benches, a trusted proxy doing it). @default {max: 600, timeWindowMs: 60_000} */
  rateLimit?: RateLimitInit | false
  /** Allowed CORS origins. @default {origin: '*'} */
  cors?: { origin: string | boolean | RegExp | (string | RegExp)[] }
  /** Reported by `/health` and the OpenAPI document. @default '0.0.0-dev' */
  version?: string
  /** Serve these Prometheus metrics at `GET /metrics` (kept out of the OpenAPI document). @default none */
  metricsRegister?: Registry
}

/** Defaults of {@link BuildAppOptions}. */
export const defaultBuildAppOptions = {
  dashboard: true,
  rateLimit: { max: 600, timeWindowMs: 60_000 },
  cors: { origin: '*' },
  version: '0.0.0-dev',
} as const satisfies Partial<BuildAppOptions>

/**
 * The indexer's HTTP app: REST routes (TypeBox schemas for params, query and response; OpenAPI at
 * `/openapi.json`), ETags, CORS, a per-IP rate limit, one error shape, and the feed and dashboard when given.
 * It never listens: `server.ts` does, tests call `app.inject()`.
 *
 * @example
 * ```ts
 * const app = await buildApp({ store, scores })
 * const res = await app.inject({ url: '/v1/leaderboard' })
 * ```
 */
export async function buildApp(opts: BuildAppOptions): Promise<FastifyInstance> {
  const { fastify: fastifyLogger, log } = resolveLogger(opts.logger)
  const version = opts.version ?? defaultBuildAppOptions.version
  const limit = opts.rateLimit ?? defaultBuildAppOptions.rateLimit
  // Fastify's own per-request lines are info-level; style.md §8 puts per-request logs at debug.
  const base: FastifyServerOptions = { logController: new LogController({ disableRequestLogging: true }) }
  const app = (
    fastifyLogger === undefined
      ? Fastify({ ...base, logger: false })
      : Fastify({ ...base, loggerInstance: fastifyLogger })
  ).withTypeProvider<TypeBoxTypeProvider>()

  registerErrorHandling(app, log)
  registerEtag(app)
  await app.register(cors, { origin: (opts.cors ?? defaultBuildAppOptions.cors).origin, exposedHeaders: ['etag'] })
  if (limit !== false) {
    await app.register(rateLimit, {
      max: limit.max,
      timeWindow: limit.timeWindowMs,
      errorResponseBuilder: (_req, ctx) =>
        new ApiError(
          { code: 'API_RATE_LIMITED', max: limit.max, timeWindowMs: limit.timeWindowMs },
          `rate limit exceeded, retry in ${ctx.after}`,
        ),
    })
  }
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Kinitro Mesh indexer',
        version,
        description: 'Read-only view of the mesh: competitions, jobs, results, scores and validators.',
      },
    },
  })
  await app.register(depsPlugin, {
    store: opts.store,
    scores: opts.scores,
    observer: opts.observer,
    replays: opts.replays,
    version,
    log,
  })
  await app.register(apiRoutes)
  const register = opts.metricsRegister
  if (register !== undefined) {
    app.get('/metrics', { schema: { hide: true } }, async (_req, reply) =>
      reply.type(register.contentType).send(await register.metrics()),
    )
  }
  if (opts.feed !== undefined) await opts.feed.register(app)
  if (opts.dashboard !== false) await app.register(dashboardPlugin)
  return app
}
