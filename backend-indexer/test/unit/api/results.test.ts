import { describe, expect, it } from 'vitest'
import type { ReplayDocument, ReplaySource } from '../../../src/replay/types.js'
import type { EpisodeRow, ResultRow } from '../../../src/store/types.js'
import { buildDataset } from './dataset.js'
import { getJson, SMALL, useApi, walk } from './helpers.js'

const byId = (rows: { messageId: string }[]) => [...rows].sort((a, b) => (a.messageId < b.messageId ? -1 : 1))
const episodeKey = (e: EpisodeRow) => `${e.resultId}:${e.episodeIndex}`

describe('GET /v1/results', () => {
  const fx = useApi()

  it('lists every result row, whole', async () => {
    const res = await getJson<{ items: ResultRow[] }>(fx.app, '/v1/results?limit=1000')
    expect(res.status).toBe(200)
    expect(byId(res.body.items)).toEqual(byId(fx.d.results))
  })

  it('pages with cursors through every result once', async () => {
    const walked = await walk<ResultRow>(fx.app, '/v1/results', 7)
    expect(walked.items).toHaveLength(fx.d.results.length)
    expect(new Set(walked.items.map((r) => r.messageId)).size).toBe(fx.d.results.length)
  })

  it('filters by job, competition, miner, validator and block range', async () => {
    const r0 = fx.d.results[5]!
    const blocks = fx.d.results.map((r) => r.block).sort((a, b) => a - b)
    const from = blocks[Math.floor(blocks.length / 3)]!
    const to = blocks[Math.floor((2 * blocks.length) / 3)]!
    const cases: [string, (r: ResultRow) => boolean][] = [
      [`job=${r0.jobId}`, (r) => r.jobId === r0.jobId],
      ['competition=pick', (r) => r.competitionId === 'pick'],
      [`miner=${r0.minerHotkey}`, (r) => r.minerHotkey === r0.minerHotkey],
      [`validator=${r0.validator}`, (r) => r.validator === r0.validator],
      [`fromBlock=${from}`, (r) => r.block >= from],
      [`toBlock=${to}`, (r) => r.block <= to],
      [
        `fromBlock=${from}&toBlock=${to}&competition=reach`,
        (r) => r.block >= from && r.block <= to && r.competitionId === 'reach',
      ],
    ]
    for (const [q, keep] of cases) {
      const res = await getJson<{ items: ResultRow[] }>(fx.app, `/v1/results?limit=1000&${q}`)
      const expected = fx.d.results.filter(keep)
      expect(expected.length, q).toBeGreaterThan(0)
      expect(expected.length, q).toBeLessThan(fx.d.results.length)
      expect(byId(res.body.items), q).toEqual(byId(expected))
    }
  })

  it('refuses a malformed job id and a negative block with 400s', async () => {
    for (const q of ['job=123', 'fromBlock=-5', 'toBlock=x']) {
      const res = await getJson(fx.app, `/v1/results?${q}`)
      expect(res.status, q).toBe(400)
      expect(res.body, q).toMatchObject({ error: { code: 'API_BAD_REQUEST' } })
    }
  })
})

describe('GET /v1/results/:id', () => {
  const fx = useApi()

  it('returns the row with the envelope exactly as ingested, base64', async () => {
    const r = fx.d.results[2]!
    const res = await getJson(fx.app, `/v1/results/${r.messageId}`)
    expect(res.status).toBe(200)
    const msg = fx.d.messages.find((m) => m.id === r.messageId)!
    expect(res.body).toEqual({ ...r, envelope: Buffer.from(msg.envelope).toString('base64') })
  })

  it('is a 404 for an unknown id', async () => {
    const res = await getJson(fx.app, `/v1/results/${'0'.repeat(64)}`)
    expect(res.status).toBe(404)
    expect(res.body).toMatchObject({ error: { code: 'API_NOT_FOUND', statusCode: 404 } })
  })
})

describe('GET /v1/episodes', () => {
  const fx = useApi()

  it('lists every episode, whole, and filters by each parameter', async () => {
    const all = await walk<EpisodeRow>(fx.app, '/v1/episodes', 1000)
    const sort = (rows: EpisodeRow[]) => [...rows].sort((a, b) => (episodeKey(a) < episodeKey(b) ? -1 : 1))
    expect(sort(all.items)).toEqual(sort(fx.d.episodes))
    const e0 = fx.d.episodes[9]!
    const cases: [string, (e: EpisodeRow) => boolean][] = [
      [`result=${e0.resultId}`, (e) => e.resultId === e0.resultId],
      [`job=${e0.jobId}`, (e) => e.jobId === e0.jobId],
      [`miner=${e0.minerHotkey}`, (e) => e.minerHotkey === e0.minerHotkey],
      [`validator=${e0.validator}`, (e) => e.validator === e0.validator],
      ['env=push-v0', (e) => e.envId === 'push-v0'],
      ['success=true', (e) => e.success],
      ['success=false&env=reach-v0', (e) => !e.success && e.envId === 'reach-v0'],
    ]
    for (const [q, keep] of cases) {
      const res = await getJson<{ items: EpisodeRow[] }>(fx.app, `/v1/episodes?limit=1000&${q}`)
      const expected = fx.d.episodes.filter(keep)
      expect(expected.length, q).toBeGreaterThan(0)
      expect(expected.length, q).toBeLessThan(fx.d.episodes.length)
      expect(res.body.items.map(episodeKey).sort(), q).toEqual(expected.map(episodeKey).sort())
    }
  })

  it('refuses success=maybe with a 400', async () => {
    const res = await getJson(fx.app, '/v1/episodes?success=maybe')
    expect(res.status).toBe(400)
  })
})

describe('GET /v1/episodes/:resultId/:index/replay', () => {
  const withoutReplays = useApi()
  const d = buildDataset(SMALL)
  const target = d.episodes[0]!
  const doc: ReplayDocument = {
    resultId: target.resultId,
    episodeIndex: 0,
    envId: target.envId,
    taskId: target.taskId,
    seed: target.seed,
    success: true,
    successStep: 1,
    error: null,
    bounds: { min: [-1, -1, 0], max: [1, 1, 1] },
    frames: [
      { t: 0, reward: 0, success: false, points: { effector: [0, 0, 0.5], target: [0.3, 0.1, 0.2] } },
      { t: 1, reward: 1, success: true, points: { effector: [0.3, 0.1, 0.2], target: [0.3, 0.1, 0.2] } },
    ],
  }
  const asked: [string, number][] = []
  const replays: ReplaySource = {
    async replay(resultId, index) {
      asked.push([resultId, index])
      return resultId === doc.resultId && index === 0 ? doc : undefined
    },
  }
  const withReplays = useApi({ replays }, d)

  it('is a 404 API_REPLAY_UNAVAILABLE without a replay source', async () => {
    const res = await getJson(withoutReplays.app, `/v1/episodes/${target.resultId}/0/replay`)
    expect(res.status).toBe(404)
    expect(res.body).toMatchObject({ error: { code: 'API_REPLAY_UNAVAILABLE', statusCode: 404 } })
  })

  it('serves the document from the replay source', async () => {
    const res = await getJson(withReplays.app, `/v1/episodes/${target.resultId}/0/replay`)
    expect(res.status).toBe(200)
    expect(res.body).toEqual(doc)
    expect(asked).toContainEqual([target.resultId, 0])
  })

  it('is a 404 API_REPLAY_UNAVAILABLE when the source has no trace, and a 400 for a bad index', async () => {
    const res = await getJson(withReplays.app, `/v1/episodes/${target.resultId}/3/replay`)
    expect(res.status).toBe(404)
    expect(res.body).toMatchObject({ error: { code: 'API_REPLAY_UNAVAILABLE' } })
    const bad = await getJson(withReplays.app, `/v1/episodes/${target.resultId}/-1/replay`)
    expect(bad.status).toBe(400)
  })
})
