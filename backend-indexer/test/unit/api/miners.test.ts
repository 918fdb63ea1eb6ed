import { describe, expect, it } from 'vitest'
import { buildDataset, hotkeyOf } from './dataset.js'
import { fixedScores, getJson, SMALL, useApi } from './helpers.js'

interface MinerSummary {
  hotkey: string
  uid: number | null
  weight: number
  u16: number
  ranks: Record<string, number>
  latestCommitment: { block: number; text: string } | null
}

describe('GET /v1/miners', () => {
  const fx = useApi()

  it('lists scored miners and committed-only miners, by weight, with ranks and latest commitment', async () => {
    const res = await getJson<{ items: MinerSummary[] }>(fx.app, '/v1/miners')
    expect(res.status).toBe(200)
    const items = res.body.items
    expect(items.map((m) => m.hotkey).sort()).toEqual([...fx.d.miners, fx.d.committedOnly].sort())
    for (let i = 1; i < items.length; i++)
      expect(items[i - 1]!.weight, `order at ${i}`).toBeGreaterThanOrEqual(items[i]!.weight)
    for (const score of fx.d.snapshot.output.miners) {
      const m = items.find((x) => x.hotkey === score.hotkey)
      expect(m, score.hotkey).toMatchObject({ uid: score.uid, weight: score.weight, u16: score.u16 })
      for (const c of fx.d.snapshot.competitions) {
        expect(m?.ranks[c.id], `${score.hotkey} in ${c.id}`).toBe(
          c.entries.find((e) => e.hotkey === score.hotkey)?.rank,
        )
      }
    }
    const lonely = items.find((x) => x.hotkey === fx.d.committedOnly)
    expect(lonely).toMatchObject({ weight: 0, u16: 0, ranks: {}, latestCommitment: { block: 35 } })
    // Miner 0 committed twice: the newest commitment is the one listed.
    const first = items.find((x) => x.hotkey === fx.d.miners[0])
    expect(first?.latestCommitment).toMatchObject({ block: 40, text: 'hf:kinitro/policy-0@v1' })
  })
})

describe('GET /v1/miners/:hotkey', () => {
  const fx = useApi()

  it('returns the commitment history newest first, standings and recent jobs', async () => {
    const hotkey = fx.d.miners[0]!
    const res = await getJson<Record<string, unknown>>(fx.app, `/v1/miners/${hotkey}`)
    expect(res.status).toBe(200)
    const score = fx.d.snapshot.output.miners.find((m) => m.hotkey === hotkey)!
    expect(res.body).toMatchObject({ hotkey, uid: score.uid, weight: score.weight, u16: score.u16 })
    expect((res.body.commitments as { block: number }[]).map((c) => c.block)).toEqual([40, 30])
    expect(res.body.standings).toEqual(
      fx.d.snapshot.competitions.map((c) => {
        const e = c.entries.find((x) => x.hotkey === hotkey)!
        return { competitionId: c.id, rank: e.rank, points: e.points, envs: e.envs }
      }),
    )
    const jobs = res.body.recentJobs as { jobId: string; minerHotkey: string }[]
    const expected = fx.d.jobs.filter((j) => j.minerHotkey === hotkey)
    expect(jobs.map((j) => j.jobId).sort()).toEqual(expected.map((j) => j.jobId).sort())
  })

  it('a committed-only miner is known, with no standings or jobs', async () => {
    const res = await getJson(fx.app, `/v1/miners/${fx.d.committedOnly}`)
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({ weight: 0, u16: 0, standings: [], recentJobs: [], commitments: [{ block: 35 }] })
  })

  it('an unknown but well-formed hotkey is a 404 API_NOT_FOUND; a malformed one a 400', async () => {
    const unknown = await getJson(fx.app, `/v1/miners/${hotkeyOf('stranger').ss58}`)
    expect(unknown.status).toBe(404)
    expect(unknown.body).toMatchObject({ error: { code: 'API_NOT_FOUND', statusCode: 404 } })
    const bad = await getJson(fx.app, '/v1/miners/not-a-hotkey!')
    expect(bad.status).toBe(400)
    expect(bad.body).toMatchObject({ error: { code: 'API_BAD_REQUEST', statusCode: 400 } })
  })
})

describe('GET /v1/miners/:hotkey with many cycles and no scores', () => {
  const d = buildDataset({ ...SMALL, miners: 1, cycles: 12 })
  const fx = useApi({ scores: fixedScores(undefined) }, d)

  it('caps recent jobs at 20, newest cycles first, and still knows the miner without scores', async () => {
    const res = await getJson<{ recentJobs: { cycle: number }[]; standings: unknown[]; weight: number }>(
      fx.app,
      `/v1/miners/${d.miners[0]}`,
    )
    expect(res.status).toBe(200)
    expect(d.jobs.length).toBe(24)
    expect(res.body.recentJobs).toHaveLength(20)
    expect(Math.max(...res.body.recentJobs.map((j) => j.cycle))).toBe(11)
    expect(res.body.standings).toEqual([])
    expect(res.body.weight).toBe(0)
  })
})
