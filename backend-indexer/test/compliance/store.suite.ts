/**
 * The `IndexerStore` contract suite (style.md §2.10): SQLite and PostgreSQL both run it through a ~10-line
 * setup file. `setup` runs before EVERY case and must return a fresh, migrated, empty store; `teardown`
 * gets it back after the case (closed or not) and disposes of its database.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  BadCursorError,
  encodeCursor,
  INDEXER_MIGRATIONS,
  type IndexedMessage,
  type IndexerStore,
  IndexerStoreError,
  type Page,
} from '../../src/store/index.js'
import {
  buildDataset,
  COMPETITIONS,
  CYCLES,
  type Dataset,
  desc,
  ENVS,
  MINERS,
  VALIDATORS,
} from '../unit/store/dataset.js'
import {
  competitionMsg,
  hexId,
  hotkey,
  jobMsg,
  peerMsg,
  resultMsg,
  statusMsg,
  weightsMsg,
} from '../unit/store/fixtures.js'

/** Access to the database under a store, outside the store (for schema-version cases). */
export interface StoreSuiteHooks {
  /** Run raw SQL (no parameters) on the same file or schema as `store`. */
  exec(store: IndexerStore, sql: string): Promise<void>
}

/** Collect every page of a list, following nextCursor; fails on a cursor loop. */
async function walk<T>(
  fetch: (cursor: string | undefined) => Promise<Page<T>>,
): Promise<{ items: T[]; pages: number }> {
  const items: T[] = []
  let cursor: string | undefined
  for (let pages = 1; pages < 10_000; pages++) {
    const page = await fetch(cursor)
    items.push(...page.items)
    if (page.nextCursor === undefined) return { items, pages }
    cursor = page.nextCursor
  }
  throw new Error('cursor walk did not end')
}

async function expectCode(p: Promise<unknown>, code: string): Promise<unknown> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(err, `expected ${code}`).toBeInstanceOf(Error)
  expect((err as { code?: string }).code).toBe(code)
  return err
}

async function ingestInBatches(store: IndexerStore, messages: readonly IndexedMessage[], size: number): Promise<void> {
  for (let i = 0; i < messages.length; i += size) await store.ingest(messages.slice(i, i + size))
}

const byResult = desc<{ block: number; messageId: string }>(
  (r) => r.block,
  (r) => r.messageId,
)
const byJob = desc<{ block: number; jobId: string }>(
  (j) => j.block,
  (j) => j.jobId,
)
const byEpisode = desc<{ block: number; resultId: string; episodeIndex: number }>(
  (e) => e.block,
  (e) => e.resultId,
  (e) => e.episodeIndex,
)

export function storeSuite(
  name: string,
  setup: () => Promise<IndexerStore>,
  teardown: (store: IndexerStore) => Promise<void>,
  hooks: StoreSuiteHooks,
): void {
  describe(`IndexerStore contract: ${name}`, () => {
    let store: IndexerStore
    beforeEach(async () => {
      store = await setup()
    })
    afterEach(async () => {
      await teardown(store)
    })

    describe('migrations', () => {
      it('migrate() is idempotent and reports the code version', async () => {
        expect(await store.migrate()).toBe(INDEXER_MIGRATIONS.length)
        await store.putKv('k', 'v')
        expect(await store.migrate()).toBe(INDEXER_MIGRATIONS.length)
        expect(await store.getKv('k')).toBe('v')
      })

      it('refuses a database written by a newer schema', async () => {
        const newer = INDEXER_MIGRATIONS.length + 1
        await hooks.exec(
          store,
          `INSERT INTO schema_migrations (version, name, applied_at) VALUES (${newer}, 'future', 0)`,
        )
        const err = await expectCode(store.migrate(), 'INDEXER_STORE_SCHEMA_TOO_NEW')
        expect(err).toBeInstanceOf(IndexerStoreError)
        expect((err as IndexerStoreError).meta).toMatchObject({
          dbVersion: newer,
          codeVersion: newer - 1,
          kind: store.kind,
        })
      })

      it('refuses a database whose applied step has another name', async () => {
        await hooks.exec(store, `UPDATE schema_migrations SET name = 'elsewhere' WHERE version = 1`)
        await expectCode(store.migrate(), 'INDEXER_STORE_SCHEMA_MISMATCH')
      })
    })

    describe('ingest', () => {
      it('stores every projection kind and reads each back', async () => {
        const jobId = hexId('job-1')
        const comp = competitionMsg({ competitionId: 'reach-v1', block: 3 })
        const job = jobMsg({ competitionId: 'reach-v1', minerHotkey: MINERS[0], cycle: 1, block: 4, jobId })
        const status = statusMsg({ jobId, validator: VALIDATORS[0], state: 'running', block: 5 })
        const result = resultMsg({
          jobId,
          validator: VALIDATORS[0],
          competitionId: 'reach-v1',
          minerHotkey: MINERS[0],
          block: 6,
        })
        const weights = weightsMsg({ validator: VALIDATORS[0], block: 7 })
        const peer = peerMsg({ validator: VALIDATORS[0], issuedAtBlock: 2 })
        const all = [comp, job, status, result, weights, peer]
        const out = await store.ingest(all)
        expect(out.duplicates).toEqual([])
        expect(out.inserted.map((i) => i.id)).toEqual(all.map((m) => m.id))

        for (const m of all) {
          const row = await store.message(m.id)
          expect(row, m.type).toBeDefined()
          const { envelope, seq, ...rest } = row!
          expect(rest).toEqual({
            id: m.id,
            topic: m.topic,
            type: m.type,
            block: m.block,
            signer: m.signer,
            hotkey: m.hotkey,
            receivedAt: m.receivedAt,
          })
          expect(Buffer.from(envelope).equals(Buffer.from(m.envelope)), m.type).toBe(true)
          expect(seq).toBe(out.inserted.find((i) => i.id === m.id)?.seq)
        }
        expect(await store.message(hexId('absent'))).toBeUndefined()

        if (comp.projection.kind !== 'competition') throw new Error('fixture')
        expect(await store.competition('reach-v1')).toEqual(comp.projection.competition)
        expect(await store.competitions()).toEqual([comp.projection.competition])
        expect(await store.competition('absent')).toBeUndefined()

        if (job.projection.kind !== 'job' || status.projection.kind !== 'status') throw new Error('fixture')
        expect(await store.job(jobId)).toEqual({
          ...job.projection.job,
          statuses: [status.projection.status],
          results: [{ validator: VALIDATORS[0], messageId: result.id }],
        })
        expect(await store.job(hexId('absent'))).toBeUndefined()

        if (result.projection.kind !== 'result') throw new Error('fixture')
        const stored = await store.result(result.id)
        expect(stored).toEqual(result.projection.result)
        // Rows are JSON-safe: what the API serializes is what it parses back.
        expect(JSON.parse(JSON.stringify(stored))).toEqual(stored)
        expect(await store.result(hexId('absent'))).toBeUndefined()
        const episodes = await store.episodes({ resultId: result.id, limit: 1000 })
        expect(episodes.items).toEqual([...result.projection.episodes].sort(byEpisode))

        if (weights.projection.kind !== 'weights' || peer.projection.kind !== 'peer') throw new Error('fixture')
        expect((await store.weights({ limit: 10 })).items).toEqual([weights.projection.weights])
        expect(await store.latestWeights()).toEqual([weights.projection.weights])
        const activity = (await store.validators()).find((a) => a.validator === VALIDATORS[0])
        expect(activity?.peer).toEqual(peer.projection.peer)
        expect(activity?.lastWeights).toEqual(weights.projection.weights)
      })

      it('skips a message already stored, with its projections, and lists it as a duplicate', async () => {
        const m = resultMsg({
          jobId: hexId('j'),
          validator: VALIDATORS[0],
          competitionId: 'c',
          minerHotkey: MINERS[0],
          block: 9,
        })
        const first = await store.ingest([m])
        expect(first.inserted).toHaveLength(1)
        const before = await store.counts()
        const second = await store.ingest([m])
        expect(second).toEqual({ inserted: [], duplicates: [m.id] })
        expect(await store.counts()).toEqual(before)
        expect(before).toMatchObject({ messages: 1, results: 1, episodes: 10 })
      })

      it('lists a validator that signed two results for one job, with both, and nothing for honest jobs', async () => {
        const job = { jobId: hexId('eq-job'), competitionId: 'c', minerHotkey: MINERS[0] }
        const a = resultMsg({ ...job, validator: VALIDATORS[0], block: 9 })
        const b = resultMsg({ ...job, validator: VALIDATORS[0], block: 11 })
        const honest = resultMsg({ ...job, validator: VALIDATORS[1], block: 10 })
        const other = resultMsg({ ...job, jobId: hexId('eq-other'), validator: VALIDATORS[0], block: 12 })
        await store.ingest([a, honest])
        expect(await store.equivocations()).toEqual([])
        await store.ingest([b, other])
        const found = await store.equivocations()
        expect(found.map((e) => [e.validator, e.jobId, e.results.map((r) => r.messageId)])).toEqual([
          [VALIDATORS[0], job.jobId, [a.id, b.id]],
        ])
        if (a.projection.kind !== 'result') throw new Error('fixture')
        expect(found[0]?.results[0]).toEqual(a.projection.result)
        expect(await store.equivocations({ validator: VALIDATORS[1] })).toEqual([])
        expect(await store.equivocations({ validator: VALIDATORS[0], limit: 1 })).toHaveLength(1)
      })

      it('stores a message repeated inside one batch once', async () => {
        const a = weightsMsg({ validator: VALIDATORS[0], block: 1 })
        const b = weightsMsg({ validator: VALIDATORS[1], block: 2 })
        const out = await store.ingest([a, a, b, a])
        expect(out.inserted.map((i) => i.id)).toEqual([a.id, b.id])
        expect(out.duplicates).toEqual([a.id, a.id])
        expect((await store.counts()).weights).toBe(2)
      })

      it('assigns seq in input order, increasing across batches', async () => {
        const batch1 = [1, 2, 3].map((block) => weightsMsg({ validator: VALIDATORS[0], block }))
        const batch2 = [4, 5].map((block) => weightsMsg({ validator: VALIDATORS[0], block }))
        const seqs = [...(await store.ingest(batch1)).inserted, ...(await store.ingest(batch2)).inserted].map(
          (i) => i.seq,
        )
        for (let i = 1; i < seqs.length; i++) expect(seqs[i]!, `seq ${i}`).toBeGreaterThan(seqs[i - 1]!)
      })

      it('stores nothing of a batch holding an invalid row', async () => {
        const good = weightsMsg({ validator: VALIDATORS[0], block: 1 })
        const bad = resultMsg({
          jobId: hexId('j'),
          validator: VALIDATORS[0],
          competitionId: 'c',
          minerHotkey: MINERS[0],
          block: 2,
        })
        if (bad.projection.kind !== 'result')
          throw new Error('fixture')
          // A NOT NULL column left null, as a buggy decoder might produce.
        ;(bad.projection.result as { competitionId: string | null }).competitionId = null
        await expectCode(store.ingest([good, bad]), 'INDEXER_STORE_WRITE_FAILED')
        expect(await store.counts()).toMatchObject({ messages: 0, results: 0, episodes: 0, weights: 0, validators: 0 })
        expect(await store.message(good.id)).toBeUndefined()
        // The store is still usable, and the good message was not half-stored.
        expect((await store.ingest([good])).inserted.map((i) => i.id)).toEqual([good.id])
      })

      it('stores overlapping batches ingested concurrently once, with seq in commit order', async () => {
        const msgs = Array.from({ length: 30 }, (_, i) =>
          resultMsg({
            jobId: hexId(`c${i}`),
            validator: VALIDATORS[i % 3]!,
            competitionId: 'c',
            minerHotkey: MINERS[0],
            block: i,
          }),
        )
        // The second batch holds the shared messages in reverse order: a lock-order deadlock if writers interleave.
        const outs = await Promise.all([store.ingest(msgs.slice(0, 20)), store.ingest(msgs.slice(10).reverse())])
        const inserted = outs.flatMap((o) => o.inserted.map((i) => i.id))
        expect([...inserted].sort()).toEqual(msgs.map((m) => m.id).sort())
        expect(outs.reduce((n, o) => n + o.duplicates.length, 0)).toBe(10)
        expect(await store.counts()).toMatchObject({ messages: 30, results: 30, episodes: 300 })
        // Batches commit whole and in seq order: one batch's seqs all precede the other's.
        const [a, b] = outs.map((o) => o.inserted.map((i) => i.seq))
        const [first, second] = Math.min(...a!) < Math.min(...b!) ? [a!, b!] : [b!, a!]
        if (second.length > 0) expect(Math.max(...first)).toBeLessThan(Math.min(...second))
      })

      it('ignores an empty batch', async () => {
        expect(await store.ingest([])).toEqual({ inserted: [], duplicates: [] })
      })
    })

    describe('projections with one row per key', () => {
      it('keeps the newest status per (job, validator), whatever the arrival order', async () => {
        const jobId = hexId('job-s')
        const [v] = VALIDATORS
        await store.ingest([statusMsg({ jobId, validator: v, state: 'running', block: 10 })])
        const done = statusMsg({ jobId, validator: v, state: 'done', block: 12 })
        await store.ingest([done])
        await store.ingest([statusMsg({ jobId, validator: v, state: 'failed', block: 11 })])
        await store.ingest([jobMsg({ jobId, competitionId: 'c', minerHotkey: MINERS[0], cycle: 1, block: 9 })])
        expect((await store.job(jobId))?.statuses.map((s) => [s.state, s.block, s.messageId])).toEqual([
          ['done', 12, done.id],
        ])
      })

      it('breaks a status tie at one block by the higher message id, in one batch or across batches', async () => {
        for (const split of [false, true]) {
          const jobId = hexId(`job-tie-${split}`)
          const x = statusMsg({ jobId, validator: VALIDATORS[1], state: 'running', block: 20 })
          const y = statusMsg({ jobId, validator: VALIDATORS[1], state: 'done', block: 20 })
          const [low, high] = x.id < y.id ? [x, y] : [y, x]
          if (split) {
            await store.ingest([high])
            await store.ingest([low])
          } else await store.ingest([high, low])
          await store.ingest([jobMsg({ jobId, competitionId: 'c', minerHotkey: MINERS[0], cycle: 1, block: 1 })])
          expect(
            (await store.job(jobId))?.statuses.map((s) => s.messageId),
            `split ${split}`,
          ).toEqual([high.id])
        }
      })

      it('keeps the first announcement of a job (lowest block)', async () => {
        const jobId = hexId('job-a')
        const base = { jobId, competitionId: 'c', minerHotkey: MINERS[0], cycle: 1 }
        await store.ingest([jobMsg({ ...base, block: 20, announcedBy: VALIDATORS[0] })])
        const earliest = jobMsg({ ...base, block: 18, announcedBy: VALIDATORS[1] })
        await store.ingest([earliest, jobMsg({ ...base, block: 19, announcedBy: VALIDATORS[2] })])
        await store.ingest([jobMsg({ ...base, block: 25, announcedBy: VALIDATORS[2] })])
        const job = await store.job(jobId)
        expect([job?.block, job?.announcedBy, job?.messageId]).toEqual([18, VALIDATORS[1], earliest.id])
        expect((await store.counts()).jobs).toBe(1)
      })

      it('serves the highest-block version of a competition as current', async () => {
        await store.ingest([competitionMsg({ competitionId: 'reach-v1', block: 5, name: 'v5' })])
        await store.ingest([
          competitionMsg({ competitionId: 'reach-v1', block: 9, name: 'v9' }),
          competitionMsg({ competitionId: 'push-v1', block: 4, name: 'p4' }),
        ])
        await store.ingest([competitionMsg({ competitionId: 'reach-v1', block: 7, name: 'v7' })])
        expect((await store.competition('reach-v1'))?.name).toBe('v9')
        expect((await store.competitions()).map((c) => [c.id, c.name])).toEqual([
          ['push-v1', 'p4'],
          ['reach-v1', 'v9'],
        ])
        expect((await store.counts()).competitions).toBe(2)
        expect((await store.counts()).messages).toBe(4)
      })

      it('keeps the newest peer record per validator', async () => {
        const v = VALIDATORS[2]
        await store.ingest([peerMsg({ validator: v, issuedAtBlock: 30, capacity: 8 })])
        await store.ingest([peerMsg({ validator: v, issuedAtBlock: 20, capacity: 1 })])
        const [activity] = await store.validators()
        expect([activity?.peer?.issuedAtBlock, activity?.peer?.capacity]).toEqual([30, 8])
      })
    })

    describe('queries over a mesh history', () => {
      let d: Dataset
      beforeEach(async () => {
        d = buildDataset()
        await ingestInBatches(store, d.messages, 7)
        await store.addCommitments(d.commitments)
      })

      const pageSizes = [1, 3, 1000]

      it('pages results newest first under every filter, each row exactly once', async () => {
        const [valA, valB] = VALIDATORS
        const someJob = d.jobs[0]!.jobId
        const cases: [string, Parameters<IndexerStore['results']>[0], (r: (typeof d.results)[number]) => boolean][] = [
          ['all', { limit: 0 }, () => true],
          ['jobId', { jobId: someJob, limit: 0 }, (r) => r.jobId === someJob],
          ['competitionId', { competitionId: COMPETITIONS[1], limit: 0 }, (r) => r.competitionId === COMPETITIONS[1]],
          ['minerHotkey', { minerHotkey: MINERS[2], limit: 0 }, (r) => r.minerHotkey === MINERS[2]],
          ['validator', { validator: valB, limit: 0 }, (r) => r.validator === valB],
          ['fromBlock', { fromBlock: 200, limit: 0 }, (r) => r.block >= 200],
          ['toBlock', { toBlock: 105, limit: 0 }, (r) => r.block <= 105],
          [
            'combined',
            { validator: valA, competitionId: COMPETITIONS[0], fromBlock: 100, toBlock: 210, limit: 0 },
            (r) => r.validator === valA && r.competitionId === COMPETITIONS[0] && r.block >= 100 && r.block <= 210,
          ],
        ]
        for (const [label, q, keep] of cases) {
          const expected = d.results.filter(keep).sort(byResult)
          expect(expected.length, `${label} selects something`).toBeGreaterThan(0)
          for (const limit of pageSizes) {
            const { items } = await walk((cursor) => store.results({ ...q, limit, cursor }))
            expect(items, `${label} limit ${limit}`).toEqual(expected)
          }
        }
      })

      it('pages episodes under every filter', async () => {
        const r0 = d.results[0]!
        const cases: [string, Parameters<IndexerStore['episodes']>[0], (e: (typeof d.episodes)[number]) => boolean][] =
          [
            ['all', { limit: 0 }, () => true],
            ['resultId', { resultId: r0.messageId, limit: 0 }, (e) => e.resultId === r0.messageId],
            ['jobId', { jobId: r0.jobId, limit: 0 }, (e) => e.jobId === r0.jobId],
            ['minerHotkey', { minerHotkey: MINERS[1], limit: 0 }, (e) => e.minerHotkey === MINERS[1]],
            ['validator', { validator: VALIDATORS[1], limit: 0 }, (e) => e.validator === VALIDATORS[1]],
            ['envId', { envId: ENVS[0], limit: 0 }, (e) => e.envId === ENVS[0]],
            ['success', { success: true, limit: 0 }, (e) => e.success],
            ['failure', { success: false, limit: 0 }, (e) => !e.success],
            [
              'combined',
              { validator: VALIDATORS[0], envId: ENVS[1], success: false, limit: 0 },
              (e) => e.validator === VALIDATORS[0] && e.envId === ENVS[1] && !e.success,
            ],
          ]
        for (const [label, q, keep] of cases) {
          const expected = d.episodes.filter(keep).sort(byEpisode)
          expect(expected.length, `${label} selects something`).toBeGreaterThan(0)
          for (const limit of [7, 1000]) {
            const { items } = await walk((cursor) => store.episodes({ ...q, limit, cursor }))
            expect(items, `${label} limit ${limit}`).toEqual(expected)
          }
        }
      })

      it('pages jobs under every filter, with statuses and results attached', async () => {
        const [valA, valB, valC] = VALIDATORS
        const hasStatus = (v: string) => (j: (typeof d.jobs)[number]) =>
          d.statuses.some((s) => s.jobId === j.jobId && s.validator === v)
        const cases: [string, Parameters<IndexerStore['jobs']>[0], (j: (typeof d.jobs)[number]) => boolean][] = [
          ['all', { limit: 0 }, () => true],
          ['competitionId', { competitionId: COMPETITIONS[0], limit: 0 }, (j) => j.competitionId === COMPETITIONS[0]],
          ['minerHotkey', { minerHotkey: MINERS[0], limit: 0 }, (j) => j.minerHotkey === MINERS[0]],
          ['validator', { validator: valB, limit: 0 }, hasStatus(valB)],
          ['cycle', { cycle: CYCLES[1], limit: 0 }, (j) => j.cycle === CYCLES[1]],
          [
            'combined',
            { cycle: CYCLES[0], minerHotkey: MINERS[1], validator: valA, limit: 0 },
            (j) => j.cycle === CYCLES[0] && j.minerHotkey === MINERS[1] && hasStatus(valA)(j),
          ],
        ]
        for (const [label, q, keep] of cases) {
          const expected = d.jobs.filter(keep).sort(byJob)
          expect(expected.length, `${label} selects something`).toBeGreaterThan(0)
          for (const limit of pageSizes) {
            const { items } = await walk((cursor) => store.jobs({ ...q, limit, cursor }))
            expect(
              items.map(({ statuses, results, ...job }) => job),
              `${label} limit ${limit}`,
            ).toEqual(expected)
          }
        }
        expect((await store.jobs({ validator: valC, limit: 10 })).items).toEqual([])
        const { items } = await walk((cursor) => store.jobs({ limit: 5, cursor }))
        for (const view of items) {
          const statuses = d.statuses.filter((s) => s.jobId === view.jobId)
          expect(view.statuses, view.jobId).toEqual(statuses.sort((a, b) => (a.validator < b.validator ? -1 : 1)))
          const results = d.results
            .filter((r) => r.jobId === view.jobId)
            .map((r) => ({ validator: r.validator, messageId: r.messageId }))
          expect(
            [...view.results].sort((a, b) => (a.validator < b.validator ? -1 : 1)),
            view.jobId,
          ).toEqual(results.sort((a, b) => (a.validator < b.validator ? -1 : 1)))
        }
      })

      it('pages weights under every filter and serves the newest per validator', async () => {
        const cases: [string, Parameters<IndexerStore['weights']>[0], (w: (typeof d.weights)[number]) => boolean][] = [
          ['all', { limit: 0 }, () => true],
          ['validator', { validator: VALIDATORS[2], limit: 0 }, (w) => w.validator === VALIDATORS[2]],
          ['fromBlock', { fromBlock: 250, limit: 0 }, (w) => w.block >= 250],
          ['toBlock', { toBlock: 250, limit: 0 }, (w) => w.block <= 250],
          [
            'combined',
            { validator: VALIDATORS[0], fromBlock: 200, toBlock: 300, limit: 0 },
            (w) => w.validator === VALIDATORS[0] && w.block === 250,
          ],
        ]
        for (const [label, q, keep] of cases) {
          const expected = d.weights.filter(keep).sort(byResult)
          for (const limit of pageSizes) {
            const { items } = await walk((cursor) => store.weights({ ...q, limit, cursor }))
            expect(items, `${label} limit ${limit}`).toEqual(expected)
          }
        }
        const latest = await store.latestWeights()
        expect(latest.map((w) => [w.validator, w.block])).toEqual(VALIDATORS.map((v) => [v, 350]))
      })

      it('pages commitments newest first, by miner', async () => {
        const order = desc<(typeof d.commitments)[number]>(
          (c) => c.block,
          (c) => c.minerHotkey,
        )
        for (const limit of pageSizes) {
          expect((await walk((cursor) => store.commitments({ limit, cursor }))).items).toEqual(
            [...d.commitments].sort(order),
          )
          const mine = await walk((cursor) => store.commitments({ minerHotkey: MINERS[1], limit, cursor }))
          expect(mine.items).toEqual(d.commitments.filter((c) => c.minerHotkey === MINERS[1]).sort(order))
        }
      })

      it('pages messages newest first, by topic, and ascending after a seq', async () => {
        const all = await walk((cursor) => store.messages({ limit: 4, cursor }))
        expect(all.items.map((m) => m.id)).toEqual([...d.messages].reverse().map((m) => m.id))
        const seqs = all.items.map((m) => m.seq)
        expect(new Set(seqs).size).toBe(seqs.length)
        const statuses = await walk((cursor) => store.messages({ topic: 'status', limit: 2, cursor }))
        expect(statuses.items.map((m) => m.id)).toEqual(
          d.messages
            .filter((m) => m.topic === 'status')
            .reverse()
            .map((m) => m.id),
        )
        const mid = [...seqs].sort((a, b) => a - b)[9]!
        const after = await walk((cursor) => store.messages({ afterSeq: mid, limit: 3, cursor }))
        expect(after.items.map((m) => m.seq)).toEqual(seqs.filter((s) => s > mid).sort((a, b) => a - b))
        expect(after.items.map((m) => m.id)).toEqual(d.messages.slice(10).map((m) => m.id))
        const results = await walk((cursor) => store.messages({ afterSeq: 0, topic: 'results', limit: 5, cursor }))
        expect(results.items.map((m) => m.id)).toEqual(d.messages.filter((m) => m.topic === 'results').map((m) => m.id))
      })

      it('keeps a cursor walk exact while new rows arrive', async () => {
        const before = [...d.results].sort(byResult)
        const first = await store.results({ limit: 5 })
        expect(first.items).toEqual(before.slice(0, 5))
        // Newer rows (higher blocks) land on pages already served; they must not shift the walk.
        const newer = [1, 2, 3].map((i) =>
          resultMsg({
            jobId: hexId(`late-${i}`),
            validator: VALIDATORS[2],
            competitionId: 'c',
            minerHotkey: MINERS[0],
            block: 900 + i,
          }),
        )
        await store.ingest(newer)
        const rest = await walk((cursor) => store.results({ limit: 5, cursor: cursor ?? first.nextCursor }))
        expect([...first.items, ...rest.items]).toEqual(before)
      })

      it('refuses a garbled or foreign cursor with API_BAD_CURSOR (400)', async () => {
        const resultsCursor = (await store.results({ limit: 1 })).nextCursor!
        const garbled = [
          '!!!',
          'bm90LWEtY3Vyc29y',
          resultsCursor.slice(0, -3),
          encodeCursor('results', [-1, 'zz'] as never),
        ]
        const calls: [string, (cursor: string) => Promise<unknown>][] = [
          ['results', (cursor) => store.results({ limit: 1, cursor })],
          ['episodes', (cursor) => store.episodes({ limit: 1, cursor })],
          ['jobs', (cursor) => store.jobs({ limit: 1, cursor })],
          ['weights', (cursor) => store.weights({ limit: 1, cursor })],
          ['messages', (cursor) => store.messages({ limit: 1, cursor })],
          ['messages after', (cursor) => store.messages({ afterSeq: 0, limit: 1, cursor })],
          ['commitments', (cursor) => store.commitments({ limit: 1, cursor })],
        ]
        for (const [label, call] of calls) {
          const cursors = label === 'results' ? garbled : [...garbled, resultsCursor]
          for (const cursor of cursors) {
            const err = await expectCode(call(cursor), 'API_BAD_CURSOR')
            expect(err, label).toBeInstanceOf(BadCursorError)
            expect((err as BadCursorError).statusCode).toBe(400)
          }
        }
      })

      it('aggregates validator activity', async () => {
        const all = await store.validators()
        // Every validator that signed something is listed; the subnet owner, who signed only competitions, is not.
        const owner = hotkey('owner')
        expect(all.map((a) => a.validator)).toEqual([...VALIDATORS].sort())
        expect(all.some((a) => a.validator === owner)).toBe(false)
        const activity = all
        for (const a of activity) {
          const mine = d.messages.filter((m) => m.hotkey === a.validator)
          expect(a.lastSeenBlock, a.validator).toBe(Math.max(...mine.map((m) => m.block)))
          expect(a.lastSeenAt, a.validator).toBe(Math.max(...mine.map((m) => m.receivedAt)))
          expect(a.results, a.validator).toBe(d.results.filter((r) => r.validator === a.validator).length)
          const done = new Set([
            ...d.statuses.filter((s) => s.validator === a.validator && s.state === 'done').map((s) => s.jobId),
            ...d.results.filter((r) => r.validator === a.validator).map((r) => r.jobId),
          ])
          expect(a.jobsDone, a.validator).toBe(done.size)
          expect(a.peer?.validator, a.validator).toBe(a.validator)
          expect(a.lastWeights?.block, a.validator).toBe(350)
        }
        // valB has running statuses only, but its results count as done jobs; valC has no results at all.
        expect(activity.find((a) => a.validator === VALIDATORS[2])).toMatchObject({ results: 0, jobsDone: 0 })
      })

      it('counts rows and the head block', async () => {
        expect(await store.counts()).toEqual({
          messages: d.messages.length,
          competitions: COMPETITIONS.length,
          jobs: d.jobs.length,
          results: d.results.length,
          episodes: d.episodes.length,
          weights: d.weights.length,
          validators: VALIDATORS.length,
          commitments: d.commitments.length,
          headBlock: Math.max(...d.messages.map((m) => m.block)),
        })
      })

      it('serves ranges by (block, id) ascending and resumes after a position', async () => {
        const inRange = (topic?: string) =>
          d.messages
            .filter((m) => m.block >= 100 && m.block <= 210 && (topic === undefined || m.topic === topic))
            .sort((a, b) => a.block - b.block || (a.id < b.id ? -1 : 1))
            .map((m) => m.id)
        for (const topic of [undefined, 'results'] as const) {
          const seen: string[] = []
          let after: { block: number; id: string } | undefined
          for (let i = 0; i < 1000; i++) {
            const page = await store.range({ topic, fromBlock: 100, toBlock: 210, after, limit: 4 })
            seen.push(...page.items.map((m) => m.id))
            if (page.next === undefined) break
            expect(page.items).toHaveLength(4)
            after = page.next
          }
          expect(seen, `topic ${topic}`).toEqual(inRange(topic))
        }
        const whole = await store.range({ fromBlock: 0, toBlock: 10_000, limit: 10_000 })
        expect(whole.items).toHaveLength(d.messages.length)
        expect(whole.next).toBeUndefined()
      })
    })

    describe('commitments, kv, lifecycle', () => {
      it('records commitment history idempotently per (miner, block)', async () => {
        const rows = [
          { minerHotkey: MINERS[0], uid: 1, block: 10, text: 'hf:a@1', seenAt: 1 },
          { minerHotkey: MINERS[0], uid: 1, block: 20, text: 'hf:a@2', seenAt: 2 },
          { minerHotkey: MINERS[1], uid: null, block: 15, text: 'hf:b@1', seenAt: 3 },
        ]
        expect(await store.addCommitments(rows)).toBe(3)
        expect(await store.addCommitments([...rows, rows[0]!])).toBe(0)
        expect(await store.addCommitments([])).toBe(0)
        const page = await store.commitments({ minerHotkey: MINERS[0], limit: 10 })
        expect(page.items).toEqual([rows[1], rows[0]])
        expect((await store.counts()).commitments).toBe(3)
      })

      it('keeps small key/value state', async () => {
        expect(await store.getKv('sync.checkpoint')).toBeUndefined()
        await store.putKv('sync.checkpoint', '100')
        await store.putKv('sync.checkpoint', '200')
        await store.putKv('chain.head', 'x'.repeat(5000))
        expect(await store.getKv('sync.checkpoint')).toBe('200')
        expect((await store.getKv('chain.head'))?.length).toBe(5000)
      })

      it('reports empty counts and an unknown validator list on a fresh store', async () => {
        expect(await store.counts()).toEqual({
          messages: 0,
          competitions: 0,
          jobs: 0,
          results: 0,
          episodes: 0,
          weights: 0,
          validators: 0,
          commitments: 0,
          headBlock: 0,
        })
        expect(await store.validators()).toEqual([])
        expect(await store.latestWeights()).toEqual([])
        expect(await store.results({ limit: 10 })).toEqual({ items: [] })
      })

      it('answers ping while open, closes idempotently, and refuses use after close', async () => {
        expect(await store.ping()).toBe(true)
        expect(['sqlite', 'postgres']).toContain(store.kind)
        await store.close()
        await store.close()
        expect(await store.ping()).toBe(false)
        await expectCode(store.results({ limit: 1 }), 'INDEXER_STORE_CLOSED')
        await expectCode(store.ingest([weightsMsg({ validator: hotkey('late'), block: 1 })]), 'INDEXER_STORE_CLOSED')
        await expectCode(store.getKv('k'), 'INDEXER_STORE_CLOSED')
      })
    })
  })
}
