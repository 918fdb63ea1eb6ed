import { createHash } from 'node:crypto'
import fc from 'fast-check'
import { afterEach, describe, expect, it } from 'vitest'
import { createStore, type LogCursor, type LogEntry, type Store, type StoredMessage } from '../../../src/store/index.js'
import { bytes, fakeClock } from './helpers.js'

const stores: Store[] = []
afterEach(() => {
  for (const s of stores.splice(0)) s.close()
})

function store(now = fakeClock().now): Store {
  const s = createStore({ now })
  stores.push(s)
  return s
}

function entry(n: number, over: Partial<LogEntry> = {}): LogEntry {
  const envelope = bytes(n & 0xff, (n >> 8) & 0xff, 9)
  return {
    id: new Uint8Array(createHash('sha256').update(envelope).update(String(n)).digest()),
    topic: 'results',
    type: 'result',
    block: 100 + n,
    signer: bytes(1, 2, 3),
    hotkey: '5Hotkey',
    receivedAt: 5,
    envelope,
    ...over,
  }
}

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex')

describe('MessageLog', () => {
  it('append stores a message once and reports whether it was new', () => {
    const { log } = store()
    const e = entry(1)
    expect(log.append(e)).toBe(true)
    expect(log.append(e)).toBe(false)
    expect(log.count()).toBe(1)
    expect(log.has(e.id)).toBe(true)
    expect(log.get(e.id)).toEqual({
      ...e,
      id: expect.anything(),
      signer: expect.anything(),
      envelope: expect.anything(),
    })
    expect(hex(log.get(e.id)!.envelope)).toBe(hex(e.envelope))
  })

  it('never overwrites: a second append with the same id and other bytes is ignored', () => {
    const { log } = store()
    const e = entry(1)
    log.append(e)
    expect(log.append({ ...e, envelope: bytes(0xee), block: 1 })).toBe(false)
    const got = log.get(e.id)!
    expect(hex(got.envelope)).toBe(hex(e.envelope))
    expect(got.block).toBe(e.block)
  })

  it('stamps receivedAt from the store clock and stores a missing hotkey as null', () => {
    const clock = fakeClock(777)
    const { log } = store(clock.now)
    const { receivedAt: _, hotkey: __, ...e } = entry(2)
    log.append(e)
    expect(log.get(e.id)).toMatchObject({ receivedAt: 777, hotkey: null })
  })

  it('get and has answer for unknown ids', () => {
    const { log } = store()
    expect(log.get(entry(3).id)).toBeUndefined()
    expect(log.has(entry(3).id)).toBe(false)
  })

  it('refuses an id that is not 32 bytes with STORE_BAD_MESSAGE_ID', () => {
    const { log } = store()
    expect(() => log.append({ ...entry(1), id: bytes(1, 2) })).toThrow(
      expect.objectContaining({
        code: 'STORE_BAD_MESSAGE_ID',
        meta: { code: 'STORE_BAD_MESSAGE_ID', length: 2, expected: 32 },
      }),
    )
  })

  it('appendMany counts new messages, skipping duplicates within and across calls', () => {
    const { log } = store()
    log.append(entry(1))
    expect(log.appendMany([entry(1), entry(2), entry(3), entry(3)])).toBe(2)
    expect(log.count()).toBe(3)
    expect(log.appendMany([])).toBe(0)
  })

  it('appendMany is all or nothing', () => {
    const { log } = store()
    expect(() => log.appendMany([entry(1), entry(2), { ...entry(3), id: bytes(1) }])).toThrow(
      expect.objectContaining({ code: 'STORE_BAD_MESSAGE_ID' }),
    )
    expect(log.count()).toBe(0)
  })

  it('headBlock is the highest block, undefined when empty', () => {
    const { log } = store()
    expect(log.headBlock()).toBeUndefined()
    log.appendMany([entry(5), entry(2), entry(9)])
    expect(log.headBlock()).toBe(109)
  })

  it('range returns the blocks asked for, inclusive, optionally for one topic', () => {
    const { log } = store()
    log.appendMany([entry(1), entry(2, { topic: 'jobs' }), entry(3), entry(4)])
    const blocks = (p: { entries: StoredMessage[] }) => p.entries.map((e) => e.block)
    expect(blocks(log.range({ fromBlock: 102, toBlock: 103, limit: 10 }))).toEqual([102, 103])
    expect(blocks(log.range({ topic: 'results', fromBlock: 0, toBlock: 1000, limit: 10 }))).toEqual([101, 103, 104])
    expect(blocks(log.range({ topic: 'jobs', fromBlock: 0, toBlock: 1000, limit: 10 }))).toEqual([102])
    expect(log.range({ fromBlock: 105, toBlock: 1000, limit: 10 })).toEqual({ entries: [] })
  })

  it('range pages with a cursor and omits next on the last page', () => {
    const { log } = store()
    log.appendMany([1, 2, 3, 4, 5].map((n) => entry(n)))
    const p1 = log.range({ fromBlock: 0, toBlock: 1000, limit: 2 })
    expect(p1.entries.map((e) => e.block)).toEqual([101, 102])
    expect(p1.next?.block).toBe(102)
    const p2 = log.range({ fromBlock: 0, toBlock: 1000, limit: 2, cursor: p1.next })
    const p3 = log.range({ fromBlock: 0, toBlock: 1000, limit: 2, cursor: p2.next })
    expect(p3.entries.map((e) => e.block)).toEqual([105])
    expect(p3.next).toBeUndefined()
  })

  it('range refuses a non-positive limit', () => {
    const { log } = store()
    expect(() => log.range({ fromBlock: 0, toBlock: 1, limit: 0 })).toThrow(RangeError)
  })

  it('range paging visits every message in the range exactly once, in (block, id) order', () => {
    const msg = fc.record({ block: fc.integer({ min: 0, max: 12 }), topic: fc.constantFrom('a', 'b'), salt: fc.nat() })
    fc.assert(
      fc.property(
        fc.array(msg, { maxLength: 60 }),
        fc.integer({ min: 1, max: 7 }),
        fc.integer({ min: 0, max: 12 }),
        fc.integer({ min: 0, max: 12 }),
        fc.option(fc.constantFrom('a', 'b'), { nil: undefined }),
        (msgs, limit, x, y, topic) => {
          const s = createStore()
          try {
            const entries = msgs.map((m, i) => ({
              ...entry(i, { block: m.block, topic: m.topic }),
              id: digest(`${i}:${m.salt}`),
            }))
            s.log.appendMany(entries)
            const [fromBlock, toBlock] = [Math.min(x, y), Math.max(x, y)]
            const seen: string[] = []
            let cursor: LogCursor | undefined
            for (let pages = 0; pages <= entries.length + 1; pages++) {
              const page = s.log.range({ fromBlock, toBlock, limit, cursor, ...(topic ? { topic } : {}) })
              expect(page.entries.length).toBeLessThanOrEqual(limit)
              seen.push(...page.entries.map((e) => `${String(e.block).padStart(3, '0')}:${hex(e.id)}`))
              cursor = page.next
              if (cursor === undefined) break
            }
            const expected = entries
              .filter((e) => e.block >= fromBlock && e.block <= toBlock && (topic === undefined || e.topic === topic))
              .map((e) => `${String(e.block).padStart(3, '0')}:${hex(e.id)}`)
              .sort()
            expect(seen).toEqual(expected)
          } finally {
            s.close()
          }
        },
      ),
      { numRuns: 150 },
    )
  })

  it('pruneBelowBlock deletes only older blocks', () => {
    const { log } = store()
    log.appendMany([1, 2, 3].map((n) => entry(n)))
    expect(log.pruneBelowBlock(103)).toBe(2)
    expect(log.range({ fromBlock: 0, toBlock: 1000, limit: 10 }).entries.map((e) => e.block)).toEqual([103])
  })
})

function digest(s: string): Uint8Array {
  return new Uint8Array(createHash('sha256').update(s).digest())
}
