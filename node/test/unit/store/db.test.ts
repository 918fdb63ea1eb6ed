import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { hasCode } from '#protocol'
import { openDatabase, STORE_MIGRATIONS, type StoreDatabase } from '../../../src/store/index.js'
import { recordingLogger, tempDir } from './helpers.js'

const cleanups: (() => void)[] = []
afterEach(() => {
  for (const c of cleanups.splice(0)) c()
})

function open(init: Parameters<typeof openDatabase>[0] = {}): StoreDatabase {
  const db = openDatabase(init)
  cleanups.unshift(() => db.close())
  return db
}

function fileDb(name = 'node.sqlite'): string {
  const t = tempDir()
  cleanups.push(t.cleanup)
  return join(t.dir, name)
}

describe('openDatabase', () => {
  it('defaults to a private in-memory database with synchronous=FULL, foreign keys on and the schema applied', () => {
    const db = open()
    expect(db.path).toBe(':memory:')
    expect(db.synchronous).toBe('FULL')
    expect(db.sqlite.pragma('synchronous', { simple: true })).toBe(2)
    expect(db.sqlite.pragma('foreign_keys', { simple: true })).toBe(1)
    expect(db.schemaVersion).toBe(STORE_MIGRATIONS.length)
    const tables = db.sqlite.prepare(`SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name`).pluck().all()
    expect(tables).toEqual(['jobs', 'kv', 'messages', 'outbox', 'schema_version'])
  })

  it('puts a file database in WAL mode with the tuned pragmas', () => {
    const db = open({ path: fileDb(), synchronous: 'NORMAL', busyTimeoutMs: 1234, walAutocheckpointPages: 777 })
    expect(db.sqlite.pragma('journal_mode', { simple: true })).toBe('wal')
    expect(db.sqlite.pragma('synchronous', { simple: true })).toBe(1)
    expect(db.sqlite.pragma('busy_timeout', { simple: true })).toBe(1234)
    expect(db.sqlite.pragma('wal_autocheckpoint', { simple: true })).toBe(777)
    expect(db.sqlite.pragma('cache_size', { simple: true })).toBe(-131072)
  })

  it('checkpoints a FULL WAL at 1000 pages and a NORMAL one at 20000 unless told otherwise', () => {
    const full = open({ path: fileDb('full.sqlite') })
    const normal = open({ path: fileDb('normal.sqlite'), synchronous: 'NORMAL' })
    expect(full.sqlite.pragma('wal_autocheckpoint', { simple: true })).toBe(1_000)
    expect(normal.sqlite.pragma('wal_autocheckpoint', { simple: true })).toBe(20_000)
  })

  it('refuses an asynchronous transaction function and rolls its writes back', () => {
    const db = open()
    const insert = db.sqlite.prepare(
      'INSERT INTO outbox (id, topic, envelope, created_at, not_before) VALUES (?, ?, ?, 0, 0)',
    )
    expect(() =>
      db.transaction(async () => {
        insert.run(Buffer.from('a'), 't', Buffer.from('x'))
      }),
    ).toThrow(TypeError)
    expect(db.sqlite.prepare('SELECT count(*) FROM outbox').pluck().get()).toBe(0)
    expect(db.sqlite.inTransaction).toBe(false)
  })

  it('logs the open with its settings', () => {
    const logger = recordingLogger()
    open({ logger })
    expect(logger.records).toContainEqual(
      expect.objectContaining({
        level: 'info',
        msg: 'store opened',
        ctx: expect.objectContaining({ synchronous: 'FULL' }),
      }),
    )
  })

  it('close is idempotent and reported by isOpen', () => {
    const db = openDatabase()
    expect(db.isOpen).toBe(true)
    db.close()
    db.close()
    expect(db.isOpen).toBe(false)
  })

  it('transaction commits every write together, or none when the function throws', () => {
    const db = open()
    const insert = db.sqlite.prepare(
      'INSERT INTO outbox (id, topic, envelope, created_at, not_before) VALUES (?, ?, ?, 0, 0)',
    )
    const count = () => db.sqlite.prepare('SELECT count(*) FROM outbox').pluck().get()
    db.transaction(() => {
      insert.run(Buffer.from('a'), 't', Buffer.from('x'))
      insert.run(Buffer.from('b'), 't', Buffer.from('x'))
    })
    expect(count()).toBe(2)
    expect(() =>
      db.transaction(() => {
        insert.run(Buffer.from('c'), 't', Buffer.from('x'))
        throw new Error('boom')
      }),
    ).toThrow('boom')
    expect(count()).toBe(2)
  })

  it('a nested transaction that throws rolls back only itself when the outer one catches', () => {
    const db = open()
    const insert = db.sqlite.prepare(
      'INSERT INTO outbox (id, topic, envelope, created_at, not_before) VALUES (?, ?, ?, 0, 0)',
    )
    db.transaction(() => {
      insert.run(Buffer.from('a'), 't', Buffer.from('x'))
      try {
        db.transaction(() => {
          insert.run(Buffer.from('b'), 't', Buffer.from('x'))
          throw new Error('inner')
        })
      } catch {}
    })
    expect(db.sqlite.prepare('SELECT count(*) FROM outbox').pluck().get()).toBe(1)
  })

  it('re-opening a file keeps its data', () => {
    const path = fileDb()
    const a = openDatabase({ path })
    a.sqlite
      .prepare(`INSERT INTO outbox (id, topic, envelope, created_at, not_before) VALUES (x'01', 't', x'02', 0, 0)`)
      .run()
    a.close()
    const b = open({ path })
    expect(b.sqlite.prepare('SELECT count(*) FROM outbox').pluck().get()).toBe(1)
    expect(b.schemaVersion).toBe(STORE_MIGRATIONS.length)
  })

  it('refuses a path whose directory does not exist with STORE_OPEN_FAILED', () => {
    const path = join(fileDb(), 'missing', 'node.sqlite')
    expect(() => openDatabase({ path })).toThrow(expect.objectContaining({ code: 'STORE_OPEN_FAILED' }))
  })

  it('refuses a file that is not a SQLite database with STORE_OPEN_FAILED and says what to check', () => {
    const path = fileDb('junk.sqlite')
    writeFileSync(path, 'this is not a database, just some text long enough to fill a header. '.repeat(20))
    let caught: unknown
    try {
      openDatabase({ path })
    } catch (err) {
      caught = err
    }
    expect(hasCode(caught, 'STORE_OPEN_FAILED')).toBe(true)
    expect((caught as Error).message).toMatch(/SQLite database/)
  })
})
