import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { pathToFileURL } from 'node:url'
import { Worker } from 'node:worker_threads'
import { type Logger, silentLogger } from '#protocol'
import { detailOf } from '../episode/failure.js'
import { failedTrace } from '../episode/synthetic.js'
import type { EpisodeTrace } from '../episode/types.js'
import { PoolError } from './errors.js'
import type { FromWorker, ToWorker, WorkerInit } from './messages.js'
import type { EpisodePool, ModuleRef, PoolEpisodeRequest, PoolRunOptions } from './types.js'

// Sources run as .ts in tests and `npm run kinitro`, as .js from dist in production.
const IS_TS = import.meta.url.endsWith('.ts')
const EXT = IS_TS ? '.ts' : '.js'

/** The production environment family: the in-process MuJoCo tasks. */
export const MUJOCO_ENV_MODULE: ModuleRef = {
  specifier: new URL(`../env/mujoco/index${EXT}`, import.meta.url).href,
  exportName: 'createMujocoEnvironmentFactory',
}

/** The toy family (tests, smoke runs). */
export const TOY_ENV_MODULE: ModuleRef = {
  specifier: new URL(`../env/toy/index${EXT}`, import.meta.url).href,
  exportName: 'createToyEnvironmentFactory',
}

export interface EpisodePoolInit {
  /** Worker threads = most episodes at once. */
  size: number
  /** Environment factory each worker imports. @default MUJOCO_ENV_MODULE */
  envModule?: ModuleRef
  /** Policy-client maker each worker imports, `(endpoint, { limits }) => PolicyClient`. @default the HTTP client */
  policyModule?: ModuleRef
  /**
   * Most submissions waiting for a worker. A job submits one episode per policy lane, so twice the
   * pool size absorbs jobs with up to 3× as many lanes as workers; more means the caller over-submits.
   * @default 2 × size
   */
  maxQueue?: number
  /** Post progress every this many steps. @default 25 */
  progressEvery?: number
  /** How long a cancelled episode may take to stop before its worker is terminated. @default 5000 */
  cancelGraceMs?: number
  logger?: Logger
}

interface Job {
  id: number
  req: PoolEpisodeRequest
  opts: PoolRunOptions
  resolve: (t: EpisodeTrace) => void
  reject: (e: unknown) => void
  cleanup: () => void
}

interface Slot {
  worker: Worker
  job?: Job
  ready: boolean
  cancelTimer?: NodeJS.Timeout
}

// Consecutive workers dying before they say `ready`: past this the pool stops respawning.
const MAX_START_FAILURES = 3

/** URL of tsx's ESM register API (`tsx/esm/api`, import condition); `require.resolve` would give the CJS build. */
function tsxEsmApi(): string {
  const pkgPath = createRequire(import.meta.url).resolve('tsx/package.json')
  const pkg = JSON.parse(readFileSync(pkgPath, 'utf8')) as {
    exports: Record<string, { import: string | { default: string } }>
  }
  const target = pkg.exports['./esm/api']?.import
  const rel = typeof target === 'string' ? target : target?.default
  if (rel === undefined) throw new Error('tsx has no ./esm/api export')
  return new URL(rel, pathToFileURL(pkgPath)).href
}

function workerScript(): { script: string | URL; eval: boolean; execArgv?: string[] } {
  const entry = new URL(`./worker${EXT}`, import.meta.url)
  if (!IS_TS) return { script: entry, eval: false }
  // Node 20 does not apply `--import tsx` hooks to a worker's own entry module, so a tiny CommonJS
  // bootstrap registers tsx in the worker and then imports the TypeScript entry.
  const tsxApi = tsxEsmApi()
  const script = `import(${JSON.stringify(tsxApi)}).then((m) => { m.register(); return import(${JSON.stringify(entry.href)}) })`
  return { script, eval: true, execArgv: ['--conditions=source'] }
}

/**
 * A pool of worker threads that run whole episodes (environment and policy HTTP calls inside the
 * worker). Concurrency is bounded by `size`, waiting submissions by `maxQueue`; a worker that dies
 * mid-episode is replaced and that episode ends `validator_internal`.
 *
 * @example
 * ```ts
 * const pool = createEpisodePool({ size: 2, envModule: TOY_ENV_MODULE })
 * const trace = await pool.run({ task, episodeIndex: 0, endpoint: { url }, limits: DEFAULT_POLICY_LIMITS })
 * await pool.close()
 * ```
 */
export function createEpisodePool(init: EpisodePoolInit): EpisodePool {
  const size = init.size
  const maxQueue = init.maxQueue ?? 2 * size
  if (!Number.isInteger(size) || size < 1) {
    throw new PoolError({ code: 'EVAL_POOL_INVALID_OPTIONS', option: 'size', reason: 'an integer ≥ 1' })
  }
  if (!Number.isInteger(maxQueue) || maxQueue < 0) {
    throw new PoolError({ code: 'EVAL_POOL_INVALID_OPTIONS', option: 'maxQueue', reason: 'an integer ≥ 0' })
  }
  const log = (init.logger ?? silentLogger).child('evaluator:pool')
  const cancelGraceMs = init.cancelGraceMs ?? 5_000
  const workerInit: WorkerInit = {
    envModule: init.envModule ?? MUJOCO_ENV_MODULE,
    progressEvery: Math.max(1, init.progressEvery ?? 25),
  }
  if (init.policyModule) workerInit.policyModule = init.policyModule
  const slots = new Set<Slot>()
  const queue: Job[] = []
  let nextId = 1
  let closed = false
  let startFailures = 0
  let broken: PoolError | undefined

  function finish(slot: Slot | undefined, job: Job, trace: EpisodeTrace): void {
    if (slot) {
      slot.job = undefined
      clearTimeout(slot.cancelTimer)
      slot.cancelTimer = undefined
    }
    job.cleanup()
    job.resolve(trace)
    pump()
  }

  function spawn(): Slot {
    const w = workerScript()
    const worker = new Worker(w.script, {
      eval: w.eval,
      workerData: workerInit,
      ...(w.execArgv ? { execArgv: w.execArgv } : {}),
    })
    const slot: Slot = { worker, ready: false }
    worker.on('message', (msg: FromWorker) => {
      if (msg.type === 'ready') {
        slot.ready = true
        startFailures = 0
        pump()
      } else if (msg.type === 'progress') {
        if (slot.job?.id === msg.id) {
          slot.job.opts.onProgress?.({
            episodeIndex: slot.job.req.episodeIndex,
            steps: msg.steps,
            success: msg.success,
          })
        }
      } else if (msg.type === 'done' && slot.job?.id === msg.id) {
        const job = slot.job
        const o = msg.trace.outcome
        job.opts.onProgress?.({ episodeIndex: o.episodeIndex, steps: o.steps, success: o.success })
        finish(slot, job, msg.trace)
      }
    })
    let reason = 'worker exited'
    worker.on('error', (err) => {
      reason = detailOf(err)
    })
    worker.on('exit', (code) => {
      slots.delete(slot)
      clearTimeout(slot.cancelTimer)
      if (closed) return
      if (!slot.ready && ++startFailures >= MAX_START_FAILURES) {
        broken = new PoolError({ code: 'EVAL_POOL_WORKER_START_FAILED', failures: startFailures, reason })
        log.error('pool workers fail to start', { reason })
      }
      const job = slot.job
      if (job) {
        const cancelled = job.opts.signal?.aborted === true
        log.warn('pool worker died mid-episode', { code, reason, episodeIndex: job.req.episodeIndex })
        const failure = cancelled ? 'validator_cancelled' : 'validator_internal'
        finish(undefined, job, failedTrace(job.req.task, job.req.episodeIndex, failure, `worker died: ${reason}`))
      }
      if (broken) {
        for (const j of queue.splice(0)) {
          j.cleanup()
          j.reject(broken)
        }
        return
      }
      slots.add(spawn())
      pump()
    })
    return slot
  }

  function pump(): void {
    for (const slot of slots) {
      if (queue.length === 0) return
      if (!slot.ready || slot.job) continue
      const job = queue.shift() as Job
      slot.job = job
      const msg: ToWorker = { type: 'run', id: job.id, req: job.req }
      slot.worker.postMessage(msg)
    }
  }

  function cancel(job: Job): void {
    const qi = queue.indexOf(job)
    if (qi >= 0) {
      queue.splice(qi, 1)
      job.cleanup()
      job.resolve(failedTrace(job.req.task, job.req.episodeIndex, 'validator_cancelled', 'cancelled while queued'))
      return
    }
    for (const slot of slots) {
      if (slot.job !== job) continue
      slot.worker.postMessage({ type: 'cancel', id: job.id } satisfies ToWorker)
      // A worker stuck in synchronous code cannot see the cancel; terminating it is the backstop.
      slot.cancelTimer = setTimeout(() => void slot.worker.terminate(), cancelGraceMs)
    }
  }

  for (let i = 0; i < size; i++) slots.add(spawn())

  return {
    size,
    maxQueue,
    get queued() {
      return queue.length
    },
    get running() {
      let n = 0
      for (const s of slots) if (s.job) n++
      return n
    },
    run(req, opts = {}) {
      if (closed) return Promise.reject(new PoolError({ code: 'EVAL_POOL_CLOSED' }, 'pool is closed'))
      if (broken) return Promise.reject(broken)
      if (opts.signal?.aborted) {
        return Promise.resolve(failedTrace(req.task, req.episodeIndex, 'validator_cancelled', 'cancelled before start'))
      }
      const running = [...slots].filter((s) => s.job).length
      if (running + queue.length >= size + maxQueue) {
        return Promise.reject(
          new PoolError({ code: 'EVAL_POOL_FULL', maxQueue, running }, 'episode pool queue is full'),
        )
      }
      return new Promise<EpisodeTrace>((resolve, reject) => {
        const onAbort = () => cancel(job)
        const job: Job = {
          id: nextId++,
          req,
          opts,
          resolve,
          reject,
          cleanup: () => opts.signal?.removeEventListener('abort', onAbort),
        }
        opts.signal?.addEventListener('abort', onAbort, { once: true })
        queue.push(job)
        pump()
      })
    },
    async close() {
      if (closed) return
      closed = true
      for (const j of queue.splice(0)) {
        j.cleanup()
        j.resolve(failedTrace(j.req.task, j.req.episodeIndex, 'validator_cancelled', 'pool closed'))
      }
      const all = [...slots]
      for (const s of all) {
        clearTimeout(s.cancelTimer)
        if (s.job) {
          const job = s.job
          s.job = undefined
          job.cleanup()
          job.resolve(failedTrace(job.req.task, job.req.episodeIndex, 'validator_cancelled', 'pool closed'))
        }
      }
      await Promise.all(all.map((s) => s.worker.terminate()))
      slots.clear()
    },
  }
}
