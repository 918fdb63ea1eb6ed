import type { FastifyError, FastifyInstance } from 'fastify'
import { KinitroError, type Logger } from '#protocol'
import { API_ERROR_STATUS, ApiError, type ApiErrorCode } from '../errors.js'

/** The JSON body of every error answer. */
export interface ErrorBodyValue {
  error: { code: string; message: string; statusCode: number }
}

/** The answer for one thrown value: status and body; `internal` marks the ones whose detail stays in the log. */
export interface MappedError {
  statusCode: number
  body: ErrorBodyValue
  internal: boolean
}

const INTERNAL_MESSAGE = 'internal error'
// Paths are echoed in 404 messages; cap them so a long URL cannot inflate the answer.
const MAX_ECHOED_PATH = 200

function isApiCode(code: string): code is ApiErrorCode {
  return Object.hasOwn(API_ERROR_STATUS, code)
}

function body(code: string, message: string, statusCode: number): ErrorBodyValue {
  return { error: { code, message, statusCode } }
}

/**
 * Map anything a route or hook threw to the stable error shape. Typed API errors keep their code; Fastify's
 * schema validation and other client-side failures become `API_BAD_REQUEST`; everything else is
 * `API_INTERNAL` with a fixed message (the cause may hold paths or SQL, so it only goes to the log).
 */
export function mapError(err: unknown): MappedError {
  if (err instanceof ApiError)
    return { statusCode: err.statusCode, body: body(err.code, err.message, err.statusCode), internal: false }
  if (err instanceof KinitroError && isApiCode(err.code)) {
    const status = API_ERROR_STATUS[err.code]
    return { statusCode: status, body: body(err.code, err.message, status), internal: false }
  }
  // Other areas' client-facing errors (the store's API_BAD_CURSOR) carry their own statusCode.
  const own = (err as { statusCode?: unknown }).statusCode
  if (err instanceof KinitroError && err.code.startsWith('API_') && typeof own === 'number') {
    return { statusCode: own, body: body(err.code, err.message, own), internal: false }
  }
  const fe = err as Partial<FastifyError> | undefined
  if (fe?.validation !== undefined) {
    return { statusCode: 400, body: body('API_BAD_REQUEST', fe.message ?? 'invalid request', 400), internal: false }
  }
  // Fastify's own client errors (bad content type, body too large, malformed URL): keep their status.
  const status = fe?.statusCode
  if (!(err instanceof KinitroError) && typeof status === 'number' && status >= 400 && status < 500) {
    return { statusCode: status, body: body('API_BAD_REQUEST', fe?.message ?? 'bad request', status), internal: false }
  }
  return { statusCode: 500, body: body('API_INTERNAL', INTERNAL_MESSAGE, 500), internal: true }
}

/** Install the app-wide error and not-found handlers. */
export function registerErrorHandling(app: FastifyInstance, log: Logger): void {
  app.setErrorHandler(async (err, request, reply) => {
    const mapped = mapError(err)
    if (mapped.internal) {
      log.error('request failed', { reqId: request.id, method: request.method, route: request.routeOptions.url }, err)
    } else {
      log.debug('request refused', { reqId: request.id, code: mapped.body.error.code })
    }
    return reply.code(mapped.statusCode).type('application/json').send(mapped.body)
  })
  app.setNotFoundHandler(async (request, reply) => {
    const err = new ApiError(
      { code: 'API_ROUTE_NOT_FOUND', method: request.method, url: request.url },
      `no route ${request.method} ${(request.url.split('?')[0] ?? '').slice(0, MAX_ECHOED_PATH)}`,
    )
    const mapped = mapError(err)
    return reply.code(mapped.statusCode).send(mapped.body)
  })
}
