import { Client } from 'pg'
import { describe } from 'vitest'
import { pgEnabled } from '../../../../test/utils/services.js'
import { createPostgresStore, type IndexerStore } from '../../../src/store/index.js'
import { storeSuite } from '../../compliance/store.suite.js'

// Real PostgreSQL (common.md: trust auth on 127.0.0.1). Unreachable → the cases FAIL; KINITRO_TEST_PG=0 skips.
const URL = process.env.KINITRO_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
const RUN = `idx_${process.pid}_${Date.now().toString(36)}`
const schemas = new WeakMap<IndexerStore, string>()
let n = 0

async function sql(text: string): Promise<void> {
  const client = new Client({ connectionString: URL })
  await client.connect()
  try {
    await client.query(text)
  } finally {
    await client.end()
  }
}

describe.skipIf(!(await pgEnabled(URL)))('postgres', () => {
  storeSuite(
    'postgres',
    async () => {
      const schema = `${RUN}_${++n}`
      const store = await createPostgresStore({ url: URL, schema, pool: { max: 4 } })
      schemas.set(store, schema)
      return store
    },
    async (store) => {
      await store.close()
      const schema = schemas.get(store)
      if (schema !== undefined) await sql(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
    },
    { exec: (store, text) => sql(`SET search_path TO "${schemas.get(store)}"; ${text}`) },
  )
})
