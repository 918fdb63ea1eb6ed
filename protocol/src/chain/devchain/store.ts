import Database from 'better-sqlite3'
import type { BlockRef } from '../chain.js'
import { parse, stringify } from './codec.js'
import type { DevChainSnapshot } from './types.js'

/**
 * SQLite persistence for the dev chain (WAL). The state is small (one subnet of ≤ 256 neurons), so it is
 * written as one JSON document per change, in the same transaction as the blocks produced; the block
 * table keeps every block so a reconnecting feed can replay what a client missed.
 */
export interface DevChainStore {
  load(): DevChainSnapshot | undefined
  /** Persist `snapshot` and append `blocks`, atomically. */
  save(snapshot: DevChainSnapshot, blocks?: readonly BlockRef[]): void
  /** Blocks with number > `after`, ascending, at most `limit`. */
  blocksAfter(after: number, limit: number): BlockRef[]
  close(): void
}

/** Open (or create) the store at `path`; `:memory:` keeps nothing across restarts. */
export function openDevChainStore(path: string): DevChainStore {
  const db = new Database(path)
  if (path !== ':memory:') db.pragma('journal_mode = WAL')
  // NORMAL under WAL loses at most the last commits on power loss, never consistency; fine for a dev chain.
  db.pragma('synchronous = NORMAL')
  db.exec(`
    CREATE TABLE IF NOT EXISTS state (id INTEGER PRIMARY KEY CHECK (id = 1), json TEXT NOT NULL);
    CREATE TABLE IF NOT EXISTS blocks (number INTEGER PRIMARY KEY, hash TEXT NOT NULL);
  `)
  const getState = db.prepare<[], { json: string }>('SELECT json FROM state WHERE id = 1')
  const putState = db.prepare<[string]>(
    'INSERT INTO state (id, json) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET json = excluded.json',
  )
  const putBlock = db.prepare<[number, string]>('INSERT OR REPLACE INTO blocks (number, hash) VALUES (?, ?)')
  const getBlocks = db.prepare<[number, number], BlockRef>(
    'SELECT number, hash FROM blocks WHERE number > ? ORDER BY number LIMIT ?',
  )
  const save = db.transaction((snapshot: DevChainSnapshot, blocks: readonly BlockRef[]) => {
    for (const b of blocks) putBlock.run(b.number, b.hash)
    putState.run(stringify(snapshot))
  })
  return {
    load() {
      const row = getState.get()
      return row === undefined ? undefined : parse<DevChainSnapshot>(row.json)
    },
    save(snapshot, blocks = []) {
      save(snapshot, blocks)
    },
    blocksAfter(after, limit) {
      return getBlocks.all(after, limit)
    },
    close() {
      if (db.open) db.close()
    },
  }
}
