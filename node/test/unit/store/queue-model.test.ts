import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  backoffDelayMs,
  createStore,
  type JobQueue,
  type JobStateName,
  seededRandom,
} from '../../../src/store/index.js'

// Model-based test: random sequences of queue operations run against the SQLite queue and against a plain
// in-memory model of the documented rules; after every step both must show the same jobs. The model reuses
// only the pure backoff function (tested on its own) and an identically seeded PRNG.

const OPTS = { leaseMs: 100, maxAttempts: 2, backoffBaseMs: 40, backoffCapMs: 200, backoffJitter: 0.5, seed: 11 }
const POLICY = { baseMs: OPTS.backoffBaseMs, capMs: OPTS.backoffCapMs, jitter: OPTS.backoffJitter }
const IDS = ['a', 'b', 'c', 'd', 'e']
const WORKERS = ['w1', 'w2']

interface MJob {
  id: string
  seq: number
  state: JobStateName
  attempts: number
  /** Observable: pending → due time, claimed → lease expiry, dead → when buried. */
  runAt: number
  /** When the job became due; a claim keeps it, so an expired lease is retried at its original place. */
  dueAt: number
  worker: string | null
}

class Model {
  now = 1_000_000
  seq = 0
  readonly jobs = new Map<string, MJob>()
  readonly random = seededRandom(OPTS.seed)

  held(id: string, worker: string): MJob | undefined {
    const j = this.jobs.get(id)
    return j?.state === 'claimed' && j.worker === worker ? j : undefined
  }

  /** The documented claim rule, one job at a time. */
  claimOne(worker: string): MJob | undefined {
    for (;;) {
      const due = [...this.jobs.values()]
        .filter((j) => (j.state === 'pending' || j.state === 'claimed') && j.runAt <= this.now)
        .sort((x, y) => x.dueAt - y.dueAt || x.seq - y.seq)[0]
      if (due === undefined) return undefined
      if (due.state === 'claimed' && due.attempts >= OPTS.maxAttempts) {
        due.state = 'dead'
        due.runAt = this.now
        continue
      }
      Object.assign(due, { state: 'claimed', attempts: due.attempts + 1, worker, runAt: this.now + OPTS.leaseMs })
      return due
    }
  }
}

interface Real {
  q: JobQueue
}

type Cmd = fc.Command<Model, Real>

function expectRefused(fn: () => unknown, m: Model, id: string): void {
  let code: string | undefined
  try {
    fn()
  } catch (err) {
    code = (err as { code?: string }).code
  }
  expect(code).toBe(m.jobs.has(id) ? 'STORE_LEASE_NOT_HELD' : 'STORE_JOB_NOT_FOUND')
}

// Each command runs the operation on both sides, compares the answers, then compares the full state, so a
// divergence points at its step.
function command(label: string, run: (m: Model, r: Real) => void): Cmd {
  return {
    check: () => true,
    run: (m, r) => {
      run(m, r)
      sameState(m, r)
    },
    toString: () => label,
  }
}

const enqueue = (id: string, delay: number) =>
  command(`enqueue(${id}, +${delay})`, (m, r) => {
    const isNew = !m.jobs.has(id)
    expect(r.q.enqueue({ id, payload: Uint8Array.of(1), runAt: m.now + delay })).toBe(isNew)
    if (isNew) {
      const runAt = m.now + delay
      m.jobs.set(id, { id, seq: m.seq++, state: 'pending', attempts: 0, runAt, dueAt: runAt, worker: null })
    }
  })

const claim = (worker: string) =>
  command(`claim(${worker})`, (m, r) => {
    const want = m.claimOne(worker)
    const got = r.q.claim({ worker })
    expect(got && { id: got.id, attempt: got.attempt, leaseUntil: got.leaseUntil }).toEqual(
      want && { id: want.id, attempt: want.attempts, leaseUntil: want.runAt },
    )
  })

const claimMany = (worker: string, limit: number) =>
  command(`claimMany(${worker}, ${limit})`, (m, r) => {
    const want: MJob[] = []
    while (want.length < limit) {
      const j = m.claimOne(worker)
      if (j === undefined) break
      want.push(j)
    }
    const got = r.q.claimMany({ worker, limit })
    expect(got.map((j) => j.id)).toEqual(want.sort((x, y) => x.seq - y.seq).map((j) => j.id))
  })

const ack = (id: string, worker: string) =>
  command(`ack(${id}, ${worker})`, (m, r) => {
    const j = m.held(id, worker)
    if (j === undefined) return expectRefused(() => r.q.ack(id, worker), m, id)
    r.q.ack(id, worker)
    j.state = 'done'
  })

const fail = (id: string, worker: string, permanent: boolean) =>
  command(`fail(${id}, ${worker}${permanent ? ', permanent' : ''})`, (m, r) => {
    const j = m.held(id, worker)
    if (j === undefined) return expectRefused(() => r.q.fail(id, worker, 'x'), m, id)
    const got = r.q.fail(id, worker, 'x', { permanent })
    if (permanent || j.attempts >= OPTS.maxAttempts) {
      Object.assign(j, { state: 'dead', runAt: m.now })
      expect(got).toEqual({ state: 'dead', attempts: j.attempts })
    } else {
      const retryAt = m.now + backoffDelayMs(j.attempts, POLICY, m.random())
      Object.assign(j, { state: 'pending', runAt: retryAt, dueAt: retryAt })
      expect(got).toEqual({ state: 'pending', attempts: j.attempts, retryAt: j.runAt })
    }
  })

const heartbeat = (id: string, worker: string) =>
  command(`heartbeat(${id}, ${worker})`, (m, r) => {
    const j = m.held(id, worker)
    if (j) j.runAt = m.now + OPTS.leaseMs
    expect(r.q.heartbeat(id, worker)).toBe(j !== undefined)
  })

const requeueDead = (id: string) =>
  command(`requeueDead(${id})`, (m, r) => {
    const j = m.jobs.get(id)
    const dead = j?.state === 'dead'
    if (j && dead) Object.assign(j, { state: 'pending', attempts: 0, runAt: m.now, dueAt: m.now })
    expect(r.q.requeueDead(id)).toBe(dead)
  })

const advance = (ms: number) =>
  command(`advance(${ms})`, (m) => {
    m.now += ms
  })

function sameState(m: Model, r: Real): void {
  const counts = { pending: 0, claimed: 0, done: 0, dead: 0 }
  for (const j of m.jobs.values()) {
    counts[j.state]++
    const got = r.q.get(j.id)
    expect(got && { state: got.state, attempts: got.attempts, runAt: got.runAt, worker: got.worker }, j.id).toEqual({
      state: j.state,
      attempts: j.attempts,
      runAt: j.state === 'done' ? got?.runAt : j.runAt,
      worker: j.worker,
    })
  }
  expect(r.q.stats()).toEqual(counts)
  expect(
    r.q
      .dead(100)
      .map((j) => j.id)
      .sort(),
  ).toEqual(
    [...m.jobs.values()]
      .filter((j) => j.state === 'dead')
      .map((j) => j.id)
      .sort(),
  )
}

const id = fc.constantFrom(...IDS)
const worker = fc.constantFrom(...WORKERS)
const commands = [
  fc.tuple(id, fc.constantFrom(0, 0, 30, 150)).map(([i, d]) => enqueue(i, d)),
  // Claims and clock steps appear twice so lease expiry and exhaustion (claim, expire, claim …) happen often.
  worker.map((w) => claim(w)),
  worker.map((w) => claim(w)),
  fc.tuple(worker, fc.integer({ min: 1, max: 3 })).map(([w, n]) => claimMany(w, n)),
  fc.tuple(id, worker).map(([i, w]) => ack(i, w)),
  fc.tuple(id, worker, fc.boolean()).map(([i, w, p]) => fail(i, w, p)),
  fc.tuple(id, worker).map(([i, w]) => heartbeat(i, w)),
  id.map((i) => requeueDead(i)),
  fc.constantFrom(1, 20, 60, 99, 100, 250).map((ms) => advance(ms)),
  fc.constantFrom(100, 250).map((ms) => advance(ms)),
]

describe('JobQueue against an in-memory model', () => {
  it('shows the same jobs, states, attempts, leases and answers after any sequence of operations', () => {
    fc.assert(
      fc.property(fc.commands(commands, { maxCommands: 80, size: 'max' }), (cmds) => {
        const model = new Model()
        const store = createStore({ now: () => model.now, queue: OPTS })
        try {
          const real = { q: store.queue }
          fc.modelRun(() => ({ model, real }), cmds)
        } finally {
          store.close()
        }
      }),
      { numRuns: 300 },
    )
  })
})
