import { Registry } from 'prom-client'
import { describe, expect, it } from 'vitest'
import { createSqliteStore, getIndexerStoreMetrics } from '../../../src/store/index.js'
import { hexId, hotkey, resultMsg, weightsMsg } from './fixtures.js'

describe('store metrics', () => {
  it('counts inserted and duplicate messages, batch timings and rolled-back batches', async () => {
    const register = new Registry()
    const store = await createSqliteStore({ metrics: getIndexerStoreMetrics(register) })
    const a = weightsMsg({ validator: hotkey('v'), block: 1 })
    await store.ingest([a, weightsMsg({ validator: hotkey('v'), block: 2 })])
    await store.ingest([a])
    const bad = resultMsg({
      jobId: hexId('j'),
      validator: hotkey('v'),
      competitionId: 'c',
      minerHotkey: hotkey('m'),
      block: 3,
    })
    if (bad.projection.kind === 'result') (bad.projection.result as { validator: string | null }).validator = null
    await expect(store.ingest([bad])).rejects.toThrow()
    await store.close()

    const text = await register.metrics()
    expect(text).toContain('kinitro_indexer_store_messages_total{kind="sqlite",outcome="inserted"} 2')
    expect(text).toContain('kinitro_indexer_store_messages_total{kind="sqlite",outcome="duplicate"} 1')
    expect(text).toContain('kinitro_indexer_store_ingest_seconds_count{kind="sqlite"} 3')
    expect(text).toContain(
      'kinitro_indexer_store_ingest_failures_total{kind="sqlite",code="INDEXER_STORE_WRITE_FAILED"} 1',
    )
  })
})
