import { createHash, randomBytes } from 'node:crypto'
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import Database from 'better-sqlite3'
import { CommanderError } from 'commander'
import { Client } from 'pg'
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createSqliteStore, openIndexerStore } from '#indexer'
import { createJobQueue, createStore, openDatabase, STORE_MIGRATIONS } from '#node'
import { DB_ERROR_CODES, DB_ERROR_FIXES, dbCommand } from '../../cli/db.js'
import { ENQUEUE_BATCH } from '../faults/queue-crash-shared.js'
import { pgEnabled, TEST_PG_URL } from '../utils/services.js'
import { spawnTs } from '../utils/spawn.js'
import { tearLeafPage } from '../utils/sqlite-damage.js'
import { makeTempDir, type TempDir } from '../utils/temp-dir.js'

// Real SQLite files made by the stores' own code, a real writer process, and the local PostgreSQL.
const NO_PG = !(await pgEnabled())

interface Run {
  out: string
  err: string
  code: number
}

/** Run `kinitro db <argv>` in process, capturing the report and commander's error output. */
async function db(...argv: string[]): Promise<Run> {
  let out = ''
  let err = ''
  const cmd = dbCommand({ out: (text) => (out += `${text}\n`) })
  for (const c of [cmd, ...cmd.commands]) {
    c.exitOverride()
    c.configureOutput({ writeOut: (s) => (out += s), writeErr: (s) => (err += s) })
  }
  try {
    await cmd.parseAsync(argv, { from: 'user' })
    return { out, err, code: 0 }
  } catch (e) {
    // Anything but commander's exit (typed errors go through it) is a bug: let the test fail on it.
    if (!(e instanceof CommanderError)) throw e
    return { out, err, code: e.exitCode }
  }
}

async function json<T = Record<string, unknown>>(...argv: string[]): Promise<T> {
  const r = await db(...argv, '--json')
  expect(r.err).toBe('')
  expect(r.code).toBe(0)
  return JSON.parse(r.out) as T
}

type Status = {
  schema: { version: number; codeVersion: number; state: string; pending: { version: number; name: string }[] }
  tables: { name: string; rows: number | null }[]
  sizeBytes: number
  sqlite?: { journalMode: string; walBytes: number; integrity?: { ok: boolean; problems?: string[] } }
}

const rows = (s: Status, table: string): number | null | undefined => s.tables.find((t) => t.name === table)?.rows

function appendMessages(store: ReturnType<typeof createStore>, n: number, size = 200): void {
  store.transaction(() => {
    for (let i = 0; i < n; i++) {
      const envelope = new Uint8Array(randomBytes(size))
      const id = new Uint8Array(createHash('sha256').update(envelope).digest())
      store.log.append({ id, topic: 'results', type: 'result', block: i, signer: Uint8Array.of(1), envelope })
    }
  })
}

let tmp: TempDir
beforeEach(() => {
  tmp = makeTempDir('kinitro-db-cli-')
})
afterEach(() => tmp.cleanup())

describe('kinitro db on a node store', () => {
  it('reports an old schema, lists the pending step, applies it, and reports it current', async () => {
    const path = tmp.file('node.sqlite')
    // A database written by a build that knew only the first migration, with jobs in its queue.
    const old = openDatabase({ path, migrations: STORE_MIGRATIONS.slice(0, 1) })
    createJobQueue(old).enqueueMany([1, 2, 3].map((i) => ({ id: `job-${i}`, payload: Uint8Array.of(i) })))
    old.close()

    const before = await json<Status>('status', '--node-data', tmp.dir)
    expect(before.schema).toEqual({
      version: 1,
      codeVersion: STORE_MIGRATIONS.length,
      state: 'behind',
      pending: STORE_MIGRATIONS.slice(1).map((m) => ({ version: m.id, name: m.name })),
    })
    expect(rows(before, 'jobs')).toBe(3)
    expect(rows(before, 'kv')).toBeUndefined()
    expect(before.sqlite?.journalMode).toBe('wal')
    expect(before.sqlite?.integrity).toEqual({ ok: true })
    const text = await db('status', '--node-data', tmp.dir)
    expect(text.out).toMatch(/schema: +version 1 of 2: 1 pending \(2 kv\)/)

    const dry = await db('migrate', '--node-data', tmp.dir, '--dry-run')
    expect(dry.out).toContain('would migrate 1 → 2: 2 kv (dry run: nothing changed)')
    expect((await json<Status>('status', '--node-data', tmp.dir)).schema.version).toBe(1)

    const done = await json<{ from: number; to: number; steps: unknown[] }>('migrate', '--node-data', tmp.dir)
    expect(done).toMatchObject({ from: 1, to: 2, steps: [{ version: 2, name: 'kv' }], dryRun: false })
    const after = await json<Status>('status', '--node-data', tmp.dir)
    expect(after.schema).toMatchObject({ version: 2, state: 'current', pending: [] })
    expect(rows(after, 'kv')).toBe(0)
    expect(rows(after, 'jobs')).toBe(3)
    expect((await db('migrate', '--node-data', tmp.dir)).out).toContain('schema version 2 is current: nothing to do')

    // The node opens the migrated file as its own and uses the new table.
    const store = createStore({ path })
    store.kv.put('k', Uint8Array.of(7))
    expect([...(store.kv.get('k') ?? [])]).toEqual([7])
    expect(store.queue.stats().pending).toBe(3)
    store.close()
  })

  it('counts the rows of a live store and reads it while another connection holds the write lock', async () => {
    const path = tmp.file('node.sqlite')
    const store = createStore({ path })
    appendMessages(store, 250)
    store.outbox.add(Uint8Array.of(1, 2, 3), 'results')
    // The node keeps its connection open and is mid-write: WAL readers are not blocked.
    store.db.sqlite.prepare('BEGIN IMMEDIATE').run()
    try {
      const s = await json<Status>('status', '--node-data', path, '--busy-timeout', '200')
      expect(rows(s, 'messages')).toBe(250)
      expect(rows(s, 'outbox')).toBe(1)
      expect(s.sqlite?.journalMode).toBe('wal')
      expect(s.sqlite?.walBytes).toBeGreaterThan(0)
      expect(s.sizeBytes).toBeGreaterThan(250 * 200)
    } finally {
      store.db.sqlite.prepare('ROLLBACK').run()
      store.close()
    }
  })

  it('gives up on a migration another process keeps locked with DB_LOCKED, and succeeds once it is released', async () => {
    const path = tmp.file('node.sqlite')
    openDatabase({ path, migrations: STORE_MIGRATIONS.slice(0, 1) }).close()
    const holder = new Database(path)
    holder.prepare('BEGIN IMMEDIATE').run()
    try {
      const r = await db('migrate', '--node-data', tmp.dir, '--busy-timeout', '100')
      expect(r.code).toBe(1)
      expect(r.err).toContain('error DB_LOCKED')
      expect(r.err).toContain('how to fix:')
    } finally {
      holder.prepare('ROLLBACK').run()
      holder.close()
    }
    expect((await json<{ to: number }>('migrate', '--node-data', tmp.dir)).to).toBe(2)
  })

  it('refuses to migrate down a database written by a newer build, and leaves it untouched', async () => {
    const path = tmp.file('node.sqlite')
    createStore({ path }).close()
    const newer = new Database(path)
    newer.prepare('INSERT INTO schema_version (id, name, applied_at) VALUES (3, ?, 0)').run('from-the-future')
    newer.close()
    const bytes = readFileSync(path)

    const s = await json<Status>('status', '--node-data', tmp.dir)
    expect(s.schema).toMatchObject({ version: 3, codeVersion: 2, state: 'ahead', pending: [] })
    expect((await db('status', '--node-data', tmp.dir)).out).toContain("NEWER than this build's 2")
    for (const extra of [[], ['--dry-run']]) {
      const r = await db('migrate', '--node-data', tmp.dir, ...extra)
      expect(r.code).toBe(1)
      expect(r.err).toContain('error DB_SCHEMA_TOO_NEW')
      expect(r.err).toContain('will not migrate it down')
    }
    expect(readFileSync(path).equals(bytes)).toBe(true)
  })
})

describe('kinitro db on an indexer store (SQLite)', () => {
  it('reports a never-migrated file, migrates it with the store code, and counts its tables', async () => {
    const path = tmp.file('indexer.sqlite')
    await (await createSqliteStore({ path, migrate: false })).close()

    const before = await json<Status>('status', '--indexer', tmp.dir)
    expect(before.schema).toMatchObject({ version: 0, state: 'behind', pending: [{ version: 1, name: 'initial' }] })
    expect(before.tables).toEqual([])

    const done = await json<{ from: number; to: number }>('migrate', '--indexer', `sqlite:${path}`)
    expect(done).toMatchObject({ from: 0, to: 1 })
    const store = await openIndexerStore(path)
    await store.addCommitments([{ minerHotkey: '5Miner', block: 7, uid: 1, text: 'k1:x', seenAt: 1 }])
    const after = await json<Status>('status', '--indexer', path)
    await store.close()
    expect(after.schema).toMatchObject({ version: 1, state: 'current', pending: [] })
    expect(after.tables.map((t) => t.name)).toEqual(expect.arrayContaining(['messages', 'results', 'episodes']))
    expect(rows(after, 'commitments')).toBe(1)
  })

  it('refuses to migrate down an indexer file from a newer build', async () => {
    const path = tmp.file('indexer.sqlite')
    await (await createSqliteStore({ path })).close()
    const newer = new Database(path)
    newer.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (2, ?, 0)').run('future')
    newer.close()
    const r = await db('migrate', '--indexer', path)
    expect(r.code).toBe(1)
    expect(r.err).toContain('error DB_SCHEMA_TOO_NEW')
  })
})

describe('kinitro db backup', () => {
  it('copies a node store while another process keeps writing, and the copy is a consistent, verified snapshot', async () => {
    const path = tmp.file('node.sqlite')
    const seed = createStore({ path })
    appendMessages(seed, 3_000)
    seed.close()
    // The queue-crash child commits ENQUEUE_BATCH jobs per transaction, forever, through the node's own store.
    const writer = spawnTs('test/faults/queue-crash-child.ts', ['enqueue', path, 'NORMAL', '1'])
    try {
      // Loading the node's code under tsx takes seconds on a busy machine; the writes themselves are fast.
      await writer.waitForLine((l) => l === 'ready', 90_000)
      await writer.waitForLine((l) => l === 'batch 3', 20_000)
      const r = await json<{ to: string; schemaVersion: number; tables: { name: string; rows: number }[] }>(
        'backup',
        '--node-data',
        tmp.dir,
        '--to',
        tmp.file('backups/node-copy.sqlite'),
      )
      const batchesAfter = writer.lines.length
      await writer.waitForLine((l) => l === `batch ${batchesAfter + 2}`, 20_000)

      expect(r.to).toBe(tmp.file('backups/node-copy.sqlite'))
      expect(r.schemaVersion).toBe(STORE_MIGRATIONS.length)
      const copy = new Database(r.to, { readonly: true })
      const jobs = copy.prepare('SELECT count(*) FROM jobs').pluck().get() as number
      expect(copy.pragma('quick_check', { simple: true })).toBe('ok')
      expect(copy.pragma('journal_mode', { simple: true })).toBe('delete')
      expect(copy.prepare('SELECT count(*) FROM messages').pluck().get()).toBe(3_000)
      copy.close()
      // One snapshot between two commits: whole batches only, at least the three seen before the copy began.
      expect(jobs % ENQUEUE_BATCH).toBe(0)
      expect(jobs).toBeGreaterThanOrEqual(3 * ENQUEUE_BATCH)
      expect(r.tables.find((t) => t.name === 'jobs')?.rows).toBe(jobs)
      expect(existsSync(`${r.to}-wal`)).toBe(false)
      expect(readdirSync(tmp.file('backups'))).toEqual(['node-copy.sqlite'])
      expect(writer.stderr()).toBe('')
    } finally {
      await writer.crash()
    }
    // Restoring is copying the file back: the node opens it as its store.
    const restored = createStore({ path: tmp.file('backups/node-copy.sqlite') })
    expect(restored.db.schemaVersion).toBe(STORE_MIGRATIONS.length)
    restored.close()
  }, 150_000)

  it('never overwrites without --force, names the file inside a directory, and refuses the database itself', async () => {
    createStore({ path: tmp.file('node.sqlite') }).close()
    writeFileSync(tmp.file('taken.sqlite'), 'keep me')
    const refused = await db('backup', '--node-data', tmp.dir, '--to', tmp.file('taken.sqlite'))
    expect(refused.code).toBe(1)
    expect(refused.err).toContain('error DB_BACKUP_EXISTS')
    expect(readFileSync(tmp.file('taken.sqlite'), 'utf8')).toBe('keep me')

    const forced = await json<{ to: string }>(
      'backup',
      '--node-data',
      tmp.dir,
      '--to',
      tmp.file('taken.sqlite'),
      '--force',
    )
    expect(new Database(forced.to, { readonly: true }).pragma('quick_check', { simple: true })).toBe('ok')

    const inDir = await json<{ to: string }>('backup', '--node-data', tmp.dir, '--to', tmp.dir)
    expect(inDir.to).toMatch(/^.*\/node-\d{8}T\d{6}Z\.sqlite$/)

    // An indexer file, into a directory that does not exist yet (named with a trailing slash).
    await (await createSqliteStore({ path: tmp.file('indexer.sqlite') })).close()
    const idx = await json<{ to: string; schemaVersion: number }>(
      'backup',
      '--indexer',
      tmp.file('indexer.sqlite'),
      '--to',
      `${tmp.file('new-dir')}/`,
    )
    expect(idx.to).toMatch(/\/new-dir\/indexer-\d{8}T\d{6}Z\.sqlite$/)
    expect(idx.schemaVersion).toBe(1)

    const self = await db('backup', '--node-data', tmp.dir, '--to', tmp.file('node.sqlite'), '--force')
    expect(self.err).toContain('is the database itself')
  })
})

describe('kinitro db on damaged or missing files', () => {
  it('says a file that is not a database is damaged and how to restore, for every subcommand', async () => {
    writeFileSync(tmp.file('node.sqlite'), 'this is not SQLite '.repeat(300))
    for (const argv of [['status'], ['migrate'], ['backup', '--to', tmp.file('copy.sqlite')]]) {
      const r = await db(...argv, '--node-data', tmp.dir)
      expect(r.code, argv[0]).toBe(1)
      expect(r.err).toContain(
        `error DB_CORRUPT: database file ${tmp.file('node.sqlite')} is damaged: file is not a database`,
      )
      expect(r.err).toContain('how to fix: stop the process using it, move the file aside and restore')
    }
    expect(existsSync(tmp.file('copy.sqlite'))).toBe(false)
    expect(readdirSync(tmp.dir)).toEqual(['node.sqlite'])
  })

  it('prints what quick_check found in a damaged page, then fails; a backup of it is refused', async () => {
    const path = tmp.file('node.sqlite')
    const store = createStore({ path })
    appendMessages(store, 2_000)
    store.close()
    const page = tearLeafPage(path, 'messages')

    const r = await db('status', '--node-data', tmp.dir)
    expect(r.code).toBe(1)
    expect(r.out).toContain('integrity: DAMAGED (quick_check found')
    expect(r.out).toMatch(new RegExp(`^  - Tree \\d+ page ${page}: free space corruption$`, 'm'))
    expect(r.out).toMatch(/^ {2}messages +2000$/m)
    expect(r.err).toContain('error DB_CORRUPT')
    const b = await db('backup', '--node-data', tmp.dir, '--to', tmp.file('copy.sqlite'))
    expect(b.err).toContain('error DB_CORRUPT')
    expect(readdirSync(tmp.dir)).toEqual(['node.sqlite'])
  })

  it('names a missing database without creating one, and asks for exactly one target', async () => {
    const missing = await db('status', '--node-data', tmp.dir)
    expect(missing.err).toContain(`error DB_NOT_FOUND: no database at ${tmp.file('node.sqlite')}`)
    expect(missing.err).toContain(`how to fix: ${DB_ERROR_FIXES.DB_NOT_FOUND}`)
    expect((await db('migrate', '--indexer', tmp.dir)).err).toContain('error DB_NOT_FOUND')
    expect(readdirSync(tmp.dir)).toEqual([])
    expect((await db('status')).err).toContain('error DB_NO_TARGET')
    expect((await db('status', '--node-data', tmp.dir, '--indexer', tmp.dir)).err).toContain('error DB_NO_TARGET')
    expect((await db('status', '--indexer', ':memory:')).err).toContain('error DB_NO_TARGET')
    // Nothing listens on port 1: refused at once.
    const refused = await db('status', '--indexer', 'postgres://kinitro:hunter2@127.0.0.1:1/kinitro')
    expect(refused.err).toContain('error DB_OPEN_FAILED: cannot connect to 127.0.0.1:1/kinitro/public')
    expect(refused.err).not.toContain('hunter2')
  })

  it('has a how-to-fix for every code it raises', () => {
    for (const code of DB_ERROR_CODES) expect(DB_ERROR_FIXES[code].length, code).toBeGreaterThan(10)
  })
})

describe.skipIf(NO_PG)('kinitro db on an indexer store (PostgreSQL)', () => {
  const schema = `db_cli_${process.pid}_${Date.now()}`
  const url = `${TEST_PG_URL}?schema=${schema}`
  afterAll(async () => {
    const client = new Client({ connectionString: TEST_PG_URL })
    await client.connect()
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`)
    await client.end()
  })

  it('reports a missing schema as version 0, migrates it, counts rows, and refuses a newer one', async () => {
    const before = await json<Status>('status', '--indexer', url)
    expect(before.schema).toMatchObject({ version: 0, state: 'behind', pending: [{ version: 1, name: 'initial' }] })
    expect(before.tables).toEqual([])
    await json('migrate', '--indexer', url, '--dry-run')
    expect((await json<Status>('status', '--indexer', url)).schema.version).toBe(0)

    expect(await json('migrate', '--indexer', url)).toMatchObject({ from: 0, to: 1, kind: 'postgres' })
    const store = await openIndexerStore(url)
    await store.addCommitments([{ minerHotkey: '5Miner', block: 7, uid: 1, text: 'k1:x', seenAt: 1 }])
    await store.close()
    const after = await json<Status & { target: string; postgres: { serverVersion: string } }>(
      'status',
      '--indexer',
      url,
    )
    expect(after.schema).toMatchObject({ version: 1, state: 'current' })
    expect(rows(after, 'commitments')).toBe(1)
    expect(after.target).toMatch(new RegExp(`/test/${schema}$`))
    expect(after.postgres.serverVersion).not.toBe('')

    const client = new Client({ connectionString: TEST_PG_URL })
    await client.connect()
    await client.query(`INSERT INTO ${schema}.schema_migrations (version, name, applied_at) VALUES (2, 'future', 0)`)
    await client.end()
    expect((await db('migrate', '--indexer', url)).err).toContain('error DB_SCHEMA_TOO_NEW')
  })

  it('sends PostgreSQL backups to pg_dump with the exact command, without the password', async () => {
    const withPassword = TEST_PG_URL.replace('://postgres@', '://postgres:s3cret@')
    const r = await db('backup', '--indexer', `${withPassword}?schema=${schema}`, '--to', tmp.file('idx.dump'))
    expect(r.code).toBe(1)
    expect(r.err).toContain('error DB_BACKUP_POSTGRES')
    expect(r.err).toContain(`pg_dump --format=custom --schema=${schema} --file=${tmp.file('idx.dump')}`)
    expect(r.err).not.toContain('s3cret')
  })

  it('says which database does not exist', async () => {
    const r = await db('status', '--indexer', TEST_PG_URL.replace(/\/test$/, '/kinitro_no_such_db'))
    expect(r.err).toContain('error DB_NOT_FOUND')
  })
})
