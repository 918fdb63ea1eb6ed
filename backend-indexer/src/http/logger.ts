import type { FastifyBaseLogger } from 'fastify'
import { type Logger, silentLogger } from '#protocol'

/** Either the project's {@link Logger} or a pino instance (what Fastify's `loggerInstance` takes). */
export type ApiLoggerOption = Logger | FastifyBaseLogger

/** The two faces of the logger option: what Fastify gets, and what our own code logs through. */
export interface ResolvedLogger {
  /** Passed to Fastify as `loggerInstance`; undefined keeps Fastify's logging off. */
  fastify: FastifyBaseLogger | undefined
  log: Logger
}

// Pino has a string `level` and a `levels` table; the project's Logger interface has neither.
function isPino(l: ApiLoggerOption): l is FastifyBaseLogger {
  return typeof (l as { level?: unknown }).level === 'string' && typeof (l as { fatal?: unknown }).fatal === 'function'
}

/** Same call shape as `createLogger` in #protocol, over a pino instance the caller already has. */
function wrapPino(p: FastifyBaseLogger): Logger {
  return {
    error: (msg, ctx, err) => p.error({ ...ctx, ...(err === undefined ? {} : { err }) }, msg),
    warn: (msg, ctx, err) => p.warn({ ...ctx, ...(err === undefined ? {} : { err }) }, msg),
    info: (msg, ctx) => p.info(ctx ?? {}, msg),
    debug: (msg, ctx) => p.debug(ctx ?? {}, msg),
    child: (component) => wrapPino(p.child({ component })),
  }
}

/** Split the `logger` option of `buildApp` into Fastify's logger and ours (component `indexer:api`). */
export function resolveLogger(opt: ApiLoggerOption | undefined): ResolvedLogger {
  if (opt === undefined) return { fastify: undefined, log: silentLogger }
  if (isPino(opt)) return { fastify: opt, log: wrapPino(opt).child('indexer:api') }
  return { fastify: undefined, log: opt.child('indexer:api') }
}
