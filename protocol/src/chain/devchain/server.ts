import websocket from '@fastify/websocket'
import Fastify, { type FastifyError, type FastifyInstance } from 'fastify'
import { KinitroError } from '../../errors.js'
import type { Logger } from '../../logger.js'
import { ChainError } from '../errors.js'
import { parse, stringify } from './codec.js'
import { MAX_REQUEST_BYTES } from './constants.js'
import { type DevChainCore, validate } from './core.js'
import { followBlocks } from './feed.js'
import { adminBodySchema, rpcBodySchema, txBodySchema } from './schemas.js'

/** The part of a `ws` socket the feed uses (ws ships no types here; this pins what we rely on). */
interface FeedSocket {
  send(data: string): void
  close(): void
  on(event: 'close' | 'error', listener: () => void): void
}

const json = (value: unknown): string => stringify(value)

function fromQuery(query: unknown): number {
  const raw = (query as Record<string, unknown> | undefined)?.from
  const from = raw === undefined ? Number.NaN : Number(raw)
  if (!Number.isSafeInteger(from) || from < 0)
    throw new ChainError({ code: 'CHAIN_BAD_REQUEST', field: 'from' }, 'bad request: from must be a block number ≥ 0')
  return from
}

/**
 * The dev chain's HTTP face (never listens; `createDevChain` does). Routes:
 * `POST /rpc` reads, `POST /tx` signed calls, `POST /admin` devnet/test operations, `GET /blocks?from=n`
 * an NDJSON block stream and `GET /ws/blocks?from=n` the same as a WebSocket feed: both send every block
 * after `n`, so a reconnecting client misses nothing. Refusals are 400 with `{error: {name, message, meta}}`.
 */
export async function buildDevChainApp(core: DevChainCore, log: Logger): Promise<FastifyInstance> {
  const app = Fastify({ logger: false, bodyLimit: MAX_REQUEST_BYTES, forceCloseConnections: true })
  const feeds = new Set<() => void>()
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
    try {
      done(null, parse(body as string))
    } catch {
      done(new ChainError({ code: 'CHAIN_BAD_REQUEST', field: '(body)' }, 'bad request: body is not JSON'), undefined)
    }
  })
  app.setErrorHandler((err: FastifyError | Error, _req, reply) => {
    if (err instanceof KinitroError)
      return reply
        .code(400)
        .type('application/json')
        .send(json({ error: err.toObject() }))
    const status = 'statusCode' in err && typeof err.statusCode === 'number' ? err.statusCode : 500
    if (status < 500) {
      const bad = new ChainError({ code: 'CHAIN_BAD_REQUEST', field: '(request)' }, `bad request: ${err.message}`)
      return reply
        .code(400)
        .type('application/json')
        .send(json({ error: bad.toObject() }))
    }
    log.error('dev chain request failed', {}, err)
    const failed = new ChainError({ code: 'CHAIN_DISPATCH_FAILED', error: 'Internal' }, 'dev chain internal error')
    return reply
      .code(500)
      .type('application/json')
      .send(json({ error: failed.toObject() }))
  })
  app.addHook('onClose', async () => {
    for (const stop of feeds) stop()
  })
  await app.register(websocket)

  const ok = (value: unknown) => json({ result: value })
  app.post('/rpc', async (req, reply) =>
    reply.type('application/json').send(ok(core.read(validate(rpcBodySchema, req.body)))),
  )
  app.post('/tx', async (req, reply) => {
    const body = validate(txBodySchema, req.body)
    return reply.type('application/json').send(ok(core.submit(body.call, body.signature)))
  })
  app.post('/admin', async (req, reply) =>
    reply.type('application/json').send(ok(core.admin(validate(adminBodySchema, req.body)))),
  )

  app.get('/blocks', async (req, reply) => {
    const from = fromQuery(req.query)
    reply.hijack()
    const res = reply.raw
    res.writeHead(200, { 'content-type': 'application/x-ndjson', 'cache-control': 'no-store' })
    const unsubscribe = followBlocks(core, from, (block) => res.write(`${json(block)}\n`))
    const stop = () => {
      unsubscribe()
      feeds.delete(stop)
      res.end()
    }
    feeds.add(stop)
    res.on('close', stop)
  })

  app.get('/ws/blocks', { websocket: true }, (socket: FeedSocket, req) => {
    let from: number
    try {
      from = fromQuery(req.query)
    } catch (err) {
      socket.send(json({ error: (err as ChainError).toObject() }))
      socket.close()
      return
    }
    const unsubscribe = followBlocks(core, from, (block) => socket.send(json(block)))
    const stop = () => {
      unsubscribe()
      feeds.delete(stop)
      socket.close()
    }
    feeds.add(stop)
    socket.on('close', stop)
    socket.on('error', stop)
  })
  return app
}
