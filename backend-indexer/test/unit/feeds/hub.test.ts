import { setImmediate as tick } from 'node:timers/promises'
import { afterEach, describe, expect, it } from 'vitest'
import { competitionChannel, minerChannel, type ServerMessage } from '../../../src/feeds/index.js'
import { ALICE, BOB, eventSeqs, type Served, serve, type TestClient } from './harness.js'

const running: Served[] = []
afterEach(async () => {
  for (const s of running.splice(0)) await s.stop()
})

async function start(init: Parameters<typeof serve>[0] = {}): Promise<Served> {
  const s = await serve(init)
  running.push(s)
  return s
}

/** Subscribe and consume `subscribed` + `snapshot`. */
async function subscribe(c: TestClient, channel: string): Promise<ServerMessage> {
  c.send({ op: 'subscribe', channel })
  expect(await c.next()).toMatchObject({ type: 'subscribed', channel })
  const snap = await c.next()
  expect(snap).toMatchObject({ type: 'snapshot', channel })
  return snap
}

const REACH = competitionChannel('reach')
const PUSH = competitionChannel('push')

describe('feed hub over a real server', () => {
  it('answers subscribe with subscribed + the provider snapshot, then streams events in seq order', async () => {
    const s = await start({ snapshot: async (channel) => ({ latest: [channel, 'row-1'] }) })
    const c = await s.connect()
    s.hub.publish({ kind: 'result', data: { n: 0 }, channels: ['results'] })
    c.send({ op: 'subscribe', channel: 'results', id: 'a' })
    expect(await c.next()).toEqual({ type: 'subscribed', channel: 'results', id: 'a', seq: 1 })
    expect(await c.next()).toEqual({
      type: 'snapshot',
      channel: 'results',
      seq: 1,
      data: { latest: ['results', 'row-1'] },
    })
    for (let n = 1; n <= 3; n++)
      expect(s.hub.publish({ kind: 'result', data: { n }, channels: ['results'] })).toBe(n + 1)
    for (let n = 1; n <= 3; n++) {
      expect(await c.next(), `event ${n}`).toEqual({
        type: 'event',
        channel: 'results',
        seq: n + 1,
        kind: 'result',
        data: { n },
      })
    }
    expect(s.hub.clients()).toBe(1)
  })

  it('routes each event only to subscribers of its channels (competition, miner, results)', async () => {
    const s = await start()
    const [comp, miner, all] = [await s.connect(), await s.connect(), await s.connect()]
    await subscribe(comp, REACH)
    await subscribe(miner, minerChannel(ALICE))
    await subscribe(all, 'results')
    s.hub.publish({ kind: 'result', data: 1, channels: ['results', REACH, minerChannel(ALICE)] })
    s.hub.publish({ kind: 'result', data: 2, channels: ['results', PUSH, minerChannel(BOB)] })
    s.hub.publish({ kind: 'job', data: 3, channels: ['jobs', PUSH, minerChannel(ALICE)] })
    s.hub.publish({ kind: 'weights', data: 4, channels: ['validators', REACH] })
    expect(eventSeqs(await comp.barrier()), REACH).toEqual([1, 4])
    expect(eventSeqs(await miner.barrier()), 'miner:alice').toEqual([1, 3])
    expect(eventSeqs(await all.barrier()), 'results').toEqual([1, 2])
  })

  it('sends an event once to a client subscribed to several of its channels, listing them', async () => {
    const s = await start()
    const c = await s.connect()
    await subscribe(c, 'results')
    await subscribe(c, REACH)
    s.hub.publish({ kind: 'result', data: 'x', channels: [REACH, 'results', minerChannel(ALICE)] })
    s.hub.publish({ kind: 'result', data: 'y', channels: ['results'] })
    const events = (await c.barrier()).filter((m) => m.type === 'event')
    expect(events).toEqual([
      { type: 'event', channel: REACH, channels: [REACH, 'results'], seq: 1, kind: 'result', data: 'x' },
      { type: 'event', channel: 'results', seq: 2, kind: 'result', data: 'y' },
    ])
  })

  it('stops delivery after unsubscribe', async () => {
    const s = await start()
    const c = await s.connect()
    await subscribe(c, 'jobs')
    s.hub.publish({ kind: 'job', data: 1, channels: ['jobs'] })
    expect(eventSeqs(await c.barrier())).toEqual([1])
    c.send({ op: 'unsubscribe', channel: 'jobs', id: 7 })
    expect(await c.next()).toEqual({ type: 'unsubscribed', channel: 'jobs', id: 7 })
    s.hub.publish({ kind: 'job', data: 2, channels: ['jobs'] })
    expect(await c.barrier()).toEqual([])
  })

  it('carries the signed envelope as base64, and large frames (64-bit length) intact', async () => {
    const s = await start()
    const c = await s.connect()
    await subscribe(c, 'results')
    const envelope = new Uint8Array(300).map((_, i) => (i * 7) & 0xff)
    const big = 'z'.repeat(70_000)
    s.hub.publish({ kind: 'result', data: { big }, channels: ['results'], envelope: envelope.subarray(10) })
    const ev = await c.next()
    expect(ev.type === 'event' && ev.envelope).toBe(Buffer.from(envelope.subarray(10)).toString('base64'))
    expect(ev.type === 'event' && ev.data).toEqual({ big })
  })

  it('holds events published while a snapshot is built and sends them right after it', async () => {
    let release: (() => void) | undefined
    const s = await start({
      snapshot: () =>
        new Promise((resolve) => {
          release = () => resolve(['snap'])
        }),
    })
    const c = await s.connect()
    c.send({ op: 'subscribe', channel: 'results' })
    expect(await c.next()).toMatchObject({ type: 'subscribed', seq: 0 })
    while (release === undefined) await tick()
    s.hub.publish({ kind: 'result', data: 1, channels: ['results'] })
    s.hub.publish({ kind: 'result', data: 2, channels: ['results'] })
    release()
    expect(await c.next()).toEqual({ type: 'snapshot', channel: 'results', seq: 0, data: ['snap'] })
    expect(eventSeqs([await c.next(), await c.next()])).toEqual([1, 2])
    s.hub.publish({ kind: 'result', data: 3, channels: ['results'] })
    expect(eventSeqs(await c.barrier())).toEqual([3])
  })

  it('resume after reconnect replays exactly the missed events of that channel, then goes live', async () => {
    const s = await start()
    const first = await s.connect()
    await subscribe(first, REACH)
    for (let i = 0; i < 3; i++) s.hub.publish({ kind: 'result', data: i, channels: [REACH] })
    const seen = eventSeqs(await first.barrier())
    expect(seen).toEqual([1, 2, 3])
    first.ws.close()
    await first.closed
    s.hub.publish({ kind: 'result', data: 'a', channels: [REACH, 'results'] }) // 4
    s.hub.publish({ kind: 'result', data: 'b', channels: [PUSH] }) // 5: other channel
    s.hub.publish({ kind: 'status', data: 'c', channels: ['jobs', REACH] }) // 6
    const again = await s.connect()
    again.send({ op: 'subscribe', channel: REACH, resume: 3 })
    expect(await again.next()).toEqual({ type: 'subscribed', channel: REACH, seq: 6 })
    s.hub.publish({ kind: 'result', data: 'd', channels: [REACH] }) // 7: live
    const frames = await again.barrier()
    expect(frames.map((m) => m.type)).toEqual(['event', 'event', 'event'])
    expect(frames).toMatchObject([
      { seq: 4, channel: REACH, data: 'a' },
      { seq: 6, kind: 'status', data: 'c' },
      { seq: 7, data: 'd' },
    ])
  })

  it('resume older than the ring, or from the future, gets resync_required and a snapshot', async () => {
    const s = await start({ historyEvents: 5 })
    for (let i = 0; i < 20; i++) s.hub.publish({ kind: 'result', data: i, channels: ['results'] })
    const c = await s.connect()
    c.send({ op: 'subscribe', channel: 'results', resume: 14 })
    expect(await c.next()).toMatchObject({ type: 'subscribed', seq: 20 })
    expect(await c.next()).toEqual({ type: 'resync_required', channel: 'results', oldestSeq: 16 })
    expect(await c.next()).toMatchObject({ type: 'snapshot', channel: 'results', seq: 20 })
    // The oldest event still held is 16, so resume 15 is served from the ring.
    c.send({ op: 'subscribe', channel: 'results', resume: 15 })
    expect(await c.next()).toMatchObject({ type: 'subscribed', seq: 20 })
    expect(eventSeqs(await c.barrier())).toEqual([16, 17, 18, 19, 20])
    // A seq this hub never issued (e.g. before an indexer restart) cannot be resumed either.
    c.send({ op: 'subscribe', channel: 'jobs', resume: 999 })
    expect(await c.next()).toMatchObject({ type: 'subscribed', channel: 'jobs' })
    expect(await c.next()).toEqual({ type: 'resync_required', channel: 'jobs', oldestSeq: 16 })
    expect(await c.next()).toMatchObject({ type: 'snapshot', channel: 'jobs' })
  })

  it('answers bad input with error frames and keeps the connection', async () => {
    const s = await start({ maxSubscriptions: 2 })
    const c = await s.connect()
    const expectError = async (msg: unknown, code: string) => {
      c.send(msg)
      expect(await c.next(), JSON.stringify(msg)).toMatchObject({ type: 'error', code })
    }
    await expectError('{not json', 'API_FEED_BAD_MESSAGE')
    await expectError('[1,2]', 'API_FEED_BAD_MESSAGE')
    await expectError({ op: 'shout' }, 'API_FEED_BAD_MESSAGE')
    await expectError({ op: 'subscribe', channel: 'results', resume: -1 }, 'API_FEED_BAD_MESSAGE')
    await expectError({ op: 'subscribe', channel: 'results', id: { no: 1 } }, 'API_FEED_BAD_MESSAGE')
    c.ws.send(Buffer.from('{"op":"ping"}'), { binary: true })
    expect(await c.next()).toMatchObject({ type: 'error', code: 'API_FEED_BAD_MESSAGE' })
    await expectError(JSON.stringify({ op: 'ping', id: 'x'.repeat(5000) }), 'API_FEED_BAD_MESSAGE')
    for (const channel of [
      'nope',
      'miner:5notAnAddress',
      `miner:${ALICE.slice(0, -1)}x`,
      'competition:',
      'competition:a b',
    ]) {
      await expectError({ op: 'subscribe', channel }, 'API_FEED_UNKNOWN_CHANNEL')
    }
    await subscribe(c, 'results')
    await subscribe(c, 'scores')
    await expectError({ op: 'subscribe', channel: 'jobs', id: 3 }, 'API_FEED_TOO_MANY_SUBSCRIPTIONS')
    // Resubscribing to a held channel is not a new subscription.
    await subscribe(c, 'results')
    c.send({ op: 'ping', id: 9 })
    expect(await c.next()).toEqual({ type: 'pong', id: 9 })
  })

  it('reports a failing snapshot provider as API_FEED_SNAPSHOT_FAILED and drops that subscription', async () => {
    const s = await start({
      snapshot: async (channel) => {
        if (channel === 'scores') throw new Error('store down')
        return []
      },
    })
    const c = await s.connect()
    c.send({ op: 'subscribe', channel: 'scores', id: 'q' })
    expect(await c.next()).toMatchObject({ type: 'subscribed' })
    expect(await c.next()).toMatchObject({
      type: 'error',
      code: 'API_FEED_SNAPSHOT_FAILED',
      id: 'q',
      channel: 'scores',
    })
    s.hub.publish({ kind: 'scores', data: 1, channels: ['scores'] })
    expect(await c.barrier()).toEqual([])
  })

  it('sends heartbeats carrying the current seq', async () => {
    const s = await start({ heartbeatMs: 20 })
    const c = await s.connect()
    s.hub.publish({ kind: 'peer', data: 1, channels: ['validators'] })
    while (!c.all.some((m) => m.type === 'heartbeat')) await new Promise((r) => setTimeout(r, 5))
    const beat = c.all.find((m) => m.type === 'heartbeat')
    expect(beat).toMatchObject({ type: 'heartbeat', seq: 1 })
    expect(beat?.type === 'heartbeat' && typeof beat.t).toBe('number')
  })

  it('close() closes every client with 1001 and refuses later connections', async () => {
    const s = await start()
    const a = await s.connect()
    const b = await s.connect()
    await subscribe(a, 'results')
    while (s.hub.clients() < 2) await tick()
    await s.hub.close()
    expect(await a.closed).toEqual({ code: 1001, reason: 'server shutting down' })
    expect((await b.closed).code).toBe(1001)
    expect(s.hub.clients()).toBe(0)
    const late = await s.connect()
    expect((await late.closed).code).toBe(1001)
  })
})
