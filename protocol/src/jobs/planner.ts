import type { BlockRef, Chain } from '../chain/chain.js'
import { type Logger, silentLogger } from '../logger.js'
import type { CompetitionManifest } from '../proto/kinitro.js'
import { artifactOf } from './artifact.js'
import { DEFAULT_REPLICAS, rankValidators, type ValidatorInfo } from './assign.js'
import { cycleOf, cycleStartBlock } from './cycles.js'
import { type DerivedJob, deriveJobs, type KnownArtifact, type MinerCommitment } from './derive.js'
import { JobsError } from './errors.js'

/** What a validator advertises about itself (from its peer record, later): capacity and families. */
export interface ValidatorProfile {
  capacity: number
  /** `undefined` = every family. */
  families?: readonly string[]
}

/** A derived job with its rendezvous ranking and assignees. */
export interface PlannedJob extends DerivedJob {
  /** Every eligible validator in rendezvous order (for take-over). */
  ranking: string[]
  /** The first R of `ranking`. */
  assignees: string[]
}

/** One planning round: the jobs of every competition's current cycle at `head`. */
export interface JobPlan {
  head: BlockRef
  jobs: PlannedJob[]
  /** Jobs assigned to `self` (empty without `self`). */
  mine: PlannedJob[]
  /** Cycle start blocks whose hash the chain did not serve (their competitions have no jobs this round). */
  missingHashes: number[]
}

/** Inputs of {@link createJobPlanner}. */
export interface JobPlannerInit {
  chain: Chain
  /** Accepted competition manifests (from the `competitions` topic); read on every block. */
  manifests: () => readonly CompetitionManifest[]
  /** This validator's SS58 hotkey; selects `mine`. */
  self?: string
  /** Capacity and families per validator hotkey. @default capacity 1, every family */
  profiles?: (hotkey: string) => ValidatorProfile | undefined
  /** Validators per job. @default 3 */
  replicas?: number
  /** Stake (rao) that makes a neuron without a validator permit eligible too. @default none */
  minStake?: bigint
  /** Evaluation keys this node already evaluated (see `evaluationKey`). */
  alreadyEvaluated?: () => ReadonlySet<string>
  /** Called with every plan, in block order. Exceptions are logged, not propagated. */
  onJobs?: (plan: JobPlan) => void
  /** @default silentLogger */
  logger?: Logger
  /** Wait before re-opening a failed block stream. @default 1000 */
  retryMs?: number
}

/** The job planner service. */
export interface JobPlanner {
  /** Plan at the head now, then on every new block. Idempotent. */
  start(): Promise<void>
  /** Stop following blocks; open iterators end. Idempotent. */
  stop(): Promise<void>
  /** The latest plan. */
  latest(): JobPlan | undefined
  /** Compute a plan at `head` without emitting it. */
  plan(head: BlockRef, opts?: { signal?: AbortSignal }): Promise<JobPlan>
  /**
   * Plans as they come. Backpressure: one slot per iterator, latest wins — a slow consumer skips
   * intermediate plans (each plan is complete, so nothing is lost by skipping).
   */
  plans(opts?: { signal?: AbortSignal }): AsyncIterable<JobPlan>
}

/** Bounds of in-memory state (declared backpressure, style §2). */
export const JOB_PLANNER_LIMITS = {
  /** Block hashes kept (cycle starts and recent blocks). */
  blockHashes: 4096,
  /** (hotkey, artifact) sightings kept for the re-commit rule. */
  knownArtifacts: 65_536,
  /** Plans buffered per `plans()` iterator (latest wins). */
  iteratorSlots: 1,
} as const

const utf8 = new TextDecoder('utf-8', { fatal: true })

function hexToBytes(hex: string): Uint8Array {
  return new Uint8Array(Buffer.from(hex.startsWith('0x') ? hex.slice(2) : hex, 'hex'))
}

function abortableDelay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve()
    const t = setTimeout(done, ms)
    function done() {
      clearTimeout(t)
      signal.removeEventListener('abort', done)
      resolve()
    }
    signal.addEventListener('abort', done, { once: true })
  })
}

/**
 * The job planner (design §5): on every new block it reads the metagraph and commitments, derives the
 * current cycle's jobs (`deriveJobs`), ranks validators for each (`rankValidators`) and reports the plan
 * and the jobs assigned to `self`. It writes no queue yet.
 *
 * @example
 * ```ts
 * const planner = createJobPlanner({ chain, manifests: () => accepted, self: hotkey.ss58 })
 * await planner.start()
 * for await (const plan of planner.plans({ signal })) console.log(plan.mine.length)
 * ```
 */
export function createJobPlanner(init: JobPlannerInit): JobPlanner {
  const { chain } = init
  const log = (init.logger ?? silentLogger).child('node:jobs')
  const replicas = init.replicas ?? DEFAULT_REPLICAS
  const retryMs = init.retryMs ?? 1000
  const hashes = new Map<number, Uint8Array>()
  const known = new Map<string, KnownArtifact>()
  const subscribers = new Set<{ push(plan: JobPlan): void; end(): void }>()
  let latestPlan: JobPlan | undefined
  let controller: AbortController | undefined
  let loop: Promise<void> | undefined

  function remember(map: Map<number, Uint8Array>, block: number, hash: Uint8Array): void {
    if (map.size >= JOB_PLANNER_LIMITS.blockHashes) {
      const oldest = map.keys().next().value
      if (oldest !== undefined) map.delete(oldest)
    }
    map.set(block, hash)
  }

  async function hashOf(block: number, signal?: AbortSignal): Promise<Uint8Array | undefined> {
    const cached = hashes.get(block)
    if (cached !== undefined || block < 1) return cached
    // The Chain seam has no "hash of block n"; the block stream replays history from any point.
    const ac = new AbortController()
    const onAbort = () => ac.abort()
    signal?.addEventListener('abort', onAbort, { once: true })
    try {
      for await (const b of chain.blocks({ from: block - 1, signal: ac.signal })) {
        remember(hashes, b.number, hexToBytes(b.hash))
        if (b.number >= block) break
      }
    } catch (err) {
      if (signal?.aborted) throw err
      log.warn('cycle start hash unavailable', { block, code: 'JOBS_BLOCK_HASH_UNAVAILABLE' }, err)
    } finally {
      ac.abort()
      signal?.removeEventListener('abort', onAbort)
    }
    return hashes.get(block)
  }

  function learn(commitments: readonly MinerCommitment[]): void {
    for (const c of commitments) {
      const a = artifactOf(c.text)
      if (a === undefined) continue
      const key = `${c.hotkey}|${a.digest}`
      const prev = known.get(key)
      if (prev !== undefined && prev.block <= c.block) continue
      if (prev === undefined && known.size >= JOB_PLANNER_LIMITS.knownArtifacts) {
        const oldest = known.keys().next().value
        if (oldest !== undefined) known.delete(oldest)
      }
      known.set(key, { hotkey: c.hotkey, digest: a.digest, block: c.block })
    }
  }

  async function plan(head: BlockRef, opts: { signal?: AbortSignal } = {}): Promise<JobPlan> {
    const signal = opts.signal
    remember(hashes, head.number, hexToBytes(head.hash))
    let metagraph: Awaited<ReturnType<Chain['metagraph']>>
    let entries: Awaited<ReturnType<Chain['commitments']>>
    try {
      ;[metagraph, entries] = await Promise.all([chain.metagraph({ signal }), chain.commitments({ signal })])
    } catch (err) {
      if (signal?.aborted) throw err
      throw new JobsError(
        { code: 'JOBS_CHAIN_FAILED', call: 'metagraph/commitments', reason: String(err) },
        undefined,
        { cause: err },
      )
    }
    const uidOf = new Map(metagraph.neurons.map((n) => [n.hotkey, n.uid]))
    const commitments: MinerCommitment[] = []
    for (const e of entries) {
      const uid = uidOf.get(e.hotkey)
      if (uid === undefined) continue // not registered: not a miner of this subnet
      let text: string
      try {
        text = utf8.decode(e.data)
      } catch {
        continue
      }
      commitments.push({ hotkey: e.hotkey, uid, text, block: e.block })
    }
    const manifests = init.manifests()
    const blockHashes = new Map<number, Uint8Array>()
    for (const m of manifests) {
      let start: number
      try {
        const cycle = cycleOf(head.number, m)
        if (cycle === undefined) continue
        start = cycleStartBlock(cycle, m)
      } catch (err) {
        log.warn('manifest skipped', { competitionId: m.id, code: 'JOBS_BAD_MANIFEST' }, err)
        continue
      }
      const hash = await hashOf(start, signal)
      if (hash !== undefined) blockHashes.set(start, hash)
    }
    const usable = manifests.filter((m) => {
      try {
        cycleOf(head.number, m)
        return true
      } catch {
        return false
      }
    })
    const derived = deriveJobs({
      netuid: chain.netuid,
      block: head.number,
      manifests: usable,
      commitments,
      blockHashes,
      known: [...known.values()],
      alreadyEvaluated: init.alreadyEvaluated?.() ?? new Set(),
    })
    // Learn after deriving: a sighting must predate the re-commit it rescues, never the same round's data.
    learn(commitments)
    const validators: ValidatorInfo[] = metagraph.neurons
      .filter((n) => n.validatorPermit || (init.minStake !== undefined && n.stake >= init.minStake))
      .map((n) => {
        const p = init.profiles?.(n.hotkey)
        const v: ValidatorInfo = { hotkey: n.hotkey, stake: n.stake, capacity: p?.capacity ?? 1 }
        if (p?.families !== undefined) v.families = p.families
        return v
      })
    const jobs: PlannedJob[] = derived.jobs.map((j) => {
      const ranking = rankValidators(j.announcement.jobId, validators, j.families).map((v) => v.hotkey)
      return { ...j, ranking, assignees: ranking.slice(0, replicas) }
    })
    const self = init.self
    return {
      head,
      jobs,
      mine: self === undefined ? [] : jobs.filter((j) => j.assignees.includes(self)),
      missingHashes: derived.missingHashes,
    }
  }

  function emit(p: JobPlan): void {
    latestPlan = p
    try {
      init.onJobs?.(p)
    } catch (err) {
      log.warn('onJobs callback failed', { block: p.head.number }, err)
    }
    for (const s of subscribers) s.push(p)
  }

  async function planAndEmit(head: BlockRef, signal: AbortSignal): Promise<void> {
    try {
      emit(await plan(head, { signal }))
    } catch (err) {
      if (signal.aborted) return
      log.warn('job planning failed', { block: head.number, code: (err as { code?: string }).code }, err)
    }
  }

  async function run(signal: AbortSignal): Promise<void> {
    let from: number | undefined
    try {
      const head = await chain.head({ signal })
      await planAndEmit(head, signal)
      from = head.number
    } catch (err) {
      if (signal.aborted) return
      log.warn('chain head unavailable', { code: 'JOBS_CHAIN_FAILED' }, err)
    }
    while (!signal.aborted) {
      try {
        for await (const b of chain.blocks(from === undefined ? { signal } : { signal, from })) {
          remember(hashes, b.number, hexToBytes(b.hash))
          from = b.number
          await planAndEmit(b, signal)
          if (signal.aborted) break
        }
      } catch (err) {
        if (signal.aborted) break
        log.warn('block stream failed', { code: 'JOBS_CHAIN_FAILED' }, err)
      }
      await abortableDelay(retryMs, signal)
    }
  }

  return {
    async start() {
      if (controller !== undefined) return
      controller = new AbortController()
      loop = run(controller.signal)
    },
    async stop() {
      const c = controller
      if (c === undefined) return
      c.abort()
      await loop
      if (controller === c) {
        controller = undefined
        loop = undefined
      }
      for (const s of subscribers) s.end()
      subscribers.clear()
    },
    latest: () => latestPlan,
    plan,
    plans(opts = {}) {
      return {
        [Symbol.asyncIterator]() {
          let slot: JobPlan | undefined
          let ended = false
          let wake: (() => void) | undefined
          const sub = {
            push(p: JobPlan) {
              slot = p
              wake?.()
            },
            end() {
              ended = true
              wake?.()
            },
          }
          subscribers.add(sub)
          const onAbort = () => sub.end()
          opts.signal?.addEventListener('abort', onAbort, { once: true })
          if (opts.signal?.aborted) ended = true
          const finish = (): IteratorResult<JobPlan> => {
            subscribers.delete(sub)
            opts.signal?.removeEventListener('abort', onAbort)
            return { done: true, value: undefined }
          }
          return {
            async next(): Promise<IteratorResult<JobPlan>> {
              while (slot === undefined && !ended) {
                await new Promise<void>((resolve) => {
                  wake = resolve
                })
                wake = undefined
              }
              if (slot !== undefined) {
                const value = slot
                slot = undefined
                return { done: false, value }
              }
              return finish()
            },
            async return(): Promise<IteratorResult<JobPlan>> {
              ended = true
              return finish()
            },
          }
        },
      }
    },
  }
}
