import type { StoreDatabase } from './db.js'

/** Named small values that survive restarts (`kv` table). Writes join the caller's transaction if any. */
export interface KeyValueStore {
  get(key: string): Uint8Array | undefined
  put(key: string, value: Uint8Array): void
  delete(key: string): void
  /** JSON helpers for plain data (no bigint: encode those as strings). */
  getJson<T>(key: string): T | undefined
  putJson(key: string, value: unknown): void
}

export function createKeyValueStore(db: StoreDatabase, deps: { now: () => number }): KeyValueStore {
  const select = db.sqlite.prepare<[string], { value: Buffer }>('SELECT value FROM kv WHERE key = ?')
  const upsert = db.sqlite.prepare<[string, Uint8Array, number]>(
    'INSERT INTO kv (key, value, updated_at) VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at',
  )
  const remove = db.sqlite.prepare<[string]>('DELETE FROM kv WHERE key = ?')
  const get = (key: string): Uint8Array | undefined => {
    const row = select.get(key)
    return row === undefined ? undefined : new Uint8Array(row.value)
  }
  const put = (key: string, value: Uint8Array): void => {
    upsert.run(key, value, deps.now())
  }
  return {
    get,
    put,
    delete: (key) => {
      remove.run(key)
    },
    getJson<T>(key: string): T | undefined {
      const bytes = get(key)
      return bytes === undefined ? undefined : (JSON.parse(Buffer.from(bytes).toString('utf8')) as T)
    },
    putJson(key: string, value: unknown): void {
      put(key, Buffer.from(JSON.stringify(value), 'utf8'))
    },
  }
}
