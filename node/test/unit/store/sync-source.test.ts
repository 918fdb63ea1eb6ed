import { createHash, randomBytes } from 'node:crypto'
import { afterEach, describe, expect, it } from 'vitest'
import { syncSourceFromLog } from '#protocol'
import { createStore, type LogEntry, type Store } from '../../../src/store/index.js'

// The sync server reads the node's real SQLite message log through protocol's adapter; the adapter is
// structural (protocol cannot import node), so this is where the two are proven to fit.
const stores: Store[] = []
afterEach(() => {
  for (const s of stores.splice(0)) s.close()
})

function entry(block: number, topic: string): LogEntry {
  const envelope = randomBytes(40 + (block % 7))
  return {
    id: createHash('sha256').update(envelope).digest(),
    topic,
    type: topic === 'results' ? 'result' : 'job-status',
    block,
    signer: new Uint8Array(32).fill(block % 255),
    envelope,
  }
}

describe('syncSourceFromLog over the SQLite message log', () => {
  it('pages a topic range in (block, id) order with opaque cursors, answers by id and reports status', async () => {
    const store = createStore()
    stores.push(store)
    const entries = Array.from({ length: 50 }, (_, i) => entry(100 + (i % 17), i % 3 === 0 ? 'jobs' : 'results'))
    store.log.appendMany(entries)
    const source = syncSourceFromLog(store.log)

    const status = await source.status()
    expect(status).toEqual({ headBlock: 116, oldestBlock: 100, count: 50 })

    const got: Uint8Array[] = []
    let cursor: Uint8Array | undefined
    let pages = 0
    do {
      const page = await source.range({ topic: 'results', fromBlock: 103, toBlock: 112, cursor, limit: 4 })
      got.push(...page.items)
      cursor = page.nextCursor
      pages++
    } while (cursor !== undefined && pages < 100)
    const want = entries
      .filter((e) => e.topic === 'results' && e.block >= 103 && e.block <= 112)
      .sort((a, b) => a.block - b.block || Buffer.compare(a.id, b.id))
      .map((e) => Buffer.from(e.envelope).toString('hex'))
    expect(got.map((g) => Buffer.from(g).toString('hex'))).toEqual(want)
    expect(want.length, 'the range spans several pages').toBeGreaterThan(8)
    expect(pages).toBeGreaterThanOrEqual(Math.ceil(want.length / 4))

    const ids = [entries[3]?.id, randomBytes(32), entries[10]?.id].filter((x): x is Buffer => x !== undefined)
    const byId = await source.byId(ids)
    expect(byId.map((b) => Buffer.from(b).toString('hex'))).toEqual([
      Buffer.from(entries[3]?.envelope ?? []).toString('hex'),
      Buffer.from(entries[10]?.envelope ?? []).toString('hex'),
    ])
  })

  it('an empty log reports zeros', async () => {
    const store = createStore()
    stores.push(store)
    expect(await syncSourceFromLog(store.log).status()).toEqual({ headBlock: 0, oldestBlock: 0, count: 0 })
  })
})
