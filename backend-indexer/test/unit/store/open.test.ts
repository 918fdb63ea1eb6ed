import { Client } from 'pg'
import { describe, expect, it } from 'vitest'
import { pgEnabled } from '../../../../test/utils/services.js'
import { makeTempDir } from '../../../../test/utils/temp-dir.js'
import {
  createPostgresStore,
  createSqliteStore,
  IndexerStoreError,
  openIndexerStore,
  parseStoreUrl,
} from '../../../src/store/index.js'

const PG = process.env.KINITRO_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
// Real PostgreSQL cases fail when it is unreachable, unless KINITRO_TEST_PG=0 says there is none.
const NO_PG = !(await pgEnabled(PG))

async function codeOf(p: Promise<unknown>): Promise<IndexerStoreError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(err).toBeInstanceOf(IndexerStoreError)
  return err as IndexerStoreError
}

describe('parseStoreUrl', () => {
  it('maps each accepted form to its store', () => {
    expect(parseStoreUrl(':memory:')).toEqual({ kind: 'sqlite', path: ':memory:' })
    expect(parseStoreUrl('sqlite::memory:')).toEqual({ kind: 'sqlite', path: ':memory:' })
    expect(parseStoreUrl('sqlite:./data/indexer.sqlite')).toEqual({ kind: 'sqlite', path: './data/indexer.sqlite' })
    expect(parseStoreUrl('sqlite:///var/lib/x.db')).toEqual({ kind: 'sqlite', path: '/var/lib/x.db' })
    expect(parseStoreUrl('/var/lib/kinitro/indexer.sqlite')).toEqual({
      kind: 'sqlite',
      path: '/var/lib/kinitro/indexer.sqlite',
    })
    expect(parseStoreUrl('indexer.sqlite')).toEqual({ kind: 'sqlite', path: 'indexer.sqlite' })
    expect(parseStoreUrl('postgres://u:p@db:5433/kin')).toEqual({
      kind: 'postgres',
      url: 'postgres://u:p@db:5433/kin',
      schema: undefined,
    })
    expect(parseStoreUrl('postgresql://db/kin?schema=mainnet&sslmode=disable')).toEqual({
      kind: 'postgres',
      url: 'postgresql://db/kin?sslmode=disable',
      schema: 'mainnet',
    })
  })

  it('refuses other schemes and empty input without echoing credentials', () => {
    for (const url of ['mysql://root:hunter2@db/x', '', 'sqlite:', 'http://example.com/db']) {
      let err: unknown
      try {
        parseStoreUrl(url)
      } catch (e) {
        err = e
      }
      expect(err, url).toBeInstanceOf(IndexerStoreError)
      expect((err as IndexerStoreError).code).toBe('INDEXER_STORE_BAD_URL')
      expect(JSON.stringify((err as IndexerStoreError).toObject())).not.toContain('hunter2')
    }
  })
})

describe('opening stores', () => {
  it('opens SQLite from a URL and a plain path', async () => {
    const tmp = makeTempDir('kinitro-indexer-open-')
    try {
      for (const url of [':memory:', `sqlite:${tmp.file('a.sqlite')}`, tmp.file('b.sqlite')]) {
        const store = await openIndexerStore(url)
        expect(store.kind, url).toBe('sqlite')
        expect(await store.ping()).toBe(true)
        await store.close()
      }
      // Reopening a file keeps its data (it is the file, not a fresh memory database).
      const again = await openIndexerStore(tmp.file('b.sqlite'))
      await again.putKv('k', 'v')
      await again.close()
      const third = await createSqliteStore({ path: tmp.file('b.sqlite') })
      expect(await third.getKv('k')).toBe('v')
      await third.close()
    } finally {
      tmp.cleanup()
    }
  })

  it('fails with INDEXER_STORE_OPEN_FAILED on a file that is not a database', async () => {
    const tmp = makeTempDir('kinitro-indexer-open-')
    try {
      const { writeFileSync } = await import('node:fs')
      writeFileSync(tmp.file('junk.sqlite'), Buffer.alloc(8192, 7))
      const err = await codeOf(createSqliteStore({ path: tmp.file('junk.sqlite') }))
      expect(err.code).toBe('INDEXER_STORE_OPEN_FAILED')
      expect((await codeOf(createSqliteStore({ path: tmp.file('no/such/dir/x.sqlite') }))).code).toBe(
        'INDEXER_STORE_OPEN_FAILED',
      )
    } finally {
      tmp.cleanup()
    }
  })

  it.skipIf(NO_PG)('opens PostgreSQL from a URL with ?schema=, creating the schema', async () => {
    const schema = `idx_open_${process.pid}`
    const store = await openIndexerStore(`${PG}?schema=${schema}`)
    try {
      expect(store.kind).toBe('postgres')
      await store.putKv('k', 'v')
      const client = new Client({ connectionString: PG })
      await client.connect()
      const { rows } = await client.query(`SELECT value FROM "${schema}".kv`)
      await client.end()
      expect(rows).toEqual([{ value: 'v' }])
    } finally {
      await store.close()
      const client = new Client({ connectionString: PG })
      await client.connect()
      await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
      await client.end()
    }
  })

  it('refuses a schema name that is not a plain identifier', async () => {
    for (const schema of ['Public', 'a;drop', '1abc', 'x"y']) {
      expect((await codeOf(createPostgresStore({ url: PG, schema }))).code, schema).toBe(
        'INDEXER_STORE_INVALID_OPTIONS',
      )
    }
  })

  it('fails with INDEXER_STORE_OPEN_FAILED when PostgreSQL is unreachable, without the password', async () => {
    const err = await codeOf(createPostgresStore({ url: 'postgres://kin:s3cret@127.0.0.1:1/nope' }))
    expect(err.code).toBe('INDEXER_STORE_OPEN_FAILED')
    expect(err.meta).toMatchObject({ kind: 'postgres', target: '127.0.0.1:1/nope/public' })
    expect(JSON.stringify(err.toObject())).not.toContain('s3cret')
  })
})
