import type { Chain } from '../chain/chain.js'
import { type OpenedMessage, openEnvelope } from '../envelope/envelope.js'
import { ss58FromPublicKey } from '../identity/hotkey.js'
import { LruCache } from '../identity/lru.js'
import { rankValidators, type ValidatorInfo } from '../jobs/assign.js'
import { isRerunJob, jobManifest } from '../jobs/rerun.js'
import type { JobView } from '../jobs/semantics.js'
import { validateJobSemantics } from '../jobs/semantics.js'
import type { Logger } from '../logger.js'
import type { PeerAllowlist } from '../mesh/allowlist.js'
import type { AcceptedGossip } from '../mesh/pipeline.js'
import type { TopicName } from '../messages/topics.js'
import type { OwnerActionRecord, ReplicaResult } from '../scoring/mesh/types.js'
import { ValidationError } from '../validation/errors.js'
import { familiesOf, type JobBook, type KnownJob } from './book.js'
import type { ManifestRegistry } from './manifests.js'
import { createOwnerActionBook } from './owner-actions.js'
import type { ChainView } from './view.js'

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex')

/** What a peer advertised in its record: parallel jobs and task families (undefined = every family). */
export interface PeerProfile {
  capacity: number
  families?: readonly string[]
}

/** Hotkeys whose SS58 text is kept (validators, the owner): far more than a subnet has. */
const SS58_CACHE_SIZE = 4096

/** A message as ingest hands it to the log. */
export interface IngestLogEntry {
  /** Message id (SHA-256 of the envelope), 32 bytes. */
  id: Uint8Array
  /** Topic name (`results`, `jobs`, …). */
  topic: string
  /** Envelope message type. */
  type: string
  /** The block the message was made at. */
  block: number
  signer: Uint8Array
  /** Hotkey the signer stands for, when bound. */
  hotkey: string | null
  envelope: Uint8Array
}

/** One page of stored messages for the start-up replay, ordered by (block, id). */
export interface IngestLogPage {
  entries: { envelope: Uint8Array; hotkey: string | null }[]
  next?: { block: number; id: Uint8Array }
}

/**
 * Where accepted messages go: a validator's SQLite message log, or the indexer's batch writer (which
 * preloads its stored messages so `range` can serve the start-up replay synchronously).
 */
export interface IngestLog {
  /**
   * Record one message; true when it was new. `message` is the envelope already opened by validation, so
   * a log that needs the body (the indexer's projections) does not decode it again.
   */
  append(entry: IngestLogEntry, message?: OpenedMessage): boolean
  range(query: {
    topic?: string
    fromBlock: number
    toBlock: number
    cursor?: { block: number; id: Uint8Array }
    limit: number
  }): IngestLogPage
}

/** Inputs of {@link createIngest}. */
export interface IngestInit {
  chain: Chain
  log: IngestLog
  view: ChainView
  book: JobBook
  manifests: ManifestRegistry
  allowlist: () => PeerAllowlist
  replicas: number
  silenceBlocks: number
  logger: Logger
  /** Told after a message is stored (the node reacts to new manifests, statuses, results). */
  onStored?: (msg: OpenedMessage, hotkey: string | null) => void
  /** Every accepted result (live, synced or replayed), for replica comparison. */
  onResult?: (r: ReplicaResult) => void
  /** A re-run the owner asked for entered the job book (planned once per action; again after a restart). */
  onRerunJob?: (job: KnownJob) => void
}

/** The node's side of validation and storage: semantics after the protocol checks, then the log. */
export interface Ingest {
  /** Node-specific checks (design §4 "semantics"); throws `ValidationError`. */
  semantics(message: OpenedMessage, topic: TopicName): Promise<void>
  /** Store an accepted message (idempotent) and update in-memory state. */
  accept(msg: Pick<AcceptedGossip, 'topic' | 'message' | 'bytes'>): void
  /** Replay the stored log into memory at start (manifests, jobs, statuses, profiles). */
  replay(): number
  /** The hotkey a message signer stands for (node key → peer record binding; sr25519 signers are hotkeys). */
  hotkeyOf(message: OpenedMessage): string | null
  /** Capacity and families advertised by a validator's newest accepted peer record. */
  profile(hotkey: string): PeerProfile | undefined
  /** The validators eligible now, with stake and advertised profiles (rendezvous input). */
  validators(): ValidatorInfo[]
  /** The subnet owner's accepted actions, ordered by (block, message id). */
  ownerActions(): OwnerActionRecord[]
  /** Resolves when every re-run planned so far is in the job book (or was ignored). */
  settled(): Promise<void>
}

export function createIngest(init: IngestInit): Ingest {
  const log = init.logger.child('node:ingest')
  const { view, book, manifests } = init
  const profiles = new Map<string, PeerProfile & { block: number }>()
  const hashCache = new Map<number, Uint8Array>()

  // SS58 encoding hashes (blake2b checksum) and runs per message; the signers are a few hundred keys.
  const ss58s = new LruCache<string, string>(SS58_CACHE_SIZE)
  function ss58(key: Uint8Array): string {
    const k = Buffer.from(key).toString('hex')
    let v = ss58s.get(k)
    if (v === undefined) {
      v = ss58FromPublicKey(key)
      ss58s.set(k, v)
    }
    return v
  }

  function hotkeyOf(m: OpenedMessage): string | null {
    if (m.scheme === 'sr25519') return ss58(m.signer)
    const bound = init.allowlist().bindingForSigner(m.signer)
    return bound === undefined ? null : ss58(bound.hotkey)
  }

  function validators(): ValidatorInfo[] {
    const g = view.metagraph()
    if (g === undefined) return []
    return g.neurons
      .filter((n) => view.isPermitted(n.hotkey))
      .map((n) => {
        const p = profiles.get(n.hotkey)
        const v: ValidatorInfo = { hotkey: n.hotkey, stake: n.stake, capacity: p?.capacity ?? 1 }
        if (p?.families !== undefined && p.families.length > 0) v.families = p.families
        return v
      })
  }

  function learnJob(m: OpenedMessage<'job-announcement'>): void {
    const a = m.body
    const id = hex(a.jobId)
    if (book.get(id) !== undefined) return
    const manifest = manifests.get(a.competitionId)
    const families = familiesOf(manifest === undefined ? undefined : jobManifest(manifest, a))
    const ranking = rankValidators(a.jobId, validators(), families).map((v) => v.hotkey)
    book.add({ idHex: id, announcement: a, ranking, replicas: init.replicas })
  }

  async function blockHash(n: number): Promise<Uint8Array | undefined> {
    const cached = hashCache.get(n)
    if (cached !== undefined) return cached
    const ac = new AbortController()
    try {
      for await (const b of init.chain.blocks({ from: n - 1, signal: ac.signal })) {
        const h = new Uint8Array(Buffer.from(b.hash.slice(2), 'hex'))
        hashCache.set(b.number, h)
        if (b.number >= n) break
      }
    } catch (err) {
      log.debug('block hash unavailable', { block: n, error: String(err) })
    } finally {
      ac.abort()
    }
    if (hashCache.size > 4096) hashCache.delete(hashCache.keys().next().value as number)
    return hashCache.get(n)
  }

  const owner = createOwnerActionBook({
    chain: init.chain,
    view,
    book,
    manifests,
    validators,
    blockHash,
    replicas: init.replicas,
    logger: init.logger,
    ...(init.onRerunJob === undefined ? {} : { onRerunJob: init.onRerunJob }),
  })

  /**
   * A re-run announcement is known once its owner action is planned here; the announcement must then be
   * the job we planned (the job id binds only the action, so the rest is compared).
   */
  async function checkRerunJob(a: OpenedMessage<'job-announcement'>['body']): Promise<void> {
    const action = hex(a.rerunOf)
    if (!owner.has(action)) throw new ValidationError('MESH_JOB_NOT_DERIVED', { field: 'job.rerun_of' })
    await owner.planned(action)
    const ours = book.get(hex(a.jobId))?.announcement
    if (ours === undefined) throw new ValidationError('MESH_JOB_NOT_DERIVED', { field: 'job.rerun_of' })
    const same =
      ours.commitment === a.commitment &&
      ours.commitmentBlock === a.commitmentBlock &&
      ours.cycle === a.cycle &&
      ours.competitionId === a.competitionId &&
      ours.minerUid === a.minerUid &&
      ours.envIds.join('\n') === a.envIds.join('\n') &&
      Buffer.compare(ours.minerHotkey, a.minerHotkey) === 0 &&
      Buffer.compare(ours.cycleStartBlockHash, a.cycleStartBlockHash) === 0
    if (!same) throw new ValidationError('MESH_JOB_MISMATCH', { field: 'job.rerun_of' })
  }

  /** A job we did not derive ourselves (an older cycle, during catch-up): check it against the chain. */
  async function checkUnknownJob(m: OpenedMessage<'job-announcement'>): Promise<void> {
    const a = m.body
    const [entries, hash] = await Promise.all([init.chain.commitments(), blockHash(a.cycleStartBlock)])
    const utf8 = new TextDecoder()
    const jobView: JobView = {
      netuid: init.chain.netuid,
      head: view.head().number,
      manifests: manifests.all(),
      commitments: entries.flatMap((e) => {
        const uid = view.uidOf(e.hotkey)
        return uid === undefined ? [] : [{ hotkey: e.hotkey, uid, text: utf8.decode(e.data), block: e.block }]
      }),
      blockHashes: hash === undefined ? new Map() : new Map([[a.cycleStartBlock, hash]]),
    }
    validateJobSemantics(a, jobView)
  }

  async function assigned(jobId: Uint8Array, signerHotkey: string | null, block: number): Promise<void> {
    const id = hex(jobId)
    // A re-run's job enters the book when its action is planned (off the message path): wait for pending plans.
    if (book.get(id) === undefined) await owner.settled()
    if (book.get(id) === undefined) throw new ValidationError('MESH_JOB_NOT_DERIVED', { field: 'job_id' })
    if (signerHotkey === null) throw new ValidationError('MESH_BINDING_NOT_PERMITTED', { field: 'signer' })
    // Judged by the ranking and the message's own block, never by our statuses: see mayHoldSlot.
    if (!book.mayHold(id, signerHotkey, block, init.silenceBlocks)) {
      throw new ValidationError('MESH_NOT_ASSIGNED', { field: 'signer' })
    }
  }

  function apply(m: OpenedMessage, hotkey: string | null): void {
    switch (m.type) {
      case 'competition-manifest':
        if (manifests.add(m.body)) owner.onManifest(m.body.id)
        break
      case 'owner-action':
        owner.add(m.id, m.body)
        break
      case 'job-announcement':
        learnJob(m)
        break
      case 'job-status':
        if (hotkey !== null) book.sawStatus(hex(m.body.jobId), hotkey, m.body.block)
        break
      case 'result':
        if (hotkey !== null) {
          book.sawStatus(hex(m.body.jobId), hotkey, m.body.block)
          init.onResult?.({ validator: hotkey, result: m.body, messageId: hex(m.id) })
        }
        break
      case 'peer-record': {
        const r = m.body
        const prev = profiles.get(hotkey ?? '')
        if (hotkey !== null && (prev === undefined || prev.block <= r.issuedAtBlock)) {
          profiles.set(hotkey, {
            capacity: r.capacity,
            ...(r.families.length === 0 ? {} : { families: r.families }),
            block: r.issuedAtBlock,
          })
        }
        break
      }
      default:
        break
    }
  }

  function entryOf(topic: string, m: OpenedMessage, bytes: Uint8Array, hotkey: string | null): IngestLogEntry {
    const block =
      (m.body as { block?: number; issuedAtBlock?: number }).block ??
      (m.body as { issuedAtBlock: number }).issuedAtBlock
    return { id: m.id, topic, type: m.type, block, signer: m.signer, hotkey, envelope: bytes }
  }

  return {
    async semantics(m, _topic) {
      switch (m.type) {
        case 'job-announcement':
          if (isRerunJob(m.body)) return checkRerunJob(m.body)
          if (book.get(hex(m.body.jobId)) === undefined) await checkUnknownJob(m)
          return
        case 'job-status':
          return assigned(m.body.jobId, hotkeyOf(m), m.body.block)
        case 'result':
          return assigned(m.body.jobId, hotkeyOf(m), m.body.block)
        default:
          return
      }
    },
    accept({ topic, message, bytes }) {
      const hotkey = hotkeyOf(message)
      const isNew = init.log.append(entryOf(topic, message, bytes, hotkey), message)
      apply(message, hotkey)
      if (isNew) init.onStored?.(message, hotkey)
    },
    replay() {
      let n = 0
      // Manifests and peer records first: jobs are ranked with them; owner actions (re-runs plan jobs with
      // both); then jobs; then statuses and results.
      const order: TopicName[] = ['competitions', 'peers', 'owner', 'jobs', 'status', 'results']
      for (const topic of order) {
        let cursor: { block: number; id: Uint8Array } | undefined
        for (;;) {
          const page = init.log.range({ topic, fromBlock: 0, toBlock: Number.MAX_SAFE_INTEGER, cursor, limit: 500 })
          for (const e of page.entries) {
            const m = openStored(e.envelope, init.chain.netuid)
            if (m === undefined) continue
            apply(m, e.hotkey)
            n++
          }
          if (page.next === undefined) break
          cursor = page.next
        }
      }
      return n
    },
    hotkeyOf,
    profile: (h) => profiles.get(h),
    validators,
    ownerActions: () => owner.all(),
    settled: () => owner.settled(),
  }
}

/** Re-open a stored envelope (already verified when accepted) without freshness rules. */
function openStored(bytes: Uint8Array, netuid: number): OpenedMessage | undefined {
  try {
    return openEnvelope(bytes, { netuid, acceptStale: true })
  } catch {
    return undefined
  }
}
