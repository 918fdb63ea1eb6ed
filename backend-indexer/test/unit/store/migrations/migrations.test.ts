import Database from 'better-sqlite3'
import { Client, Pool } from 'pg'
import { describe, expect, it } from 'vitest'
import { silentLogger } from '#protocol'
import { pgEnabled } from '../../../../../test/utils/services.js'
import { IndexerStoreError } from '../../../../src/store/errors.js'
import { createPostgresStore } from '../../../../src/store/index.js'
import { INDEXER_MIGRATIONS, type IndexerMigration } from '../../../../src/store/migrations/index.js'
import { pendingMigrations } from '../../../../src/store/migrations/plan.js'
import { migratePostgres } from '../../../../src/store/postgres/migrate.js'
import { migrateSqlite } from '../../../../src/store/sqlite/migrate.js'

const PG = process.env.KINITRO_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
// Real PostgreSQL cases fail when it is unreachable, unless KINITRO_TEST_PG=0 says there is none.
const NO_PG = !(await pgEnabled(PG))
const at = { kind: 'sqlite' as const, target: 'test' }

/** Table → column names, and index → "table(cols)", read from a migration script. */
function shape(sql: string): { tables: Record<string, string[]>; indexes: Record<string, string> } {
  const tables: Record<string, string[]> = {}
  for (const [, name, body] of sql.matchAll(/CREATE TABLE (\w+) \(([\s\S]*?)\n\)/g)) {
    tables[name!] = body!
      .split('\n')
      .map((l) => l.trim().split(/\s+/)[0]!)
      .filter((w) => w !== '' && w !== 'PRIMARY' && w !== 'UNIQUE')
  }
  const indexes: Record<string, string> = {}
  for (const [, name, on] of sql.matchAll(/CREATE INDEX (\w+) ON (\w+ \([^)]*\))/g)) indexes[name!] = on!
  return { tables, indexes }
}

function expectError(fn: () => unknown, code: string): IndexerStoreError {
  try {
    fn()
  } catch (err) {
    expect(err).toBeInstanceOf(IndexerStoreError)
    expect((err as IndexerStoreError).code).toBe(code)
    return err as IndexerStoreError
  }
  throw new Error(`expected ${code}`)
}

const broken: IndexerMigration[] = [
  { version: 1, name: 'ok', sqlite: 'CREATE TABLE a (x INTEGER);', postgres: 'CREATE TABLE a (x integer);' },
  {
    version: 2,
    name: 'broken',
    sqlite: 'CREATE TABLE b (y INTEGER); CREATE TABLE (',
    postgres: 'CREATE TABLE b (y integer); CREATE TABLE (',
  },
]

describe('indexer migrations', () => {
  it('are numbered 1…n with unique names and both dialects', () => {
    INDEXER_MIGRATIONS.forEach((m, i) => {
      expect(m.version).toBe(i + 1)
      expect(m.sqlite.trim().length).toBeGreaterThan(0)
      expect(m.postgres.trim().length).toBeGreaterThan(0)
    })
    expect(new Set(INDEXER_MIGRATIONS.map((m) => m.name)).size).toBe(INDEXER_MIGRATIONS.length)
  })

  it('create the same tables, columns and indexes in SQLite and PostgreSQL', () => {
    for (const m of INDEXER_MIGRATIONS) {
      const lite = shape(m.sqlite)
      const pg = shape(m.postgres)
      expect(Object.keys(lite.tables).length).toBeGreaterThan(5)
      expect(pg).toEqual(lite)
    }
  })

  it('plan: pending steps, a newer database, a renamed step', () => {
    expect(pendingMigrations([], broken, at).map((m) => m.version)).toEqual([1, 2])
    expect(pendingMigrations([{ version: 1, name: 'ok' }], broken, at).map((m) => m.version)).toEqual([2])
    const tooNew = expectError(
      () => pendingMigrations([{ version: 3, name: 'x' }], broken, at),
      'INDEXER_STORE_SCHEMA_TOO_NEW',
    )
    expect(tooNew.meta).toMatchObject({ dbVersion: 3, codeVersion: 2 })
    expectError(() => pendingMigrations([{ version: 1, name: 'other' }], broken, at), 'INDEXER_STORE_SCHEMA_MISMATCH')
  })

  it('SQLite: a failing step rolls the whole run back', () => {
    const db = new Database(':memory:')
    const err = expectError(() => migrateSqlite(db, broken, ':memory:', silentLogger), 'INDEXER_STORE_MIGRATION_FAILED')
    expect(err.meta).toMatchObject({ version: 2, name: 'broken' })
    const tables = db.prepare(`SELECT name FROM sqlite_schema WHERE type = 'table' AND name IN ('a', 'b')`).all()
    expect(tables).toEqual([])
    expect(migrateSqlite(db, broken.slice(0, 1), ':memory:', silentLogger)).toBe(1)
    expect(db.prepare('SELECT version, name FROM schema_migrations').all()).toEqual([{ version: 1, name: 'ok' }])
    db.close()
  })

  it.skipIf(NO_PG)('PostgreSQL: a failing step leaves no schema behind', async () => {
    const schema = `idx_mig_${process.pid}`
    const pool = new Pool({ connectionString: PG, options: `-c search_path=${schema}` })
    const client = new Client({ connectionString: PG })
    await client.connect()
    try {
      const err = await migratePostgres(pool, broken, schema, 'test', silentLogger).then(
        () => undefined,
        (e: unknown) => e,
      )
      expect((err as IndexerStoreError).code).toBe('INDEXER_STORE_MIGRATION_FAILED')
      const { rows } = await client.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema])
      expect(rows).toEqual([])
      expect(await migratePostgres(pool, broken.slice(0, 1), schema, 'test', silentLogger)).toBe(1)
      expect(await migratePostgres(pool, broken.slice(0, 1), schema, 'test', silentLogger)).toBe(1)
      const applied = await client.query(`SELECT version, name FROM "${schema}".schema_migrations`)
      expect(applied.rows).toEqual([{ version: 1, name: 'ok' }])
    } finally {
      await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
      await client.end()
      await pool.end()
    }
  })

  it.skipIf(NO_PG)('PostgreSQL: replicas migrating one schema at once apply each step once', async () => {
    const schema = `idx_race_${process.pid}`
    const opened = await Promise.allSettled(
      [1, 2, 3].map(() => createPostgresStore({ url: PG, schema, pool: { max: 1 } })),
    )
    const stores = opened.flatMap((o) => (o.status === 'fulfilled' ? [o.value] : []))
    const client = new Client({ connectionString: PG })
    await client.connect()
    try {
      expect(opened.map((o) => (o.status === 'rejected' ? String(o.reason) : 'ok'))).toEqual(['ok', 'ok', 'ok'])
      const { rows } = await client.query(`SELECT version FROM "${schema}".schema_migrations ORDER BY version`)
      expect(rows).toEqual(INDEXER_MIGRATIONS.map((m) => ({ version: m.version })))
    } finally {
      for (const s of stores) await s.close()
      await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
      await client.end()
    }
  })
})
