import fastifyWebsocket from '@fastify/websocket'
import Fastify from 'fastify'
import { afterEach, describe, expect, it } from 'vitest'
import type { WebSocket } from 'ws'
import { createFeedHub, type FeedHub, type ServerMessage } from '../../../src/feeds/index.js'
import { type Served, serve } from './harness.js'

const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c()
})

function frames(ws: WebSocket): { next(): Promise<ServerMessage> } {
  const queue: ServerMessage[] = []
  let wake: (() => void) | undefined
  ws.on('message', (d: Buffer) => {
    queue.push(JSON.parse(d.toString('utf8')) as ServerMessage)
    wake?.()
  })
  return {
    async next() {
      while (queue.length === 0) await new Promise<void>((r) => (wake = r))
      return queue.shift() as ServerMessage
    },
  }
}

describe('FeedHub.register', () => {
  it('reuses an @fastify/websocket the app already has', async () => {
    const app = Fastify({ logger: false })
    await app.register(fastifyWebsocket)
    const s: Served = await serve({}, app)
    cleanups.push(() => s.stop())
    const c = await s.connect()
    c.send({ op: 'ping', id: 1 })
    expect(await c.next()).toEqual({ type: 'pong', id: 1 })
  })

  it('works without a TCP socket (app.injectWS), falling back to ws.send', async () => {
    const app = Fastify({ logger: false })
    const hub: FeedHub = createFeedHub({ snapshot: async () => 'snap' })
    await hub.register(app)
    await app.ready()
    cleanups.push(async () => {
      await hub.close()
      await app.close()
    })
    const ws = await app.injectWS('/v1/feed')
    const f = frames(ws)
    ws.send(JSON.stringify({ op: 'subscribe', channel: 'scores' }))
    expect(await f.next()).toMatchObject({ type: 'subscribed', channel: 'scores', seq: 0 })
    expect(await f.next()).toMatchObject({ type: 'snapshot', data: 'snap' })
    hub.publish({ kind: 'scores', data: { block: 7 }, channels: ['scores'] })
    expect(await f.next()).toEqual({ type: 'event', channel: 'scores', seq: 1, kind: 'scores', data: { block: 7 } })
    ws.terminate()
  })
})
