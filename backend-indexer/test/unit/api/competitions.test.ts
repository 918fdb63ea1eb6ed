import { describe, expect, it } from 'vitest'
import { buildDataset } from './dataset.js'
import { fixedScores, getJson, SMALL, useApi } from './helpers.js'

describe('competitions and leaderboard', () => {
  const fx = useApi()

  it('GET /v1/competitions lists every competition row', async () => {
    const res = await getJson<{ items: unknown[] }>(fx.app, '/v1/competitions')
    expect(res.status).toBe(200)
    const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : 1)
    expect([...(res.body.items as { id: string }[])].sort(byId)).toEqual([...fx.d.competitions].sort(byId))
  })

  it('GET /v1/competitions/:id adds the current standing', async () => {
    for (const c of fx.d.competitions) {
      const res = await getJson(fx.app, `/v1/competitions/${c.id}`)
      expect(res.status, c.id).toBe(200)
      expect(res.body, c.id).toEqual({ ...c, standing: fx.d.snapshot.competitions.find((s) => s.id === c.id) })
    }
  })

  it('GET /v1/competitions/:id is a 404 API_NOT_FOUND for an unknown id', async () => {
    const res = await getJson(fx.app, '/v1/competitions/nope')
    expect(res.status).toBe(404)
    expect(res.body).toEqual({
      error: { code: 'API_NOT_FOUND', message: 'competition nope not found', statusCode: 404 },
    })
  })

  it('GET /v1/leaderboard returns the snapshot standings', async () => {
    const res = await getJson(fx.app, '/v1/leaderboard')
    expect(res.status).toBe(200)
    expect(res.body).toEqual({
      block: fx.d.snapshot.block,
      computedAt: fx.d.snapshot.computedAt,
      inputsDigest: fx.d.snapshot.output.inputsDigest,
      competitions: fx.d.snapshot.competitions,
    })
  })

  it('GET /v1/leaderboard?competition= filters to one, 404 for one not scored', async () => {
    const one = await getJson<{ competitions: { id: string }[] }>(fx.app, '/v1/leaderboard?competition=pick')
    expect(one.body.competitions.map((c) => c.id)).toEqual(['pick'])
    const none = await getJson<{ error: { code: string } }>(fx.app, '/v1/leaderboard?competition=nope')
    expect(none.status).toBe(404)
    expect(none.body.error.code).toBe('API_NOT_FOUND')
  })
})

describe('before the first score snapshot', () => {
  const d = buildDataset(SMALL)
  const fx = useApi({ scores: fixedScores(undefined) }, d)

  it('GET /v1/leaderboard is a 404 API_SCORES_UNAVAILABLE', async () => {
    const res = await getJson(fx.app, '/v1/leaderboard')
    expect(res.status).toBe(404)
    expect(res.body).toMatchObject({ error: { code: 'API_SCORES_UNAVAILABLE', statusCode: 404 } })
  })

  it('GET /v1/competitions/:id has standing null', async () => {
    const res = await getJson(fx.app, '/v1/competitions/reach')
    expect(res.status).toBe(200)
    expect(res.body.standing).toBeNull()
  })
})
