import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import {
  currentSchemaVersion,
  type Migration,
  openDatabase,
  STORE_MIGRATIONS,
  type StoreDatabase,
} from '../../../../src/store/index.js'
import { ACK_SEQ, ackSeqIn, CLAIM_MANY, CLAIM_ONE } from '../../../../src/store/queue-sql.js'
import { recordingLogger, tempDir } from '../helpers.js'

const cleanups: (() => void)[] = []
afterEach(() => {
  for (const c of cleanups.splice(0)) c()
})

function path(): string {
  const t = tempDir()
  cleanups.push(t.cleanup)
  return join(t.dir, 'm.sqlite')
}

function open(p: string, migrations: readonly Migration[]): StoreDatabase {
  const db = openDatabase({ path: p, migrations })
  cleanups.unshift(() => db.close())
  return db
}

function tables(db: StoreDatabase): string[] {
  return db.sqlite
    .prepare(`SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name`)
    .pluck()
    .all() as string[]
}

function thrown(fn: () => unknown): Error & { code?: string; meta?: Record<string, unknown> } {
  try {
    fn()
  } catch (err) {
    return err as Error
  }
  throw new Error('expected a throw')
}

const one: Migration = { id: 1, name: 'one', up: 'CREATE TABLE a (x INTEGER)' }
const two: Migration = { id: 2, name: 'two', up: 'CREATE TABLE b (y INTEGER); INSERT INTO b VALUES (7);' }

describe('runMigrations via openDatabase', () => {
  it('applies every step to a fresh database and records id, name and time', () => {
    const db = openDatabase({ migrations: [one, two], now: () => 42 })
    cleanups.unshift(() => db.close())
    expect(db.schemaVersion).toBe(2)
    expect(tables(db)).toEqual(['a', 'b', 'schema_version'])
    expect(db.sqlite.prepare('SELECT id, name, applied_at FROM schema_version ORDER BY id').all()).toEqual([
      { id: 1, name: 'one', applied_at: 42 },
      { id: 2, name: 'two', applied_at: 42 },
    ])
  })

  it('re-opening applies nothing again; a later open applies only the new step', () => {
    const p = path()
    let runs = 0
    const counted: Migration = {
      id: 1,
      name: 'one',
      up: (db) => {
        runs++
        db.exec('CREATE TABLE a (x)')
      },
    }
    openDatabase({ path: p, migrations: [counted] }).close()
    openDatabase({ path: p, migrations: [counted] }).close()
    expect(runs).toBe(1)
    const logger = recordingLogger()
    const db = openDatabase({ path: p, migrations: [counted, two], logger })
    cleanups.unshift(() => db.close())
    expect(runs).toBe(1)
    expect(db.schemaVersion).toBe(2)
    expect(logger.records.filter((r) => r.msg === 'store migration applied').map((r) => r.ctx?.id)).toEqual([2])
  })

  it('refuses a database written by newer code and leaves it untouched', () => {
    const p = path()
    openDatabase({ path: p, migrations: [one, two] }).close()
    const err = thrown(() => openDatabase({ path: p, migrations: [one] }))
    expect(err.code).toBe('STORE_SCHEMA_TOO_NEW')
    expect(err.meta).toMatchObject({ dbVersion: 2, codeVersion: 1, path: p })
    expect(err.message).toMatch(/newer kinitro/)
    expect(open(p, [one, two]).schemaVersion).toBe(2)
  })

  it('refuses a database whose applied step has another name', () => {
    const p = path()
    openDatabase({ path: p, migrations: [one] }).close()
    const err = thrown(() => openDatabase({ path: p, migrations: [{ ...one, name: 'renamed' }] }))
    expect(err.code).toBe('STORE_SCHEMA_MISMATCH')
    expect(err.meta).toMatchObject({ id: 1, dbName: 'one', codeName: 'renamed' })
  })

  it('rolls a failing SQL step back entirely, keeps earlier steps, and applies it once fixed', () => {
    const p = path()
    const broken: Migration = {
      id: 2,
      name: 'two',
      up: 'CREATE TABLE b (y); INSERT INTO b VALUES (1); SELECT * FROM nope;',
    }
    const err = thrown(() => openDatabase({ path: p, migrations: [one, broken] }))
    expect(err.code).toBe('STORE_MIGRATION_FAILED')
    expect(err.meta).toMatchObject({ id: 2, name: 'two' })
    expect(String(err.meta?.reason)).toMatch(/nope/)
    const check = openDatabase({ path: p, migrations: [one] })
    expect(tables(check)).toEqual(['a', 'schema_version'])
    expect(currentSchemaVersion(check.sqlite)).toBe(1)
    check.close()
    const fixed = open(p, [one, two])
    expect(fixed.sqlite.prepare('SELECT y FROM b').pluck().all()).toEqual([7])
  })

  it('rolls back a function step that throws after writing', () => {
    const p = path()
    const throws: Migration = {
      id: 2,
      name: 'two',
      up: (db) => {
        db.exec('CREATE TABLE b (y)')
        throw new Error('half way')
      },
    }
    expect(thrown(() => openDatabase({ path: p, migrations: [one, throws] })).code).toBe('STORE_MIGRATION_FAILED')
    expect(tables(open(p, [one]))).toEqual(['a', 'schema_version'])
  })

  it('rejects a malformed migration list', () => {
    expect(thrown(() => openDatabase({ migrations: [two] })).code).toBe('STORE_MIGRATIONS_INVALID')
    expect(thrown(() => openDatabase({ migrations: [one, { ...two, name: 'one' }] })).code).toBe(
      'STORE_MIGRATIONS_INVALID',
    )
  })

  it('reports version 0 for a database no migration has touched', () => {
    const db = openDatabase({ migrations: [] })
    cleanups.unshift(() => db.close())
    expect(db.schemaVersion).toBe(0)
  })
})

describe('the store schema', () => {
  it('is a contiguous list starting at 1', () => {
    expect(STORE_MIGRATIONS.map((m) => m.id)).toEqual(STORE_MIGRATIONS.map((_, i) => i + 1))
  })

  it('claims through a search of the due index with no sort (perf.md §1)', () => {
    const db = openDatabase()
    cleanups.unshift(() => db.close())
    const params = { queue: 'q', now: 5, leaseUntil: 10, worker: 'w', maxAttempts: 3, limit: 10 }
    for (const sql of [CLAIM_ONE, CLAIM_MANY]) {
      const plan = db.sqlite
        .prepare(`EXPLAIN QUERY PLAN ${sql}`)
        .all(params)
        .map((r) => (r as { detail: string }).detail)
      expect(plan).toContain('SEARCH jobs USING INDEX jobs_due (queue=? AND run_at<?)')
      expect(plan.join('\n')).not.toMatch(/TEMP B-TREE|SCAN/)
    }
  })

  it('acks by row go straight to the rowid, never through a queue index', () => {
    const db = openDatabase()
    cleanups.unshift(() => db.close())
    const one = db.sqlite.prepare(`EXPLAIN QUERY PLAN ${ACK_SEQ}`).all({ seq: 1, queue: 'q', worker: 'w', now: 1 })
    const many = db.sqlite.prepare(`EXPLAIN QUERY PLAN ${ackSeqIn(3)}`).all(1, 'q', 'w', 1, 2, 3)
    for (const plan of [one, many]) {
      expect(plan.map((r) => (r as { detail: string }).detail)).toEqual([
        'SEARCH jobs USING INTEGER PRIMARY KEY (rowid=?)',
      ])
    }
  })

  it('pages the log by (block, id) on an index, with and without a topic', () => {
    const db = openDatabase()
    cleanups.unshift(() => db.close())
    const plan = (where: string) =>
      db.sqlite
        .prepare(`EXPLAIN QUERY PLAN SELECT * FROM messages WHERE ${where} ORDER BY block, id LIMIT 10`)
        .all()
        .map((r) => (r as { detail: string }).detail)
    expect(plan(`(block, id) > (1, x'') AND block <= 9`)).toEqual([expect.stringContaining('messages_by_block')])
    expect(plan(`topic = 't' AND (block, id) > (1, x'') AND block <= 9`)).toEqual([
      expect.stringContaining('messages_by_topic_block'),
    ])
  })
})
