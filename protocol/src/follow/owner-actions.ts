import type { Chain } from '../chain/chain.js'
import { ss58FromPublicKey } from '../identity/hotkey.js'
import { rankValidators, type ValidatorInfo } from '../jobs/assign.js'
import type { MinerCommitment } from '../jobs/derive.js'
import { deriveRerunJob, type RerunSkipReason } from '../jobs/rerun.js'
import type { Logger } from '../logger.js'
import { OwnerActionKind } from '../messages/types.js'
import type { OwnerAction } from '../proto/kinitro.js'
import type { OwnerActionRecord } from '../scoring/mesh/types.js'
import type { JobBook, KnownJob } from './book.js'
import type { ManifestRegistry } from './manifests.js'
import type { ChainView } from './view.js'

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex')
const utf8 = new TextDecoder('utf-8', { fatal: true })

/** Bound of the in-memory owner actions (declared backpressure): far more decisions than an owner makes. */
export const OWNER_ACTION_LIMITS = { actions: 65_536 } as const

/** Inputs of {@link createOwnerActionBook}. */
export interface OwnerActionBookInit {
  chain: Chain
  view: ChainView
  book: JobBook
  manifests: ManifestRegistry
  /** The validators eligible now (rendezvous input), as ingest sees them. */
  validators: () => ValidatorInfo[]
  /** Cycle start hash, cached by the caller; undefined when the chain did not serve it. */
  blockHash: (block: number) => Promise<Uint8Array | undefined>
  replicas: number
  logger: Logger
  /** A re-run job entered the job book (the node enqueues it when it is among the assignees). */
  onRerunJob?: (job: KnownJob) => void
}

/**
 * The subnet owner's accepted actions and their effects on the job book: each re-run becomes one extra job
 * (`deriveRerunJob`), planned once per action, in arrival order, off the message path (it reads the chain).
 */
export interface OwnerActionBook {
  /** Record an accepted (or replayed) action; a re-run is planned unless it already was. */
  add(id: Uint8Array, action: OwnerAction): void
  /** A manifest arrived: re-runs skipped for its unknown competition are planned again. */
  onManifest(competitionId: string): void
  /** Every action, ordered by (block, message id): the order effects apply in on every peer. */
  all(): OwnerActionRecord[]
  /** Whether an action with this id (hex) is known. */
  has(idHex: string): boolean
  /** Resolves when the plan of this action (hex id) has run, or at once when none is pending. */
  planned(idHex: string): Promise<void>
  /** Resolves when every pending plan has run. */
  settled(): Promise<void>
  /** Why a re-run planned no job, for the actions that did not. */
  skipped(idHex: string): RerunSkipReason | undefined
}

export function createOwnerActionBook(init: OwnerActionBookInit): OwnerActionBook {
  const log = init.logger.child('node:owner')
  const actions = new Map<string, OwnerActionRecord & { raw: Uint8Array }>()
  // Action id → its plan: present from the first arrival, so the same message twice plans once.
  const plans = new Map<string, Promise<void>>()
  const skips = new Map<string, RerunSkipReason>()
  let tail: Promise<void> = Promise.resolve()
  let sorted: OwnerActionRecord[] | undefined

  async function commitmentOf(miner: string): Promise<MinerCommitment | undefined> {
    const uid = init.view.uidOf(miner)
    if (uid === undefined) return undefined
    const entries = (await init.chain.commitments()).filter((e) => e.hotkey === miner)
    const latest = entries.sort((a, b) => b.block - a.block)[0]
    if (latest === undefined) return undefined
    try {
      return { hotkey: miner, uid, text: utf8.decode(latest.data), block: latest.block }
    } catch {
      return undefined
    }
  }

  async function plan(idHex: string, id: Uint8Array, action: OwnerAction): Promise<void> {
    const manifest = init.manifests.get(action.competitionId)
    const miner = ss58FromPublicKey(action.minerHotkey)
    const base = { netuid: init.chain.netuid, action, actionId: id, manifest }
    const commitment = manifest === undefined ? undefined : await commitmentOf(miner)
    let out = deriveRerunJob({ ...base, commitment, blockHashes: new Map() })
    if ('skip' in out && out.skip === 'hash-unavailable' && out.cycleStartBlock !== undefined) {
      const hash = await init.blockHash(out.cycleStartBlock)
      const hashes = new Map(hash === undefined ? [] : [[out.cycleStartBlock, hash]])
      out = deriveRerunJob({ ...base, commitment, blockHashes: hashes })
    }
    const ctx = { action: idHex.slice(0, 16), competition: action.competitionId, miner }
    if ('skip' in out) {
      skips.set(idHex, out.skip)
      // A chain that has not served the hash yet may later: let the next arrival of the action retry.
      if (out.skip === 'hash-unavailable') plans.delete(idHex)
      log.info('rerun ignored', { ...ctx, reason: out.skip })
      return
    }
    skips.delete(idHex)
    const a = out.job.announcement
    const ranking = rankValidators(a.jobId, init.validators(), out.job.families).map((v) => v.hotkey)
    const job: KnownJob = { idHex: hex(a.jobId), announcement: a, ranking, replicas: init.replicas }
    init.book.add(job)
    log.info('rerun planned', { ...ctx, job: job.idHex.slice(0, 16), envs: a.envIds.length })
    init.onRerunJob?.(job)
  }

  function schedule(idHex: string, id: Uint8Array, action: OwnerAction): void {
    if (plans.has(idHex)) return
    const p = tail.then(() =>
      plan(idHex, id, action).catch((err) => {
        plans.delete(idHex)
        log.warn('rerun planning failed; retried when the action arrives again', { action: idHex.slice(0, 16) }, err)
      }),
    )
    tail = p
    plans.set(idHex, p)
  }

  return {
    add(id, action) {
      const idHex = hex(id)
      if (!actions.has(idHex)) {
        if (actions.size >= OWNER_ACTION_LIMITS.actions) {
          log.warn('owner action dropped: too many', { action: idHex.slice(0, 16), limit: OWNER_ACTION_LIMITS.actions })
          return
        }
        actions.set(idHex, { id: idHex, action, raw: id })
        sorted = undefined
      }
      if (action.action === OwnerActionKind.RERUN) schedule(idHex, id, action)
    },
    onManifest(competitionId) {
      for (const [idHex, why] of skips) {
        const rec = actions.get(idHex)
        if (why !== 'unknown-competition' || rec?.action.competitionId !== competitionId) continue
        plans.delete(idHex)
        schedule(idHex, rec.raw, rec.action)
      }
    },
    all() {
      sorted ??= [...actions.values()]
        .map(({ id, action }) => ({ id, action }))
        .sort((a, b) => a.action.block - b.action.block || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
      return sorted
    },
    has: (idHex) => actions.has(idHex),
    planned: async (idHex) => plans.get(idHex),
    settled: () => tail,
    skipped: (idHex) => skips.get(idHex),
  }
}
