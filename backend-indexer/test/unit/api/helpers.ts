import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll } from 'vitest'
import { type BuildAppOptions, buildApp } from '../../../src/app.js'
import type { ObserverStatus, ObserverView } from '../../../src/observer/types.js'
import type { ScoreSnapshot, ScoresView } from '../../../src/scores/types.js'
import { createSqliteStore } from '../../../src/store/index.js'
import type { IndexerStore } from '../../../src/store/types.js'
import { buildDataset, type Dataset } from './dataset.js'

/** A scores view that publishes one fixed snapshot (or none). */
export function fixedScores(snapshot: ScoreSnapshot | undefined): ScoresView {
  return { current: () => snapshot, onUpdate: () => () => {} }
}

/** An observer view over a fixed metagraph (the ObserverView interface, hand-filled). */
export function fixedObserver(d: Dataset, status: Partial<ObserverStatus> = {}): ObserverView {
  return {
    status: () => ({
      head: d.head + 3,
      peerId: '12D3KooWIndexer',
      peers: d.validators.length,
      synced: true,
      lastCatchUp: { at: 1_760_000_000_000, accepted: d.messages.length, rejected: 0, complete: true },
      accepted: d.messages.length,
      refused: { MESH_STALE: 2 },
      ...status,
    }),
    metagraph: () => d.metagraph,
  }
}

/** A real in-memory SQLite store holding every message and commitment of `d`. */
export async function filledStore(d: Dataset): Promise<IndexerStore> {
  const store = await createSqliteStore({ path: ':memory:' })
  await store.ingest(d.messages)
  await store.addCommitments(d.commitments)
  return store
}

/** The small world the route tests share: 4 miners, 3 validators, 2 cycles, 2 competitions. */
export const SMALL = { miners: 4, validators: 3, cycles: 2 } as const

/** An app over a filled store; closed after the file's tests. */
export interface ApiFixture {
  d: Dataset
  store: IndexerStore
  app: FastifyInstance
}

/**
 * Register beforeAll/afterAll hooks building an app over a filled store. `opts` overrides the defaults
 * (no dashboard, no rate limit, the dataset's snapshot, no observer).
 */
export function useApi(opts: Partial<BuildAppOptions> = {}, d: Dataset = buildDataset(SMALL)): ApiFixture {
  const fx = { d } as ApiFixture
  beforeAll(async () => {
    fx.store = await filledStore(d)
    fx.app = await buildApp({
      store: fx.store,
      scores: fixedScores(d.snapshot),
      dashboard: false,
      rateLimit: false,
      ...opts,
    })
  })
  afterAll(async () => {
    await fx.app?.close()
    await fx.store?.close()
  })
  return fx
}

/** GET `url` and parse the JSON body. */
export async function getJson<T = Record<string, unknown>>(
  app: FastifyInstance,
  url: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: T; headers: Record<string, unknown> }> {
  const res = await app.inject({ method: 'GET', url, headers })
  return { status: res.statusCode, body: (res.body === '' ? undefined : res.json()) as T, headers: res.headers }
}

/** Every item of a paged list, following `nextCursor` with `limit`. */
export async function walk<T>(
  app: FastifyInstance,
  path: string,
  limit: number,
): Promise<{ items: T[]; pages: number }> {
  const items: T[] = []
  let cursor: string | undefined
  let pages = 0
  do {
    const sep = path.includes('?') ? '&' : '?'
    const url = `${path}${sep}limit=${limit}${cursor === undefined ? '' : `&cursor=${encodeURIComponent(cursor)}`}`
    const res = await getJson<{ items: T[]; nextCursor?: string }>(app, url)
    if (res.status !== 200) throw new Error(`${url} answered ${res.status}: ${JSON.stringify(res.body)}`)
    items.push(...res.body.items)
    cursor = res.body.nextCursor
    pages++
  } while (cursor !== undefined && pages < 1000)
  return { items, pages }
}
