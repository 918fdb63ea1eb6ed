import { createHash } from 'node:crypto'
import {
  createJobStatus,
  decodeBody,
  JobState,
  jobManifest,
  type Logger,
  type ManifestRegistry,
  type Result,
  type Signer,
  sealEnvelope,
  topicOfType,
} from '#protocol'
import type { Store } from '../store/index.js'
import type { Evaluation } from './evaluation.js'
import type { OwnMessages } from './own.js'
import { buildResult } from './results.js'

/**
 * Blocks between RUNNING statuses while a job runs, whether episodes finish or not. It is what take-over
 * needs (a status well inside `silenceBlocks`, default 20) and enough for a progress bar. Progress used
 * to go out once per block: the internet-scale sim (test/sim, BENCHMARKS.md) found those statuses were
 * 95–98 % of all mesh messages at 256 validators × 256 miners.
 */
export const STATUS_INTERVAL_BLOCKS = 5

/** Inputs of {@link createWorker}. */
export interface WorkerInit {
  name: string
  store: Store
  evaluation: Evaluation
  manifests: ManifestRegistry
  own: OwnMessages
  netuid: number
  nodeSigner: Signer
  hotkey: string
  head: () => number
  logger: Logger
  /** Lease per claim; renewed while the job runs. @default 60000 */
  leaseMs?: number
  /** Idle poll. @default 500 */
  pollMs?: number
  /** Told when our result is committed (for replica comparison; `validator` is filled by the caller). */
  onResult?: (r: { result: Result; messageId: string }) => void
}

/** One evaluation lane: claims a job, evaluates it, commits result + outbox + ack in one transaction. */
export interface Worker {
  start(): void
  wake(): void
  /** Stop claiming; the running job is cancelled and released back to the queue (never lost). */
  stop(): Promise<void>
  busy(): boolean
}

export function createWorker(init: WorkerInit): Worker {
  const log = init.logger.child('node:worker')
  const { store } = init
  const leaseMs = init.leaseMs ?? 60_000
  let running = false
  let loop: Promise<void> | undefined
  let wakeUp: (() => void) | undefined
  let current: AbortController | undefined

  function status(jobId: Uint8Array, state: JobState, done = 0, total = 0, detail = ''): void {
    const block = init.head()
    init.own.record(
      'job-status',
      createJobStatus({
        netuid: init.netuid,
        block,
        jobId,
        state,
        episodesDone: done,
        episodesTotal: total,
        detail,
      }),
      block,
    )
  }

  async function runOne(): Promise<boolean> {
    const job = store.queue.claim({ worker: init.name, leaseMs })
    if (job === undefined) return false
    const announcement = decodeBody('job-announcement', job.payload)
    const registered = init.manifests.get(announcement.competitionId)
    if (registered === undefined) {
      store.queue.fail(job.id, init.name, new Error(`competition ${announcement.competitionId} unknown`))
      return true
    }
    // A re-run naming env ids evaluates only those envs' tasks.
    const manifest = jobManifest(registered, announcement)
    const ac = new AbortController()
    current = ac
    const started = init.head()
    const total = manifest.tasks.length * manifest.episodesPerTask
    status(announcement.jobId, JobState.RUNNING, 0, total)
    let lastStatusBlock = started
    let done = 0
    const progress = (): void => {
      const head = init.head()
      if (head - lastStatusBlock < STATUS_INTERVAL_BLOCKS) return
      lastStatusBlock = head
      status(announcement.jobId, JobState.RUNNING, done, total)
    }
    const beat = setInterval(
      () => {
        store.queue.heartbeat(job.id, init.name, { leaseMs })
        // Liveness for take-over even inside a long episode.
        progress()
      },
      Math.min(1000, leaseMs / 3),
    )
    try {
      const evaluated = await init.evaluation.evaluate(
        { announcement, manifest },
        {
          signal: ac.signal,
          validator: init.hotkey,
          onProgress: (n) => {
            done = n
            if (done < total) progress()
          },
        },
      )
      if (ac.signal.aborted) throw new Error('cancelled')
      const finished = Math.max(init.head(), started)
      const body = buildResult({
        netuid: init.netuid,
        announcement,
        episodes: evaluated.episodes,
        artifactUris: evaluated.artifactUris,
        startedAtBlock: started,
        finishedAtBlock: finished,
      })
      const envelope = sealEnvelope('result', body, init.netuid, init.nodeSigner)
      const id = new Uint8Array(createHash('sha256').update(envelope).digest())
      const topic = topicOfType('result')
      // One transaction: after a crash either the result is stored, queued for publishing and the job
      // done, or none of it happened and the job's lease expires into a retry.
      store.transaction(() => {
        store.log.append({
          id,
          topic,
          type: 'result',
          block: finished,
          signer: init.nodeSigner.publicKey,
          hotkey: init.hotkey,
          envelope,
        })
        store.outbox.add(envelope, topic)
        status(announcement.jobId, JobState.DONE, total, total)
        store.queue.ack(job.id, init.name)
      })
      log.info('job evaluated', {
        job: job.id.slice(0, 16),
        successes: body.summary?.successes,
        episodes: body.summary?.episodes,
        isolation: evaluated.isolation,
      })
      init.onResult?.({ result: body, messageId: Buffer.from(id).toString('hex') })
    } catch (err) {
      if (ac.signal.aborted) {
        store.queue.fail(job.id, init.name, new Error('released at shutdown'))
        log.info('job released', { job: job.id.slice(0, 16) })
      } else {
        log.warn('job failed; will retry', { job: job.id.slice(0, 16) }, err)
        store.queue.fail(job.id, init.name, err)
        status(announcement.jobId, JobState.FAILED, 0, total, String((err as Error).message ?? err).slice(0, 200))
      }
    } finally {
      clearInterval(beat)
      current = undefined
    }
    return true
  }

  async function run(): Promise<void> {
    while (running) {
      let worked = false
      try {
        worked = await runOne()
      } catch (err) {
        log.warn('worker round failed', {}, err)
      }
      if (!running) break
      if (!worked) {
        await new Promise<void>((resolve) => {
          wakeUp = resolve
          setTimeout(resolve, init.pollMs ?? 500).unref()
        })
        wakeUp = undefined
      }
    }
  }

  return {
    start() {
      if (running) return
      running = true
      loop = run()
    },
    wake: () => wakeUp?.(),
    async stop() {
      running = false
      current?.abort()
      wakeUp?.()
      await loop
    },
    busy: () => current !== undefined,
  }
}
