import Fastify, { type FastifyInstance } from 'fastify'
import type { Registry } from 'prom-client'
import { WebSocket } from 'ws'
import { createFeedHub, type FeedHub, type FeedHubInit, type ServerMessage } from '../../../src/feeds/index.js'

// A real fastify server on 127.0.0.1:0 with the hub, and real `ws` clients that record every frame.

export const ALICE = '5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY'
export const BOB = '5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty'

export interface Served {
  app: FastifyInstance
  hub: FeedHub
  url: string
  /** Every client opened through {@link Served.connect}, closed by {@link Served.stop}. */
  connect(): Promise<TestClient>
  stop(): Promise<void>
}

export async function serve(
  init: Partial<FeedHubInit> & { metricsRegister?: Registry } = {},
  app: FastifyInstance = Fastify({ logger: false }),
): Promise<Served> {
  const hub = createFeedHub({ snapshot: async (channel) => ({ snapshotOf: channel }), ...init })
  await hub.register(app)
  await app.listen({ host: '127.0.0.1', port: 0 })
  const address = app.server.address()
  if (address === null || typeof address === 'string') throw new Error('no TCP address')
  const url = `ws://127.0.0.1:${address.port}/v1/feed`
  const clients: TestClient[] = []
  return {
    app,
    hub,
    url,
    async connect() {
      const c = await connectClient(url)
      clients.push(c)
      return c
    },
    async stop() {
      for (const c of clients) c.ws.terminate()
      await hub.close()
      await app.close()
    },
  }
}

/** Frames in arrival order; `next`/`until` consume them. */
export interface TestClient {
  ws: WebSocket
  /** Every parsed frame so far (heartbeats included). */
  readonly all: ServerMessage[]
  send(msg: unknown): void
  /** The next unread frame that is not a heartbeat. */
  next(): Promise<ServerMessage>
  /** Read frames until one matches; returns it and the non-heartbeat frames skipped before it. */
  until(pred: (m: ServerMessage) => boolean): Promise<{ match: ServerMessage; before: ServerMessage[] }>
  /** Send a ping and return every non-heartbeat frame that arrives before its pong. */
  barrier(): Promise<ServerMessage[]>
  readonly closed: Promise<{ code: number; reason: string }>
}

let barrierIds = 0

export async function connectClient(url: string): Promise<TestClient> {
  const ws = new WebSocket(url)
  const all: ServerMessage[] = []
  let read = 0
  let wake: (() => void) | undefined
  ws.on('message', (data: Buffer) => {
    all.push(JSON.parse(data.toString('utf8')) as ServerMessage)
    wake?.()
  })
  const closed = new Promise<{ code: number; reason: string }>((resolve) => {
    ws.on('close', (code, reason) => {
      resolve({ code, reason: reason.toString('utf8') })
      wake?.()
    })
  })
  await new Promise<void>((resolve, reject) => {
    ws.once('open', resolve)
    ws.once('error', reject)
  })
  const take = async (): Promise<ServerMessage> => {
    for (;;) {
      while (read < all.length) {
        const m = all[read++] as ServerMessage
        if (m.type !== 'heartbeat') return m
      }
      if (ws.readyState === ws.CLOSED) throw new Error('socket closed while waiting for a frame')
      await new Promise<void>((resolve) => {
        wake = resolve
      })
    }
  }
  const client: TestClient = {
    ws,
    all,
    closed,
    send: (msg) => ws.send(typeof msg === 'string' ? msg : JSON.stringify(msg)),
    next: take,
    async until(pred) {
      const before: ServerMessage[] = []
      for (;;) {
        const m = await take()
        if (pred(m)) return { match: m, before }
        before.push(m)
      }
    },
    async barrier() {
      const id = `barrier-${++barrierIds}`
      client.send({ op: 'ping', id })
      const { before } = await client.until((m) => m.type === 'pong' && m.id === id)
      return before
    },
  }
  return client
}

/** Seqs of the event frames in `frames`. */
export const eventSeqs = (frames: ServerMessage[]): number[] =>
  frames.flatMap((m) => (m.type === 'event' ? [m.seq] : []))
