import { afterAll, describe, expect, it } from 'vitest'
import { createStore, type SynchronousMode, seededRandom } from '#node'
import { spawnTs } from '../utils/spawn.js'
import { makeTempDir } from '../utils/temp-dir.js'
import { EFFECTS_DDL, ENQUEUE_BATCH } from './queue-crash-shared.js'

// design.md §5: "a crash at any point loses nothing and evaluates nothing twice after restart".
// A child process works the queue (claim → record effect + log + outbox + ack in one transaction) and is
// SIGKILLed at random moments, then restarted; after every kill the database must show each job's effect
// at most once, exactly for the jobs that are acked, with nothing lost and the file intact.

const CHILD = 'test/faults/queue-crash-child.ts'
const JOBS = 5_000
const KILLS = 5
const ENQUEUE_KILLS = 4
const SEED = Number(process.env.FAULT_SEED ?? Math.floor(Math.random() * 2 ** 31))
const random = seededRandom(SEED)
const tmp = makeTempDir('kinitro-queue-crash-')
afterAll(() => tmp.cleanup())

const jobId = (i: number) => `job-${String(i).padStart(4, '0')}`
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

interface Snapshot {
  integrity: string
  states: Record<string, number>
  done: Set<string>
  effects: Map<string, number>
  logIds: number
  outbox: number
  missing: number
}

/** Open the file as a restarted node would (WAL recovery included) and read what survived. */
function snapshot(path: string): Snapshot {
  const store = createStore({ path })
  try {
    const db = store.db.sqlite
    const integrity = db.pragma('integrity_check', { simple: true }) as string
    // Stored states are 0 open, 2 done, 3 dead; an open row with a lease is claimed (queue-sql.ts).
    const rows = db
      .prepare('SELECT id, CASE WHEN lease_until IS NULL THEN state ELSE 1 END AS state FROM jobs')
      .all() as { id: string; state: number }[]
    const states: Record<string, number> = {}
    const names = ['pending', 'claimed', 'done', 'dead']
    for (const r of rows) states[names[r.state]!] = (states[names[r.state]!] ?? 0) + 1
    const effects = new Map<string, number>()
    for (const { job_id } of db.prepare('SELECT job_id FROM fault_effects').all() as { job_id: string }[]) {
      effects.set(job_id, (effects.get(job_id) ?? 0) + 1)
    }
    const ids = new Set(rows.map((r) => r.id))
    return {
      integrity,
      states,
      done: new Set(rows.filter((r) => r.state === 2).map((r) => r.id)),
      effects,
      logIds: store.log.count(),
      outbox: store.outbox.pendingCount(),
      missing: Array.from({ length: JOBS }, (_, i) => jobId(i)).filter((id) => !ids.has(id)).length,
    }
  } finally {
    store.close()
  }
}

function expectConsistent(s: Snapshot, where: string): void {
  const msg = `${where} (FAULT_SEED=${SEED})`
  expect(s.integrity, msg).toBe('ok')
  expect(s.missing, `${msg}: enqueued jobs lost`).toBe(0)
  expect(s.states.dead ?? 0, msg).toBe(0)
  const twice = [...s.effects].filter(([, n]) => n > 1).map(([id]) => id)
  expect(twice, `${msg}: effects recorded twice`).toEqual([])
  expect([...s.effects.keys()].sort(), `${msg}: effects ≠ acked jobs`).toEqual([...s.done].sort())
  expect(s.logIds, `${msg}: log rows ≠ acked jobs`).toBe(s.done.size)
  expect(s.outbox, `${msg}: outbox rows ≠ acked jobs`).toBe(s.done.size)
}

describe.each(['FULL', 'NORMAL'] as const)('queue under SIGKILL, synchronous=%s', (sync: SynchronousMode) => {
  const path = tmp.file(`crash-${sync}.sqlite`)

  it('loses no job and records no effect twice across kills and restarts', { timeout: 180_000 }, async () => {
    const setup = createStore({ path, synchronous: sync })
    setup.db.sqlite.exec(EFFECTS_DDL)
    setup.queue.enqueueMany(
      Array.from({ length: JOBS }, (_, i) => ({ id: jobId(i), payload: Uint8Array.of(i & 0xff) })),
    )
    setup.close()

    let lastDone = -1
    for (let k = 1; k <= KILLS; k++) {
      const child = spawnTs(CHILD, ['work', path, sync, String(k)])
      await child.waitForLine((l) => l === 'ready')
      await sleep(20 + Math.floor(random() * 250))
      await child.crash()
      const s = snapshot(path)
      expectConsistent(s, `after kill ${k}`)
      expect(s.done.size, `kill ${k}: acked jobs went backwards`).toBeGreaterThanOrEqual(lastDone)
      lastDone = s.done.size
    }

    const drain = spawnTs(CHILD, ['drain', path, sync, String(KILLS + 1)])
    const exit = await drain.exited
    expect(exit, drain.stderr()).toEqual({ code: 0, signal: null })
    const end = snapshot(path)
    expectConsistent(end, 'after drain')
    expect(end.done.size).toBe(JOBS)
    expect(end.states).toEqual({ done: JOBS })
  })

  it('commits enqueueMany batches whole or not at all when killed mid-batch', { timeout: 120_000 }, async () => {
    const epath = tmp.file(`enqueue-${sync}.sqlite`)
    createStore({ path: epath, synchronous: sync }).close()
    for (let round = 1; round <= ENQUEUE_KILLS; round++) {
      const child = spawnTs(CHILD, ['enqueue', epath, sync, String(round)])
      // Let a few batches commit, then kill at a random point (most of the time is inside a batch).
      await child.waitForLine((l) => l === 'batch 3')
      await sleep(Math.floor(random() * 40))
      await child.crash()

      const store = createStore({ path: epath })
      const perBatch = new Map<string, number>()
      for (const id of store.db.sqlite.prepare('SELECT id FROM jobs').pluck().all() as string[]) {
        const batch = id.slice(0, id.lastIndexOf('-'))
        perBatch.set(batch, (perBatch.get(batch) ?? 0) + 1)
      }
      const counts = [...perBatch].map(([batch, n]) => ({ batch, n }))
      const integrity = store.db.sqlite.pragma('integrity_check', { simple: true })
      store.close()
      const msg = `round ${round} (FAULT_SEED=${SEED})`
      expect(integrity, msg).toBe('ok')
      const partial = counts.filter((c) => c.n !== ENQUEUE_BATCH)
      expect(partial, `${msg}: partly committed batches`).toEqual([])
      const mine = counts.filter((c) => c.batch.startsWith(`r${round}-`)).length
      expect(mine, `${msg}: committed batches`).toBeGreaterThanOrEqual(3)
    }
  })
})
