import { createHash } from 'node:crypto'
import type { FastifyInstance } from 'fastify'

/**
 * A weak entity tag for a response body: the first 16 bytes of its SHA-1, base64url. Weak because two
 * serializations of the same data may differ in bytes (key order) while meaning the same thing (RFC 9110 §8.8.1).
 */
export function weakEtag(body: string | Uint8Array): string {
  return `W/"${createHash('sha1').update(body).digest('base64url').slice(0, 22)}"`
}

/**
 * Whether an `If-None-Match` header matches `etag` under the weak comparison RFC 9110 §13.1.2 prescribes
 * for it: `*` matches anything, otherwise any listed tag with the same opaque value, `W/` or not.
 */
export function ifNoneMatchHits(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false
  if (header.trim() === '*') return true
  const opaque = etag.replace(/^W\//, '')
  return header.split(',').some((t) => t.trim().replace(/^W\//, '') === opaque)
}

/**
 * Put an ETag on every GET 200 and answer `If-None-Match` hits with an empty 304. It hashes the serialized
 * body, so the handler does all its work either way: the saving is bandwidth and client parsing.
 */
export function registerEtag(app: FastifyInstance): void {
  app.addHook('onSend', async (request, reply, payload) => {
    if (request.method !== 'GET' || reply.statusCode !== 200) return payload
    if (typeof payload !== 'string' && !(payload instanceof Uint8Array)) return payload
    // A route that tags its own bodies (the dashboard's files) also answers its own conditional requests.
    if (reply.hasHeader('etag')) return payload
    const etag = weakEtag(payload)
    reply.header('etag', etag)
    if (!ifNoneMatchHits(request.headers['if-none-match'], etag)) return payload
    reply.code(304)
    reply.removeHeader('content-type')
    reply.removeHeader('content-length')
    return ''
  })
}
