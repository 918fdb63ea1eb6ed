import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { createStore, STORE_ERROR_CODES, StoreError } from '../../../src/store/index.js'
import { bytes } from './helpers.js'

describe('createStore', () => {
  it('works with no arguments: an in-memory store with log, queue and outbox', () => {
    const s = createStore()
    expect(s.db.path).toBe(':memory:')
    expect(s.queue.name).toBe('default')
    expect(s.queue.enqueue({ id: 'a', payload: bytes(1) })).toBe(true)
    expect(s.log.count()).toBe(0)
    expect(s.outbox.pendingCount()).toBe(0)
    s.close()
    s.close()
    expect(s.db.isOpen).toBe(false)
  })

  it('records a result, its outbox entry and the ack atomically', () => {
    const s = createStore()
    s.queue.enqueue({ id: 'job', payload: bytes(1) })
    const job = s.queue.claim({ worker: 'w' })!
    const envelope = bytes(7, 7, 7)
    const id = new Uint8Array(createHash('sha256').update(envelope).digest())
    const record = (worker: string) =>
      s.transaction(() => {
        s.log.append({ id, topic: 'results', type: 'result', block: 10, signer: bytes(1), envelope })
        s.outbox.add(envelope, 'results')
        s.queue.ack(job.id, worker)
      })
    expect(() => record('intruder')).toThrow(StoreError)
    expect([s.log.count(), s.outbox.pendingCount(), s.queue.get('job')?.state]).toEqual([0, 0, 'claimed'])
    record('w')
    expect([s.log.count(), s.outbox.pendingCount(), s.queue.get('job')?.state]).toEqual([1, 1, 'done'])
    s.close()
  })

  it('lists every store error code once, each with the STORE_ prefix', () => {
    expect(new Set(STORE_ERROR_CODES).size).toBe(STORE_ERROR_CODES.length)
    expect(STORE_ERROR_CODES.every((c) => /^STORE_[A-Z_]+$/.test(c))).toBe(true)
  })
})
