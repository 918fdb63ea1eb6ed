import type { Socket } from 'node:net'
import { setImmediate as tick } from 'node:timers/promises'
import { Registry } from 'prom-client'
import { afterEach, describe, expect, it } from 'vitest'
import { eventSeqs, type Served, serve } from './harness.js'

const running: Served[] = []
afterEach(async () => {
  for (const s of running.splice(0)) await s.stop()
})

async function metric(register: Registry, name: string): Promise<number> {
  const m = (await register.getMetricsAsJSON()).find((x) => x.name === name)
  return (m?.values ?? []).reduce((n, v) => n + v.value, 0)
}

describe('feed hub backpressure and write coalescing', () => {
  it('drops a client that stops reading with 1013 while a reading client receives everything', async () => {
    const register = new Registry()
    const s = await serve({ bufferBytes: 256 * 1024, bufferFrames: 1_000_000, metricsRegister: register })
    running.push(s)
    const fast = await s.connect()
    const slow = await s.connect()
    for (const c of [fast, slow]) {
      c.send({ op: 'subscribe', channel: 'results' })
      await c.until((m) => m.type === 'snapshot')
    }
    slow.ws.pause()
    const payload = 'p'.repeat(32 * 1024)
    // Publish one 32 KiB event at a time and wait for the reading client to have it, so only the paused
    // client's backlog grows (kernel buffers first, then the hub's bound). 4000 events = 128 MiB at most.
    let seq = 0
    for (let i = 0; i < 4000 && s.hub.clients() === 2; i++) {
      seq = s.hub.publish({ kind: 'result', data: { i, payload }, channels: ['results'] })
      const got = await fast.next()
      expect(got.type === 'event' && got.seq, `fast client, event ${seq}`).toBe(seq)
    }
    expect(s.hub.clients(), 'the paused client was dropped').toBe(1)
    expect(await metric(register, 'kinitro_indexer_feed_slow_consumer_drops_total')).toBe(1)
    // The reading client keeps getting events after the drop.
    const after = s.hub.publish({ kind: 'result', data: 'after', channels: ['results'] })
    expect(eventSeqs(await fast.barrier())).toEqual([after])
    slow.ws.resume()
    expect(await slow.closed).toEqual({ code: 1013, reason: 'slow consumer' })
    const slowSeqs = eventSeqs(slow.all)
    expect(slowSeqs.length, 'it got a prefix of the stream before the drop').toBeLessThan(seq)
    expect(slowSeqs).toEqual(Array.from({ length: slowSeqs.length }, (_, k) => k + 1))
  })

  it('bounds frames too: a client over bufferFrames is dropped', async () => {
    const s = await serve({ bufferFrames: 3 })
    running.push(s)
    const c = await s.connect()
    c.send({ op: 'subscribe', channel: 'jobs' })
    await c.until((m) => m.type === 'snapshot')
    // Four frames queued in one tick, before any flush: over the bound of three.
    for (let i = 0; i < 4; i++) s.hub.publish({ kind: 'job', data: i, channels: ['jobs'] })
    expect((await c.closed).code).toBe(1013)
    expect(eventSeqs(c.all)).toEqual([])
  })

  it('writes the frames of one tick to a socket inside a single cork/uncork', async () => {
    const s = await serve()
    running.push(s)
    const sockets: Socket[] = []
    s.app.server.on('connection', (sock: Socket) => sockets.push(sock))
    const c = await s.connect()
    c.send({ op: 'subscribe', channel: 'results' })
    await c.until((m) => m.type === 'snapshot')
    const [sock] = sockets
    if (sock === undefined) throw new Error('no server socket')
    let corks = 0
    const cork = sock.cork.bind(sock)
    sock.cork = () => {
      corks++
      cork()
    }
    for (let i = 0; i < 50; i++) s.hub.publish({ kind: 'result', data: i, channels: ['results'] })
    await tick()
    await tick()
    expect(corks).toBe(1)
    expect(eventSeqs(await c.barrier())).toHaveLength(50)
  })

  it('exports clients, subscriptions, events, frames and resyncs', async () => {
    const register = new Registry()
    const s = await serve({ metricsRegister: register, historyEvents: 2 })
    running.push(s)
    const c = await s.connect()
    c.send({ op: 'subscribe', channel: 'results' })
    await c.until((m) => m.type === 'snapshot')
    for (let i = 0; i < 5; i++) s.hub.publish({ kind: 'result', data: i, channels: ['results'] })
    c.send({ op: 'subscribe', channel: 'jobs', resume: 1 })
    await c.until((m) => m.type === 'snapshot' && m.channel === 'jobs')
    c.send('garbage')
    await c.until((m) => m.type === 'error')
    await c.barrier()
    expect(await metric(register, 'kinitro_indexer_feed_clients')).toBe(1)
    expect(await metric(register, 'kinitro_indexer_feed_subscriptions')).toBe(2)
    expect(await metric(register, 'kinitro_indexer_feed_events_published_total')).toBe(5)
    expect(await metric(register, 'kinitro_indexer_feed_resyncs_total')).toBe(1)
    expect(await metric(register, 'kinitro_indexer_feed_client_errors_total')).toBe(1)
    // subscribed×2, snapshot×2, 5 events, resync_required, error, pong
    expect(await metric(register, 'kinitro_indexer_feed_frames_delivered_total')).toBe(12)
    expect(await metric(register, 'kinitro_indexer_feed_bytes_delivered_total')).toBeGreaterThan(0)
  })
})
