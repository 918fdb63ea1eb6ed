import { Client } from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { pgEnabled } from '../../../../../test/utils/services.js'
import { createPostgresStore, type IndexerStore } from '../../../../src/store/index.js'
import { hexId, hotkey, resultMsg } from '../fixtures.js'

const URL = process.env.KINITRO_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
const SCHEMA = `idx_lock_${process.pid}`

// Ingest batches commit one at a time per schema (an advisory lock), so seq values become visible in order
// and overlapping batches cannot deadlock. Checked by holding that lock from outside and watching ingest wait.
describe.skipIf(!(await pgEnabled(URL)))('postgres ingest serialization', () => {
  let store: IndexerStore
  let admin: Client
  beforeAll(async () => {
    store = await createPostgresStore({ url: URL, schema: SCHEMA })
    admin = new Client({ connectionString: URL })
    await admin.connect()
  })
  afterAll(async () => {
    // A failed case may leave the lock transaction open; end it so the ingest and the DROP can run.
    await admin.query('ROLLBACK')
    await store.close()
    await admin.query(`DROP SCHEMA IF EXISTS "${SCHEMA}" CASCADE`)
    await admin.end()
  })

  it('waits for the schema ingest lock before writing', async () => {
    await admin.query('BEGIN')
    await admin.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`kinitro-indexer-ingest:${SCHEMA}`])
    const msg = resultMsg({
      jobId: hexId('lock'),
      validator: hotkey('v'),
      competitionId: 'c',
      minerHotkey: hotkey('m'),
      block: 1,
    })
    let settled = false
    const ingest = store.ingest([msg]).finally(() => {
      settled = true
    })
    // Poll until another backend waits on an advisory lock, or the ingest finished without waiting (a failure).
    let waiting = false
    while (!settled && !waiting) {
      const { rows } = await admin.query(
        `SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND wait_event = 'advisory'`,
      )
      waiting = rows[0].n > 0
    }
    expect(settled, 'ingest ran while another transaction held the ingest lock').toBe(false)
    expect(await store.message(msg.id)).toBeUndefined()
    await admin.query('COMMIT')
    expect((await ingest).inserted.map((i) => i.id)).toEqual([msg.id])
  })
})
