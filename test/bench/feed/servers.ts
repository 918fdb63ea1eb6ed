import fastifyWebsocket from '@fastify/websocket'
import Fastify, { type FastifyInstance } from 'fastify'
import { Registry } from 'prom-client'
import type { WebSocket } from 'ws'
import { createFeedHub, type FeedHub } from '#indexer'

// The two servers the feed bench compares, both fastify + @fastify/websocket on 127.0.0.1:0 in the bench
// process, fed the same events:
// - hub: the real FeedHub (one frame per event, per-tick cork per socket, bounded buffers);
// - naive: the textbook broadcast (perf.md §2 "plain"): each event serialized once, then `ws.send` to
//   every subscriber at once, no cork, no bound.

export type Variant = 'hub' | 'naive'

/** ~1 KiB frames like perf.md §2: the scheduled send time first, so the swarm finds it early. */
export interface BenchEvent {
  t: number
  i: number
  pad: string
}

export interface BenchServer {
  url: string
  publish(event: BenchEvent): void
  /** Clients the server currently holds. */
  clients(): number
  /** Clients closed as slow consumers (hub only). */
  drops(): Promise<number>
  close(): Promise<void>
}

// Heartbeats would add frames to a step's count; a bench step never lasts this long.
const NO_HEARTBEAT_MS = 3_600_000

async function listen(app: FastifyInstance): Promise<string> {
  await app.listen({ host: '127.0.0.1', port: 0 })
  const address = app.server.address()
  if (address === null || typeof address === 'string') throw new Error('bench server: no TCP address')
  return `ws://127.0.0.1:${address.port}/v1/feed`
}

async function hubServer(): Promise<BenchServer> {
  const app = Fastify({ logger: false })
  const register = new Registry()
  const hub: FeedHub = createFeedHub({
    snapshot: async () => [],
    heartbeatMs: NO_HEARTBEAT_MS,
    metricsRegister: register,
  })
  await hub.register(app)
  const url = await listen(app)
  const dropsMetric = register.getSingleMetric('kinitro_indexer_feed_slow_consumer_drops_total')
  return {
    url,
    publish: (data) => void hub.publish({ kind: 'result', data, channels: ['results'] }),
    clients: () => hub.clients(),
    drops: async () => (await dropsMetric?.get())?.values[0]?.value ?? 0,
    async close() {
      await hub.close()
      await app.close()
    },
  }
}

async function naiveServer(): Promise<BenchServer> {
  const app = Fastify({ logger: false })
  await app.register(fastifyWebsocket)
  const subscribers = new Set<WebSocket>()
  let seq = 0
  app.get('/v1/feed', { websocket: true }, (ws) => {
    ws.on('message', (raw: Buffer) => {
      const { channel } = JSON.parse(raw.toString('utf8')) as { channel: string }
      ws.send(JSON.stringify({ type: 'subscribed', channel, seq }))
      ws.send(JSON.stringify({ type: 'snapshot', channel, seq, data: [] }))
      subscribers.add(ws)
    })
    ws.on('close', () => subscribers.delete(ws))
  })
  const url = await listen(app)
  return {
    url,
    publish(data) {
      seq++
      const frame = Buffer.from(JSON.stringify({ type: 'event', channel: 'results', seq, kind: 'result', data }))
      for (const ws of subscribers) ws.send(frame, { binary: false })
    },
    clients: () => subscribers.size,
    drops: async () => 0,
    async close() {
      for (const ws of subscribers) ws.terminate()
      await app.close()
    },
  }
}

export function startServer(variant: Variant): Promise<BenchServer> {
  return variant === 'hub' ? hubServer() : naiveServer()
}
