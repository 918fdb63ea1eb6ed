import type Database from 'better-sqlite3'
import {
  insertInto,
  JOBS_CONFLICT,
  outcome,
  PEERS_CONFLICT,
  projections,
  STATUSES_CONFLICT,
  uniqueById,
} from '../batch.js'
import { storeClosed, writeFailed } from '../errors.js'
import {
  COMMITMENTS,
  COMPETITIONS,
  EPISODES,
  JOBS,
  MESSAGES,
  PEERS,
  RESULTS,
  STATUSES,
  type TableSpec,
  WEIGHTS,
} from '../tables/index.js'
import type { CommitmentRow, Hex, IndexedMessage, IngestOutcome } from '../types.js'
import { bind } from './runner.js'

/** The write half of the SQLite store. */
export interface SqliteWriter {
  ingest(batch: readonly IndexedMessage[]): IngestOutcome
  addCommitments(rows: readonly CommitmentRow[]): number
}

/**
 * Batched writes on prepared statements: one IMMEDIATE transaction per batch; a message row is inserted
 * with `ON CONFLICT DO NOTHING RETURNING seq`, and only messages that came back get their projection rows.
 */
export function sqliteWriter(db: Database.Database): SqliteWriter {
  const values = (spec: TableSpec<never>): string => `VALUES (${spec.columns.map(() => '?').join(', ')})`
  const prep = <T>(spec: TableSpec<T>, tail: string): ((row: T) => void) => {
    const stmt = db.prepare(`${insertInto(spec)} ${values(spec)} ${tail}`)
    return (row) => void stmt.run(...bind(spec.values(row)))
  }
  const insertMessage = db.prepare(
    `${insertInto(MESSAGES)} ${values(MESSAGES)} ON CONFLICT (id) DO NOTHING RETURNING seq`,
  )
  const competition = prep(COMPETITIONS, '')
  const job = prep(JOBS, JOBS_CONFLICT)
  const status = prep(STATUSES, STATUSES_CONFLICT)
  const result = prep(RESULTS, '')
  const episode = prep(EPISODES, '')
  const weights = prep(WEIGHTS, '')
  const peer = prep(PEERS, PEERS_CONFLICT)
  const hotkey = db.prepare(`INSERT INTO hotkeys (hotkey, last_block, last_seen_at) VALUES (?, ?, ?)
    ON CONFLICT (hotkey) DO UPDATE SET last_block = max(last_block, excluded.last_block),
      last_seen_at = max(last_seen_at, excluded.last_seen_at)`)
  const commitment = db.prepare(`${insertInto(COMMITMENTS)} ${values(COMMITMENTS)} ON CONFLICT DO NOTHING`)

  const ingestTx = db.transaction((batch: readonly IndexedMessage[]): Map<Hex, number> => {
    const inserted = new Map<Hex, number>()
    const fresh: IndexedMessage[] = []
    for (const m of uniqueById(batch)) {
      const row = insertMessage.get(...bind(MESSAGES.values(m))) as { seq: number } | undefined
      if (row === undefined) continue
      inserted.set(m.id, row.seq)
      fresh.push(m)
    }
    const p = projections(fresh)
    for (const r of p.competitions) competition(r)
    for (const r of p.jobs) job(r)
    for (const r of p.statuses) status(r)
    for (const r of p.results) result(r)
    for (const r of p.episodes) episode(r)
    for (const r of p.weights) weights(r)
    for (const r of p.peers) peer(r)
    for (const h of p.hotkeys) hotkey.run(h.hotkey, h.block, h.at)
    return inserted
  })
  const commitTx = db.transaction((rows: readonly CommitmentRow[]): number => {
    let n = 0
    for (const c of rows) n += commitment.run(...bind(COMMITMENTS.values(c))).changes
    return n
  })

  return {
    ingest(batch) {
      if (!db.open) throw storeClosed('sqlite')
      if (batch.length === 0) return { inserted: [], duplicates: [] }
      try {
        return outcome(batch, ingestTx.immediate(batch))
      } catch (err) {
        throw writeFailed('sqlite', batch.length, err)
      }
    },
    addCommitments(rows) {
      if (!db.open) throw storeClosed('sqlite')
      try {
        return commitTx.immediate(rows)
      } catch (err) {
        throw writeFailed('sqlite', rows.length, err)
      }
    },
  }
}
