import { createHash } from 'node:crypto'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { createStore, type Store } from '../../../src/store/index.js'
import { bytes, fakeClock, tempDir } from './helpers.js'

const cleanups: (() => void)[] = []
afterEach(() => {
  for (const c of cleanups.splice(0)) c()
})

function setup(path?: string) {
  const clock = fakeClock()
  const s = createStore({ now: clock.now, outbox: { retryMs: 50 }, ...(path ? { path } : {}) })
  cleanups.unshift(() => s.close())
  return { ...s, clock }
}

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex')
const ids = (s: Store) => s.outbox.pending(100).map((m) => hex(m.id))

describe('Outbox', () => {
  it('add returns the SHA-256 message id and is idempotent per envelope', () => {
    const { outbox } = setup()
    const env = bytes(1, 2, 3)
    const first = outbox.add(env, 'results')
    expect(hex(first.id)).toBe(createHash('sha256').update(env).digest('hex'))
    expect(first.added).toBe(true)
    expect(outbox.add(env, 'results').added).toBe(false)
    expect(outbox.pendingCount()).toBe(1)
  })

  it('pending lists unsent messages oldest first, up to limit, with their bytes and topic', () => {
    const s = setup()
    const a = s.outbox.add(bytes(1), 'results')
    const b = s.outbox.add(bytes(2), 'status')
    s.outbox.add(bytes(3), 'status')
    const got = s.outbox.pending(2)
    expect(got.map((m) => [hex(m.id), m.topic, [...m.envelope], m.attempts, m.lastError])).toEqual([
      [hex(a.id), 'results', [1], 0, null],
      [hex(b.id), 'status', [2], 0, null],
    ])
  })

  it('markSent removes a message from pending once; unknown ids report false', () => {
    const s = setup()
    const a = s.outbox.add(bytes(1), 'results')
    const b = s.outbox.add(bytes(2), 'results')
    expect(s.outbox.markSent(a.id)).toBe(true)
    expect(s.outbox.markSent(a.id)).toBe(false)
    expect(s.outbox.markSent(bytes(9))).toBe(false)
    expect(ids(s)).toEqual([hex(b.id)])
    expect(s.outbox.pendingCount()).toBe(1)
  })

  it('markFailed counts the attempt, keeps the error and holds the message back for retryMs', () => {
    const s = setup()
    const a = s.outbox.add(bytes(1), 'results')
    expect(s.outbox.markFailed(a.id, new Error('no peers subscribed'))).toBe(true)
    expect(ids(s)).toEqual([])
    expect(s.outbox.pendingCount()).toBe(1)
    s.clock.advance(50)
    expect(s.outbox.pending(10)).toMatchObject([{ attempts: 1, lastError: 'Error: no peers subscribed' }])
    s.outbox.markFailed(a.id, 'again', { retryMs: 0 })
    expect(s.outbox.pending(10)).toMatchObject([{ attempts: 2, lastError: 'again' }])
    s.outbox.markSent(a.id)
    expect(s.outbox.markFailed(a.id, 'late')).toBe(false)
  })

  it('rolls back with the transaction that added it', () => {
    const s = setup()
    expect(() =>
      s.transaction(() => {
        s.outbox.add(bytes(1), 'results')
        throw new Error('store write failed')
      }),
    ).toThrow('store write failed')
    expect(s.outbox.pendingCount()).toBe(0)
  })

  it('survives a restart: a message added but not marked sent is pending again after reopening', () => {
    const t = tempDir()
    cleanups.push(t.cleanup)
    const path = join(t.dir, 'node.sqlite')
    const first = setup(path)
    const a = first.outbox.add(bytes(1, 1), 'results')
    const b = first.outbox.add(bytes(2, 2), 'results')
    first.outbox.markSent(a.id)
    first.close()
    const again = setup(path)
    expect(ids(again)).toEqual([hex(b.id)])
  })

  it('pruneSent deletes sent messages older than the cut, never unsent ones', () => {
    const s = setup()
    const a = s.outbox.add(bytes(1), 'results')
    s.outbox.add(bytes(2), 'results')
    s.outbox.markSent(a.id)
    s.clock.advance(10)
    expect(s.outbox.pruneSent(s.clock.now())).toBe(1)
    expect(s.outbox.pruneSent(s.clock.now() + 1_000)).toBe(0)
    expect(s.outbox.pendingCount()).toBe(1)
  })
})
