import { columnList, JOBS, PEERS, STATUSES, type TableSpec } from './tables/index.js'
import type {
  CompetitionRow,
  EpisodeRow,
  Hex,
  IndexedMessage,
  IngestOutcome,
  JobRow,
  JobStatusRow,
  PeerRow,
  ResultRow,
  WeightsRow,
} from './types.js'

/** A batch with repeated ids removed: the first occurrence of each id is kept, in input order. */
export function uniqueById(batch: readonly IndexedMessage[]): IndexedMessage[] {
  const seen = new Set<Hex>()
  const out: IndexedMessage[] = []
  for (const m of batch) {
    if (seen.has(m.id)) continue
    seen.add(m.id)
    out.push(m)
  }
  return out
}

/**
 * The outcome of a batch: `inserted` maps the newly stored ids to their seq. Every other occurrence (already
 * stored, or repeated inside the batch) is a duplicate, in input order.
 */
export function outcome(batch: readonly IndexedMessage[], inserted: ReadonlyMap<Hex, number>): IngestOutcome {
  const out: IngestOutcome = { inserted: [], duplicates: [] }
  const reported = new Set<Hex>()
  for (const m of batch) {
    const seq = inserted.get(m.id)
    if (seq === undefined || reported.has(m.id)) out.duplicates.push(m.id)
    else {
      reported.add(m.id)
      out.inserted.push({ id: m.id, seq })
    }
  }
  return out
}

/** Last-seen figures of one signing hotkey, for the `hotkeys` table (validators()' activity). */
export interface HotkeySeen {
  hotkey: string
  block: number
  at: number
}

/**
 * The projection rows of newly stored messages, grouped by table. For tables that keep one row per key
 * (jobs, statuses, peers, hotkeys) the batch is reduced to its winner per key first: a multi-row PostgreSQL
 * upsert may not touch a row twice, and the winner rule is the same one the stored row is compared with.
 * Keyed rows are sorted by key so concurrent writers lock rows in the same order (no deadlocks).
 */
export interface Projections {
  competitions: CompetitionRow[]
  jobs: JobRow[]
  statuses: JobStatusRow[]
  results: ResultRow[]
  episodes: EpisodeRow[]
  weights: WeightsRow[]
  peers: PeerRow[]
  hotkeys: HotkeySeen[]
}

/** Split fresh messages into {@link Projections}. */
export function projections(fresh: readonly IndexedMessage[]): Projections {
  const p: Projections = {
    competitions: [],
    jobs: [],
    statuses: [],
    results: [],
    episodes: [],
    weights: [],
    peers: [],
    hotkeys: [],
  }
  const jobs = new Map<string, JobRow>()
  const statuses = new Map<string, JobStatusRow>()
  const peers = new Map<string, PeerRow>()
  const hotkeys = new Map<string, HotkeySeen>()
  for (const m of fresh) {
    // Validators' activity only: the subnet owner signs manifests and owner actions and is no validator.
    if (m.hotkey !== null && m.projection.kind !== 'competition' && m.projection.kind !== 'none') {
      const h = hotkeys.get(m.hotkey)
      if (h === undefined) hotkeys.set(m.hotkey, { hotkey: m.hotkey, block: m.block, at: m.receivedAt })
      else
        hotkeys.set(m.hotkey, { hotkey: m.hotkey, block: Math.max(h.block, m.block), at: Math.max(h.at, m.receivedAt) })
    }
    const pr = m.projection
    switch (pr.kind) {
      case 'competition':
        p.competitions.push(pr.competition)
        break
      case 'job':
        keep(jobs, pr.job.jobId, pr.job, (a, b) => older(a.block, a.messageId, b.block, b.messageId))
        break
      case 'status':
        keep(statuses, `${pr.status.jobId} ${pr.status.validator}`, pr.status, (a, b) =>
          older(b.block, b.messageId, a.block, a.messageId),
        )
        break
      case 'result':
        p.results.push(pr.result)
        p.episodes.push(...pr.episodes)
        break
      case 'weights':
        p.weights.push(pr.weights)
        break
      case 'peer':
        keep(peers, pr.peer.validator, pr.peer, (a, b) =>
          older(b.issuedAtBlock, b.messageId, a.issuedAtBlock, a.messageId),
        )
        break
    }
  }
  p.jobs = sortedValues(jobs)
  p.statuses = sortedValues(statuses)
  p.peers = sortedValues(peers)
  p.hotkeys = sortedValues(hotkeys)
  return p
}

// (block, message id) of a strictly before b.
function older(aBlock: number, aId: Hex, bBlock: number, bId: Hex): boolean {
  return aBlock < bBlock || (aBlock === bBlock && aId < bId)
}

function keep<T>(map: Map<string, T>, key: string, row: T, wins: (candidate: T, current: T) => boolean): void {
  const cur = map.get(key)
  if (cur === undefined || wins(row, cur)) map.set(key, row)
}

function sortedValues<T>(map: Map<string, T>): T[] {
  return [...map.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, v]) => v)
}

/**
 * `ON CONFLICT … DO UPDATE … WHERE` for a keep-one-row-per-key table; the same text follows a VALUES list
 * (SQLite) or an `unnest` SELECT (PostgreSQL). `newer` says when the incoming row replaces the stored one.
 */
function upsertClause(
  spec: TableSpec<never>,
  key: readonly string[],
  order: readonly string[],
  newer: '<' | '>',
): string {
  const set = spec.columns
    .map(([c]) => c)
    .filter((c) => !key.includes(c))
    .map((c) => `${c} = excluded.${c}`)
    .join(', ')
  const incoming = order.map((c) => `excluded.${c}`).join(', ')
  const stored = order.map((c) => `${spec.table}.${c}`).join(', ')
  return `ON CONFLICT (${key.join(', ')}) DO UPDATE SET ${set} WHERE (${incoming}) ${newer} (${stored})`
}

/** Conflict clause per keyed table: the first announcement of a job (lowest block, then id) wins. */
export const JOBS_CONFLICT = upsertClause(JOBS as TableSpec<never>, ['job_id'], ['block', 'message_id'], '<')
/** Newest status per (job, validator) by block; ties go to the higher message id. */
export const STATUSES_CONFLICT = upsertClause(
  STATUSES as TableSpec<never>,
  ['job_id', 'validator'],
  ['block', 'message_id'],
  '>',
)
/** Newest peer record per validator by issuedAtBlock; ties go to the higher message id. */
export const PEERS_CONFLICT = upsertClause(
  PEERS as TableSpec<never>,
  ['validator'],
  ['issued_at_block', 'message_id'],
  '>',
)

/** `INSERT INTO t (cols)` of a spec. */
export function insertInto(spec: TableSpec<never>): string {
  return `INSERT INTO ${spec.table} (${columnList(spec)})`
}
