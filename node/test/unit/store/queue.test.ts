import { afterEach, describe, expect, it } from 'vitest'
import { hasCode } from '#protocol'
import { backoffDelayMs, createJobQueue, createStore, type Store, type StoreInit } from '../../../src/store/index.js'
import { bytes, fakeClock, recordingLogger } from './helpers.js'

const stores: Store[] = []
afterEach(() => {
  for (const s of stores.splice(0)) s.close()
})

const QUEUE = { leaseMs: 100, maxAttempts: 3, backoffBaseMs: 10, backoffCapMs: 1_000, backoffJitter: 0.5, seed: 1 }

function setup(init: StoreInit = {}) {
  const clock = fakeClock()
  const s = createStore({ now: clock.now, ...init, queue: { ...QUEUE, ...init.queue } })
  stores.push(s)
  return { ...s, clock, q: s.queue }
}

function job(id: string, runAt?: number) {
  return { id, payload: bytes(id.charCodeAt(0)), ...(runAt === undefined ? {} : { runAt }) }
}

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn()
  } catch (err) {
    return (err as { code?: string }).code
  }
  return undefined
}

describe('JobQueue enqueue', () => {
  it('adds a job once; a second enqueue of the id is a no-op that returns false, even after it is done', () => {
    const { q } = setup()
    expect(q.enqueue(job('a'))).toBe(true)
    expect(q.enqueue({ id: 'a', payload: bytes(99) })).toBe(false)
    expect([...q.get('a')!.payload]).toEqual([97])
    q.claim({ worker: 'w' })
    q.ack('a', 'w')
    expect(q.enqueue(job('a'))).toBe(false)
    expect(q.get('a')!.state).toBe('done')
  })

  it('enqueueMany counts new jobs and ignores duplicates inside and across batches', () => {
    const { q } = setup()
    q.enqueue(job('a'))
    expect(q.enqueueMany([job('a'), job('b'), job('c'), job('c')])).toBe(2)
    expect(q.stats()).toEqual({ pending: 3, claimed: 0, done: 0, dead: 0 })
    expect(q.enqueueMany([])).toBe(0)
  })

  it('enqueueMany spans several statements, keeps the first of a repeated id and claims in list order', () => {
    const { q } = setup()
    const ids = Array.from({ length: 250 }, (_, i) => `j${i}`)
    const jobs = ids.map((id, i) => ({ id, payload: bytes(i % 200) }))
    // The repeat of j5 sits in a later chunk than the original and must not replace its payload.
    expect(q.enqueueMany([...jobs.slice(0, 220), { id: 'j5', payload: bytes(250) }, ...jobs.slice(220)])).toBe(250)
    expect([...q.get('j5')!.payload]).toEqual([5])
    expect(q.claimMany({ worker: 'w', limit: 250 }).map((j) => j.id)).toEqual(ids)
  })

  it('enqueueMany is all or nothing', () => {
    const { q } = setup()
    const bad = { id: 'x', payload: { not: 'bytes' } as unknown as Uint8Array }
    expect(() => q.enqueueMany([job('a'), job('b'), bad])).toThrow()
    expect(q.stats().pending).toBe(0)
  })

  it('keeps queues with different names apart', () => {
    const s = setup()
    const other = createJobQueue(s.db, { name: 'other' }, { now: s.clock.now })
    s.q.enqueue(job('a'))
    expect(other.enqueue(job('a'))).toBe(true)
    expect(other.claim({ worker: 'w' })?.id).toBe('a')
    expect(s.q.stats()).toEqual({ pending: 1, claimed: 0, done: 0, dead: 0 })
  })
})

describe('JobQueue claim', () => {
  it('hands out due jobs by runAt, then enqueue order, with attempt 1 and a lease', () => {
    const { q, clock } = setup()
    const t = clock.now()
    q.enqueueMany([job('late', t + 50), job('b'), job('c'), job('early', t - 10)])
    expect(q.claim({ worker: 'w' })).toMatchObject({ id: 'early', attempt: 1, leaseUntil: t + 100 })
    expect(q.claim({ worker: 'w' })?.id).toBe('b')
    expect(q.claim({ worker: 'w', leaseMs: 70 })).toMatchObject({ id: 'c', leaseUntil: t + 70 })
    expect(q.claim({ worker: 'w' })).toBeUndefined()
    clock.advance(50)
    expect(q.claim({ worker: 'w' })?.id).toBe('late')
    expect(q.get('b')).toMatchObject({ state: 'claimed', worker: 'w', attempts: 1, runAt: t + 100 })
  })

  it('returns undefined on an empty queue', () => {
    expect(setup().q.claim({ worker: 'w' })).toBeUndefined()
  })

  it('an expired lease makes the job claimable again with the attempt counted', () => {
    const { q, clock } = setup()
    q.enqueue(job('a'))
    q.claim({ worker: 'w1' })
    clock.advance(99)
    expect(q.claim({ worker: 'w2' })).toBeUndefined()
    clock.advance(1)
    expect(q.claim({ worker: 'w2' })).toMatchObject({ id: 'a', attempt: 2 })
    expect(q.get('a')).toMatchObject({ state: 'claimed', worker: 'w2', attempts: 2 })
  })

  it('after a reclaim the old holder can neither ack, fail nor heartbeat', () => {
    const { q, clock } = setup()
    q.enqueue(job('a'))
    q.claim({ worker: 'w1' })
    clock.advance(100)
    q.claim({ worker: 'w2' })
    let err: unknown
    try {
      q.ack('a', 'w1')
    } catch (e) {
      err = e
    }
    expect(hasCode(err, 'STORE_LEASE_NOT_HELD')).toBe(true)
    expect((err as { meta: unknown }).meta).toMatchObject({ jobId: 'a', worker: 'w1', state: 'claimed', holder: 'w2' })
    expect(codeOf(() => q.fail('a', 'w1', new Error('x')))).toBe('STORE_LEASE_NOT_HELD')
    expect(q.heartbeat('a', 'w1')).toBe(false)
    q.ack('a', 'w2')
    expect(q.get('a')?.state).toBe('done')
  })

  it('an expired lease nobody has reclaimed is still held: the slow worker may ack', () => {
    const { q, clock } = setup()
    q.enqueue(job('a'))
    q.claim({ worker: 'w1' })
    clock.advance(500)
    q.ack('a', 'w1')
    expect(q.get('a')?.state).toBe('done')
  })

  it('dead-letters a job whose lease expired on its last attempt and claims the next one', () => {
    const logger = recordingLogger()
    const { q, clock } = setup({ logger })
    q.enqueue(job('poison'))
    for (let i = 0; i < 3; i++) {
      expect(q.claim({ worker: `w${i}` })?.id).toBe('poison')
      clock.advance(100)
    }
    q.enqueue(job('next'))
    expect(q.claim({ worker: 'w' })?.id).toBe('next')
    expect(q.get('poison')).toMatchObject({
      state: 'dead',
      attempts: 3,
      lastError: 'lease expired on the last attempt',
    })
    expect(logger.records).toContainEqual(
      expect.objectContaining({
        level: 'warn',
        msg: 'job dead-lettered',
        ctx: expect.objectContaining({ jobId: 'poison' }),
      }),
    )
  })

  it('claimMany leases up to limit jobs in enqueue order and skips exhausted ones', () => {
    const { q, clock } = setup()
    q.enqueue(job('p'))
    for (let i = 0; i < 3; i++) {
      q.claim({ worker: 'w' })
      clock.advance(100)
    }
    q.enqueueMany(['a', 'b', 'c', 'd'].map((id) => job(id)))
    const got = q.claimMany({ worker: 'w', limit: 3 })
    expect(got.map((j) => j.id)).toEqual(['a', 'b', 'c'])
    expect(got.every((j) => j.attempt === 1)).toBe(true)
    expect(q.get('p')?.state).toBe('dead')
    expect(q.claimMany({ worker: 'w', limit: 3 }).map((j) => j.id)).toEqual(['d'])
    expect(q.claimMany({ worker: 'w', limit: 3 })).toEqual([])
  })
})

describe('JobQueue heartbeat, ack', () => {
  it('heartbeat by the holder extends the lease', () => {
    const { q, clock } = setup()
    q.enqueue(job('a'))
    q.claim({ worker: 'w1' })
    clock.advance(50)
    expect(q.heartbeat('a', 'w1')).toBe(true)
    clock.advance(99)
    expect(q.claim({ worker: 'w2' })).toBeUndefined()
    clock.advance(1)
    expect(q.claim({ worker: 'w2' })?.id).toBe('a')
  })

  it('heartbeat takes a custom lease and is refused for unknown or unclaimed jobs', () => {
    const { q, clock } = setup()
    q.enqueue(job('a'))
    expect(q.heartbeat('a', 'w')).toBe(false)
    expect(q.heartbeat('nope', 'w')).toBe(false)
    q.claim({ worker: 'w' })
    expect(q.heartbeat('a', 'w', { leaseMs: 1_000 })).toBe(true)
    expect(q.get('a')?.runAt).toBe(clock.now() + 1_000)
  })

  it('ack by a worker that does not hold the lease is refused and changes nothing', () => {
    const { q } = setup()
    q.enqueue(job('a'))
    q.claim({ worker: 'w1' })
    expect(codeOf(() => q.ack('a', 'w2'))).toBe('STORE_LEASE_NOT_HELD')
    expect(q.get('a')).toMatchObject({ state: 'claimed', worker: 'w1' })
  })

  it('a second ack is refused with the job reported done', () => {
    const { q } = setup()
    q.enqueue(job('a'))
    q.claim({ worker: 'w' })
    q.ack('a', 'w')
    let err: unknown
    try {
      q.ack('a', 'w')
    } catch (e) {
      err = e
    }
    expect((err as { meta: unknown }).meta).toMatchObject({ code: 'STORE_LEASE_NOT_HELD', state: 'done', holder: null })
  })

  it('ack of an unknown id is STORE_JOB_NOT_FOUND; of a pending job, STORE_LEASE_NOT_HELD', () => {
    const { q } = setup()
    expect(codeOf(() => q.ack('nope', 'w'))).toBe('STORE_JOB_NOT_FOUND')
    q.enqueue(job('a'))
    expect(codeOf(() => q.ack('a', 'w'))).toBe('STORE_LEASE_NOT_HELD')
  })

  it('ackMany acks all in one transaction, or none if one is not held', () => {
    const { q } = setup()
    q.enqueueMany(['a', 'b', 'c'].map((id) => job(id)))
    q.claimMany({ worker: 'w', limit: 2 })
    expect(codeOf(() => q.ackMany(['a', 'b', 'c'], 'w'))).toBe('STORE_LEASE_NOT_HELD')
    expect(q.stats()).toEqual({ pending: 1, claimed: 2, done: 0, dead: 0 })
    q.ackMany(['a', 'b'], 'w')
    q.ackMany([], 'w')
    expect(q.stats()).toEqual({ pending: 1, claimed: 0, done: 2, dead: 0 })
  })

  it('ackMany handles more ids than one statement takes and names the job that was not held', () => {
    const { q } = setup()
    const ids = Array.from({ length: 250 }, (_, i) => `j${i}`)
    q.enqueueMany(ids.map((id) => job(id)))
    q.claimMany({ worker: 'w', limit: 250 })
    q.ack('j170', 'w')
    let err: unknown
    try {
      q.ackMany(ids, 'w')
    } catch (e) {
      err = e
    }
    expect((err as { meta: unknown }).meta).toMatchObject({
      code: 'STORE_LEASE_NOT_HELD',
      jobId: 'j170',
      state: 'done',
    })
    expect(q.stats()).toEqual({ pending: 0, claimed: 249, done: 1, dead: 0 })
    q.ackMany(
      ids.filter((id) => id !== 'j170'),
      'w',
    )
    expect(q.stats()).toEqual({ pending: 0, claimed: 0, done: 250, dead: 0 })
  })

  it('ackMany refuses a list that names a job twice', () => {
    const { q } = setup()
    q.enqueue(job('a'))
    q.claim({ worker: 'w' })
    expect(() => q.ackMany(['a', 'a'], 'w')).toThrow(RangeError)
    expect(q.get('a')?.state).toBe('claimed')
  })

  it('a refused ack rolls back the whole surrounding store transaction', () => {
    const s = setup()
    s.q.enqueue(job('a'))
    s.q.claim({ worker: 'w1' })
    expect(
      codeOf(() =>
        s.transaction(() => {
          s.outbox.add(bytes(1, 2, 3), 'results')
          s.q.ack('a', 'w2')
        }),
      ),
    ).toBe('STORE_LEASE_NOT_HELD')
    expect(s.outbox.pendingCount()).toBe(0)
  })
})

describe('JobQueue fail, retry, dead letters', () => {
  it('fail schedules a retry after the backoff; the job is not claimable before it', () => {
    const { q, clock } = setup({ queue: { backoffJitter: 0 } })
    q.enqueue(job('a'))
    q.claim({ worker: 'w' })
    const t = clock.now()
    expect(q.fail('a', 'w', new Error('policy did not start'))).toEqual({
      state: 'pending',
      attempts: 1,
      retryAt: t + 10,
    })
    expect(q.get('a')).toMatchObject({ state: 'pending', lastError: 'Error: policy did not start', runAt: t + 10 })
    clock.advance(9)
    expect(q.claim({ worker: 'w' })).toBeUndefined()
    clock.advance(1)
    expect(q.claim({ worker: 'w' })).toMatchObject({ id: 'a', attempt: 2 })
    expect(q.fail('a', 'w', 'again')).toEqual({ state: 'pending', attempts: 2, retryAt: clock.now() + 20 })
  })

  it('dead-letters after maxAttempts failures; dead() lists it and requeueDead revives it', () => {
    const { q, clock } = setup()
    q.enqueue(job('a'))
    const outcomes = []
    for (let i = 0; i < 3; i++) {
      clock.advance(1_000)
      expect(q.claim({ worker: 'w' })?.attempt).toBe(i + 1)
      outcomes.push(q.fail('a', 'w', new Error(`e${i}`)).state)
    }
    expect(outcomes).toEqual(['pending', 'pending', 'dead'])
    clock.advance(10_000)
    expect(q.claim({ worker: 'w' })).toBeUndefined()
    expect(q.dead().map((j) => [j.id, j.attempts, j.lastError])).toEqual([['a', 3, 'Error: e2']])
    expect(q.stats()).toEqual({ pending: 0, claimed: 0, done: 0, dead: 1 })
    expect(q.requeueDead('a')).toBe(true)
    expect(q.get('a')).toMatchObject({ state: 'pending', attempts: 0 })
    expect(q.claim({ worker: 'w' })).toMatchObject({ id: 'a', attempt: 1 })
  })

  it('requeueDead refuses jobs that are not dead', () => {
    const { q } = setup()
    q.enqueue(job('a'))
    expect(q.requeueDead('a')).toBe(false)
    expect(q.requeueDead('missing')).toBe(false)
  })

  it('a permanent failure dead-letters at once', () => {
    const { q } = setup()
    q.enqueue(job('a'))
    q.claim({ worker: 'w' })
    expect(q.fail('a', 'w', new Error('bad commitment'), { permanent: true })).toEqual({ state: 'dead', attempts: 1 })
  })

  it('fail by a non-holder throws and changes nothing', () => {
    const { q } = setup()
    q.enqueue(job('a'))
    q.claim({ worker: 'w1' })
    expect(codeOf(() => q.fail('a', 'w2', 'x'))).toBe('STORE_LEASE_NOT_HELD')
    expect(codeOf(() => q.fail('zzz', 'w2', 'x'))).toBe('STORE_JOB_NOT_FOUND')
    expect(q.get('a')).toMatchObject({ state: 'claimed', worker: 'w1', lastError: null })
  })

  it('keeps error codes and cuts very long error text', () => {
    const { q } = setup()
    q.enqueueMany([job('a'), job('b')])
    q.claimMany({ worker: 'w', limit: 2 })
    const coded = Object.assign(new Error('nope'), { code: 'EVAL_TIMEOUT' })
    q.fail('a', 'w', coded)
    q.fail('b', 'w', 'x'.repeat(10_000))
    expect(q.get('a')?.lastError).toBe('Error EVAL_TIMEOUT: nope')
    expect(q.get('b')?.lastError?.length).toBe(2_000)
  })

  it('retry delays are deterministic for a seed, jittered within [d/2, d], and differ across seeds', () => {
    const delays = (seed: number) => {
      const { q, clock } = setup({ queue: { seed, maxAttempts: 10, backoffBaseMs: 1_000, backoffCapMs: 1_000_000 } })
      const out: number[] = []
      q.enqueue(job('a'))
      for (let i = 0; i < 6; i++) {
        clock.advance(10_000_000)
        q.claim({ worker: 'w' })
        const r = q.fail('a', 'w', 'x')
        if (r.state === 'pending') out.push(r.retryAt - clock.now())
      }
      return out
    }
    const a = delays(7)
    expect(delays(7)).toEqual(a)
    expect(delays(8)).not.toEqual(a)
    a.forEach((d, i) => {
      const full = 1_000 * 2 ** i
      expect(d, `attempt ${i + 1}`).toBeGreaterThanOrEqual(full / 2)
      expect(d, `attempt ${i + 1}`).toBeLessThanOrEqual(full)
    })
  })

  it('uses an injected random source for jitter', () => {
    const { q, clock } = setup({ random: () => 0, queue: { backoffJitter: 1 } })
    q.enqueue(job('a'))
    q.claim({ worker: 'w' })
    expect(q.fail('a', 'w', 'x')).toMatchObject({
      retryAt: clock.now() + backoffDelayMs(1, { baseMs: 10, capMs: 1_000, jitter: 1 }, 0),
    })
    expect(q.get('a')?.runAt).toBe(clock.now())
  })
})

describe('JobQueue options', () => {
  it('rejects settings that would break leases or backoff', () => {
    const s = setup()
    expect(() => createJobQueue(s.db, { leaseMs: 0 })).toThrow(RangeError)
    expect(() => createJobQueue(s.db, { maxAttempts: 0 })).toThrow(RangeError)
    expect(() => createJobQueue(s.db, { backoffBaseMs: 10, backoffCapMs: 5 })).toThrow(RangeError)
    expect(() => createJobQueue(s.db, { backoffJitter: 2 })).toThrow(RangeError)
    expect(() => s.q.claim({ worker: 'w', leaseMs: 0 })).toThrow(RangeError)
  })
})

describe('JobQueue acks by row (the claiming queue object remembers each job row)', () => {
  it('another queue object on the same database acks through the job id, and the holder rules still hold', () => {
    const { q, db, clock } = setup()
    const other = createJobQueue(db, { ...QUEUE, name: q.name }, { now: clock.now })
    q.enqueueMany([job('a'), job('b'), job('c')])
    const [a, b, c] = q.claimMany({ worker: 'w', limit: 3 })
    // `other` never claimed these: its acks must find the rows by id.
    other.ackMany([a!.id, b!.id], 'w')
    other.ack(c!.id, 'w')
    expect(q.stats()).toMatchObject({ done: 3 })
  })

  it('a cached row does not let a worker that lost its lease ack: the job was reclaimed meanwhile', () => {
    const { q, clock } = setup()
    q.enqueue(job('a'))
    q.claim({ worker: 'w1' })
    clock.advance(QUEUE.leaseMs + 1)
    expect(q.claim({ worker: 'w2' })?.id).toBe('a')
    expect(codeOf(() => q.ack('a', 'w1'))).toBe('STORE_LEASE_NOT_HELD')
    expect(codeOf(() => q.ackMany(['a'], 'w1'))).toBe('STORE_LEASE_NOT_HELD')
    q.ackMany(['a'], 'w2')
    expect(q.get('a')?.state).toBe('done')
    expect(codeOf(() => q.ack('a', 'w2'))).toBe('STORE_LEASE_NOT_HELD')
  })

  it('a mixed batch (some rows remembered, some not) acks all or nothing', () => {
    const { q, db, clock } = setup()
    const other = createJobQueue(db, { ...QUEUE, name: q.name }, { now: clock.now })
    q.enqueueMany([job('a'), job('b'), job('c')])
    q.claimMany({ worker: 'w', limit: 2 })
    other.claim({ worker: 'w' })
    expect(codeOf(() => q.ackMany(['a', 'b', 'c', 'd'], 'w'))).toBe('STORE_JOB_NOT_FOUND')
    expect(q.stats()).toMatchObject({ claimed: 3, done: 0 })
    q.ackMany(['a', 'b', 'c'], 'w')
    expect(q.stats()).toMatchObject({ claimed: 0, done: 3 })
  })
})
