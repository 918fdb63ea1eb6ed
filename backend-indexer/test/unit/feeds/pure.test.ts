import { describe, expect, it } from 'vitest'
import { channelKind, competitionChannel, minerChannel } from '../../../src/feeds/channels.js'
import { eventFrame, storeEvent } from '../../../src/feeds/events.js'
import { encodeTextFrame, framePayload } from '../../../src/feeds/frame.js'
import { createFeedHub, FeedError } from '../../../src/feeds/index.js'
import { resolveFeedHubOptions } from '../../../src/feeds/options.js'
import { HistoryRing } from '../../../src/feeds/ring.js'
import { parseClientMessage } from '../../../src/feeds/wire.js'
import { ALICE } from './harness.js'

const code = (fn: () => unknown): string | undefined => {
  try {
    fn()
  } catch (err) {
    return err instanceof FeedError ? err.code : `not a FeedError: ${String(err)}`
  }
  return undefined
}

describe('encodeTextFrame', () => {
  it.each([0, 1, 125, 126, 65_535, 65_536, 200_000])('frames a %i-byte payload per RFC 6455', (len) => {
    const payload = 'é'.repeat(Math.floor(len / 2)) + 'a'.repeat(len % 2)
    const frame = encodeTextFrame(payload)
    expect(frame[0], 'FIN + text opcode').toBe(0x81)
    const marker = (frame[1] as number) & 0x7f
    expect((frame[1] as number) & 0x80, 'server frames are unmasked').toBe(0)
    const declared = marker < 126 ? marker : marker === 126 ? frame.readUInt16BE(2) : Number(frame.readBigUInt64BE(2))
    expect(declared).toBe(len)
    expect(marker, 'shortest length encoding').toBe(len < 126 ? len : len <= 0xffff ? 126 : 127)
    expect(framePayload(frame).toString('utf8')).toBe(payload)
  })
})

describe('HistoryRing', () => {
  it('keeps the last `capacity` events and says which resumes it can serve', () => {
    const ring = new HistoryRing(4)
    expect([ring.last, ring.oldest, ring.covers(0), ring.covers(1)]).toEqual([0, 1, true, false])
    for (let seq = 1; seq <= 10; seq++) ring.push({ seq, kind: 'result', channels: [], dataJson: String(seq) })
    expect([ring.last, ring.oldest]).toEqual([10, 7])
    expect([5, 6, 10, 11].map((s) => ring.covers(s))).toEqual([false, true, true, false])
    expect([...ring.after(6)].map((e) => e.seq)).toEqual([7, 8, 9, 10])
    expect([...ring.after(8)].map((e) => e.seq)).toEqual([9, 10])
    expect(() => ring.push({ seq: 12, kind: 'result', channels: [], dataJson: '' })).toThrow(RangeError)
  })
})

describe('channelKind', () => {
  it('accepts the spec channels and rejects anything else', () => {
    for (const c of ['results', 'jobs', 'validators', 'scores']) expect(channelKind(c)).toBe(c)
    expect(channelKind(competitionChannel('reach-v2.1'))).toBe('competition')
    expect(channelKind(minerChannel(ALICE))).toBe('miner')
    const bad = ['', 'Results', 'competition:', 'competition:-x', `competition:${'a'.repeat(129)}`, 'competition:a\nb']
    bad.push('miner:', `miner:${ALICE}x`, `miner:${ALICE.replace('Q', 'R')}`, 'miner:0xabcdef', 'weights')
    for (const c of bad) expect(channelKind(c), JSON.stringify(c)).toBeUndefined()
  })
})

describe('parseClientMessage', () => {
  const parse = (v: unknown) => parseClientMessage(Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)), false)
  it('parses the three ops and keeps only known fields', () => {
    expect(parse({ op: 'ping' })).toEqual({ op: 'ping' })
    expect(parse({ op: 'ping', id: 0, extra: 1 })).toEqual({ op: 'ping', id: 0 })
    expect(parse({ op: 'subscribe', channel: 'results', id: 'a', resume: 0 })).toEqual({
      op: 'subscribe',
      channel: 'results',
      id: 'a',
      resume: 0,
    })
    expect(parse({ op: 'unsubscribe', channel: 'jobs' })).toEqual({ op: 'unsubscribe', channel: 'jobs' })
  })
  it('rejects bad input with API_FEED_BAD_MESSAGE', () => {
    const bad: unknown[] = ['', 'null', '"x"', '[]', '{"op":1}', { op: 'subscribe' }, { op: 'subscribe', channel: 5 }]
    bad.push({ op: 'subscribe', channel: 'results', resume: 1.5 }, { op: 'subscribe', channel: 'results', resume: '3' })
    bad.push({ op: 'ping', id: null }, { op: 'ping', id: 'x'.repeat(129) })
    for (const b of bad)
      expect(
        code(() => parse(b)),
        JSON.stringify(b),
      ).toBe('API_FEED_BAD_MESSAGE')
    expect(code(() => parseClientMessage(Buffer.from('{"op":"ping"}'), true))).toBe('API_FEED_BAD_MESSAGE')
  })
})

describe('events', () => {
  it('serializes data at publish time and builds spec-shaped frames', () => {
    const data = { a: 1, s: 'quote " and \n' }
    const e = storeEvent(
      { kind: 'job', data, channels: ['jobs', 'jobs', 'results'], envelope: new Uint8Array([1, 2]) },
      9,
    )
    data.a = 2
    expect(e.channels).toEqual(['jobs', 'results'])
    const one = JSON.parse(framePayload(eventFrame(e, ['jobs'])).toString('utf8')) as unknown
    expect(one).toEqual({
      type: 'event',
      channel: 'jobs',
      seq: 9,
      kind: 'job',
      data: { a: 1, s: 'quote " and \n' },
      envelope: 'AQI=',
    })
    const two = JSON.parse(framePayload(eventFrame(e, ['jobs', 'results'])).toString('utf8')) as Record<string, unknown>
    expect(two.channels).toEqual(['jobs', 'results'])
  })
  it('rejects events it cannot send with INDEXER_FEED_BAD_EVENT', () => {
    const cyclic: Record<string, unknown> = {}
    cyclic.self = cyclic
    for (const data of [1n, cyclic, undefined, () => 1]) {
      expect(code(() => storeEvent({ kind: 'result', data, channels: [] }, 1))).toBe('INDEXER_FEED_BAD_EVENT')
    }
    const kind = 'nope' as 'result'
    expect(code(() => storeEvent({ kind, data: 1, channels: [] }, 1))).toBe('INDEXER_FEED_BAD_EVENT')
    const channels = 'results' as unknown as string[]
    expect(code(() => storeEvent({ kind: 'result', data: 1, channels }, 1))).toBe('INDEXER_FEED_BAD_EVENT')
  })
  it('publish() does not consume a seq for a rejected event', () => {
    const hub = createFeedHub({ snapshot: async () => null })
    expect(hub.publish({ kind: 'result', data: 1, channels: [] })).toBe(1)
    expect(code(() => hub.publish({ kind: 'result', data: 1n, channels: [] }))).toBe('INDEXER_FEED_BAD_EVENT')
    expect(hub.publish({ kind: 'result', data: 2, channels: [] })).toBe(2)
  })
})

describe('resolveFeedHubOptions', () => {
  it('fills defaults and rejects non-positive or fractional numbers', () => {
    expect(resolveFeedHubOptions({ heartbeatMs: 5 })).toMatchObject({
      heartbeatMs: 5,
      bufferFrames: 2000,
      historyEvents: 10_000,
    })
    for (const bad of [
      { bufferBytes: 0 },
      { historyEvents: 1.5 },
      { maxSubscriptions: -1 },
      { heartbeatMs: Number.NaN },
    ]) {
      expect(
        code(() => resolveFeedHubOptions(bad)),
        JSON.stringify(bad),
      ).toBe('INDEXER_FEED_BAD_OPTIONS')
    }
    expect(code(() => createFeedHub({ snapshot: async () => null, bufferFrames: 0 }))).toBe('INDEXER_FEED_BAD_OPTIONS')
  })
})
