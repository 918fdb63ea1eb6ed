import type { Pool, PoolClient } from 'pg'
import {
  insertInto,
  JOBS_CONFLICT,
  outcome,
  PEERS_CONFLICT,
  projections,
  STATUSES_CONFLICT,
  uniqueById,
} from '../batch.js'
import { writeFailed } from '../errors.js'
import { bytesHex } from '../sql.js'
import {
  COMMITMENTS,
  COMPETITIONS,
  columnList,
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

/** The write half of the PostgreSQL store. */
export interface PostgresWriter {
  ingest(batch: readonly IndexedMessage[]): Promise<IngestOutcome>
  addCommitments(rows: readonly CommitmentRow[]): Promise<number>
}

// One statement per table per batch: each column travels as one typed array and `unnest` zips them back
// into rows, so a batch of 100 results with 1000 episodes costs a handful of round trips, not 1100.
const unnest = (spec: TableSpec<never>): string =>
  `unnest(${spec.columns.map(([, type], i) => `$${i + 1}::${type}[]`).join(', ')})`
const bulk = (spec: TableSpec<never>, tail = ''): string => `${insertInto(spec)} SELECT * FROM ${unnest(spec)} ${tail}`

// WITH ORDINALITY + ORDER BY: identity values are drawn in input order, so seq follows the batch's order.
const INSERT_MESSAGES = `${insertInto(MESSAGES)} SELECT ${columnList(MESSAGES)} FROM ${unnest(MESSAGES)}
  WITH ORDINALITY AS t(${columnList(MESSAGES)}, ord) ORDER BY ord ON CONFLICT (id) DO NOTHING RETURNING id, seq`
const INSERT_HOTKEYS = `INSERT INTO hotkeys (hotkey, last_block, last_seen_at)
  SELECT * FROM unnest($1::text[], $2::int8[], $3::int8[])
  ON CONFLICT (hotkey) DO UPDATE SET last_block = GREATEST(hotkeys.last_block, excluded.last_block),
    last_seen_at = GREATEST(hotkeys.last_seen_at, excluded.last_seen_at)`

/** Rows → one array per column, in the spec's column order. */
function columns<T>(spec: TableSpec<T>, rows: readonly T[]): unknown[][] {
  const out: unknown[][] = spec.columns.map(() => new Array(rows.length))
  rows.forEach((row, r) => {
    spec.values(row).forEach((v, c) => {
      ;(out[c] as unknown[])[r] = v
    })
  })
  return out
}

/** Batched writes: one transaction per batch on one pooled connection, one multi-row statement per table. */
export function postgresWriter(pool: Pool, schema: string, assertOpen: () => void): PostgresWriter {
  // Ingests take one transaction-scoped advisory lock per schema, so batches (from this pool or from other
  // replicas on the same schema) commit one at a time: identity values then become visible in seq order (a
  // feed resuming `afterSeq` can never skip a row that commits late), and two batches holding the same
  // messages in different orders cannot deadlock on the messages' unique index.
  const ingestLock = `kinitro-indexer-ingest:${schema}`
  const put = async <T>(client: PoolClient, name: string, spec: TableSpec<T>, rows: readonly T[], tail = '') => {
    if (rows.length === 0) return
    await client.query({ name: `kinitro_indexer_put_${name}`, text: bulk(spec, tail), values: columns(spec, rows) })
  }

  const inTransaction = async <T>(messages: number, fn: (client: PoolClient) => Promise<T>): Promise<T> => {
    assertOpen()
    let client: PoolClient
    try {
      client = await pool.connect()
    } catch (err) {
      throw writeFailed('postgres', messages, err)
    }
    let broken = false
    try {
      await client.query('BEGIN')
      const out = await fn(client)
      await client.query('COMMIT')
      return out
    } catch (err) {
      // A connection that cannot even roll back is dropped from the pool rather than reused.
      await client.query('ROLLBACK').catch(() => {
        broken = true
      })
      throw writeFailed('postgres', messages, err)
    } finally {
      client.release(broken)
    }
  }

  return {
    async ingest(batch) {
      if (batch.length === 0) return { inserted: [], duplicates: [] }
      const unique = uniqueById(batch)
      const inserted = await inTransaction(batch.length, async (client) => {
        await client.query({
          name: 'kinitro_indexer_ingest_lock',
          text: 'SELECT pg_advisory_xact_lock(hashtext($1))',
          values: [ingestLock],
        })
        const res = await client.query<{ id: Buffer; seq: number }>({
          name: 'kinitro_indexer_put_messages',
          text: INSERT_MESSAGES,
          values: columns(MESSAGES, unique),
        })
        const seqs = new Map<Hex, number>(res.rows.map((r) => [bytesHex(r.id), Number(r.seq)]))
        const p = projections(unique.filter((m) => seqs.has(m.id)))
        await put(client, 'competitions', COMPETITIONS, p.competitions)
        await put(client, 'jobs', JOBS, p.jobs, JOBS_CONFLICT)
        await put(client, 'statuses', STATUSES, p.statuses, STATUSES_CONFLICT)
        await put(client, 'results', RESULTS, p.results)
        await put(client, 'episodes', EPISODES, p.episodes)
        await put(client, 'weights', WEIGHTS, p.weights)
        await put(client, 'peers', PEERS, p.peers, PEERS_CONFLICT)
        if (p.hotkeys.length > 0) {
          await client.query({
            name: 'kinitro_indexer_put_hotkeys',
            text: INSERT_HOTKEYS,
            values: [p.hotkeys.map((h) => h.hotkey), p.hotkeys.map((h) => h.block), p.hotkeys.map((h) => h.at)],
          })
        }
        return seqs
      })
      return outcome(batch, inserted)
    },

    async addCommitments(rows) {
      if (rows.length === 0) return 0
      return inTransaction(rows.length, async (client) => {
        const res = await client.query({
          name: 'kinitro_indexer_put_commitments',
          text: bulk(COMMITMENTS, 'ON CONFLICT DO NOTHING'),
          values: columns(COMMITMENTS, rows),
        })
        return res.rowCount ?? 0
      })
    },
  }
}
