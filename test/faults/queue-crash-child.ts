import { createHash } from 'node:crypto'
import { createStore, type SynchronousMode } from '#node'
import { CHILD_LEASE_MS, ENQUEUE_BATCH, envelopeFor, INCARNATION_SKEW_MS } from './queue-crash-shared.js'

// Child process for queue-crash.test.ts; the parent SIGKILLs it at random moments.
//
//   work    <db> <sync> <incarnation>   claim → (sometimes fail) → record effect + log + outbox + ack in one
//                                        transaction, forever
//   drain   <db> <sync> <incarnation>   the same until every job is done, then exit 0
//   enqueue <db> <sync> <round>         enqueueMany batches of ENQUEUE_BATCH jobs, forever
//
// Each incarnation runs its clock INCARNATION_SKEW_MS ahead of the previous one, so the leases a killed
// incarnation held have expired when the next one starts: no sleeping, and the reclaim path is exercised.

function main(argv: string[]): void {
  const [mode, path, sync, nth] = argv
  const incarnation = Number(nth)
  const skew = incarnation * INCARNATION_SKEW_MS
  const store = createStore({
    path,
    synchronous: sync as SynchronousMode,
    now: () => Date.now() + skew,
    // Kills cost the claimed job an attempt; keep jobs alive through every kill of the test.
    queue: { leaseMs: CHILD_LEASE_MS, maxAttempts: 1_000, backoffBaseMs: 1, backoffCapMs: 5, seed: incarnation },
  })
  process.stdout.write('ready\n')
  if (mode === 'enqueue') enqueueForever(store, incarnation)
  else work(store, incarnation, mode === 'drain')
}

function enqueueForever(store: ReturnType<typeof createStore>, round: number): void {
  const payload = new Uint8Array(250).fill(round)
  for (let b = 0; ; b++) {
    process.stdout.write(`batch ${b}\n`)
    const jobs = Array.from({ length: ENQUEUE_BATCH }, (_, i) => ({ id: `r${round}-b${b}-${i}`, payload }))
    store.queue.enqueueMany(jobs)
  }
}

function work(store: ReturnType<typeof createStore>, incarnation: number, drain: boolean): void {
  const worker = `child-${incarnation}`
  const effect = store.db.sqlite.prepare('INSERT INTO fault_effects (job_id, incarnation) VALUES (?, ?)')
  let done = 0
  const finish = (jobId: string, attempt: number): void => {
    // A first attempt of every 7th job fails, so retries with backoff run under the kills too.
    if (attempt === 1 && Number(jobId.slice(4)) % 7 === 0) {
      store.queue.fail(jobId, worker, new Error('flaky'))
      return
    }
    const envelope = envelopeFor(jobId)
    const id = new Uint8Array(createHash('sha256').update(envelope).digest())
    store.transaction(() => {
      effect.run(jobId, incarnation)
      store.log.append({ id, topic: 'results', type: 'result', block: done, signer: Uint8Array.of(1), envelope })
      store.outbox.add(envelope, 'results')
      store.queue.ack(jobId, worker)
    })
    if (++done % 100 === 0) process.stdout.write(`done ${done}\n`)
  }
  for (let round = 0; ; round++) {
    // Alternate single claims and batches so both claim statements run under the kills.
    const jobs =
      round % 2 === 0
        ? [store.queue.claim({ worker })].filter((j) => j !== undefined)
        : store.queue.claimMany({ worker, limit: 5 })
    for (const j of jobs) finish(j.id, j.attempt)
    if (jobs.length > 0) continue
    const s = store.queue.stats()
    if (drain && s.pending === 0 && s.claimed === 0) break
    // Only retries waiting out their backoff (≤ 5 ms) remain: wait without spinning.
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1)
  }
  store.close()
  process.stdout.write(`drained ${done}\n`)
}

main(process.argv.slice(2))
