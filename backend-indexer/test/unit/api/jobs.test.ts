import { describe, expect, it } from 'vitest'
import type { JobRow, JobView } from '../../../src/store/types.js'
import { getJson, useApi, walk } from './helpers.js'

const ids = (rows: { jobId: string }[]) => rows.map((r) => r.jobId).sort()

describe('GET /v1/jobs', () => {
  const fx = useApi()

  it('lists every job with its statuses and result ids', async () => {
    const res = await getJson<{ items: JobView[]; nextCursor?: string }>(fx.app, '/v1/jobs?limit=1000')
    expect(res.status).toBe(200)
    expect(res.body.nextCursor).toBeUndefined()
    expect(ids(res.body.items)).toEqual(ids(fx.d.jobs))
    const one = res.body.items[0]!
    const row = fx.d.jobs.find((j) => j.jobId === one.jobId)!
    expect(one).toMatchObject(row)
    expect(one.statuses.map((s) => s.validator).sort()).toEqual([...fx.d.validators].sort())
    expect(one.results.map((r) => r.messageId).sort()).toEqual(
      fx.d.results
        .filter((r) => r.jobId === one.jobId)
        .map((r) => r.messageId)
        .sort(),
    )
  })

  it('defaults to 100 per page', async () => {
    const res = await getJson<{ items: JobView[] }>(fx.app, '/v1/jobs')
    expect(res.body.items).toHaveLength(Math.min(100, fx.d.jobs.length))
  })

  const filters: [string, (j: JobRow) => boolean][] = [
    ['competition=pick', (j) => j.competitionId === 'pick'],
    ['cycle=1', (j) => j.cycle === 1],
    ['competition=reach&cycle=0', (j) => j.competitionId === 'reach' && j.cycle === 0],
  ]
  for (const [query, keep] of filters) {
    it(`filters by ${query}`, async () => {
      const res = await getJson<{ items: JobView[] }>(fx.app, `/v1/jobs?limit=1000&${query}`)
      const expected = fx.d.jobs.filter(keep)
      expect(expected.length).toBeGreaterThan(0)
      expect(ids(res.body.items)).toEqual(ids(expected))
    })
  }

  it('filters by miner', async () => {
    const miner = fx.d.miners[1]!
    const res = await getJson<{ items: JobView[] }>(fx.app, `/v1/jobs?limit=1000&miner=${miner}`)
    expect(ids(res.body.items)).toEqual(ids(fx.d.jobs.filter((j) => j.minerHotkey === miner)))
  })

  it('filters by validator (jobs it reported a status for)', async () => {
    const validator = fx.d.validators[2]!
    const res = await getJson<{ items: JobView[] }>(fx.app, `/v1/jobs?limit=1000&validator=${validator}`)
    expect(ids(res.body.items)).toEqual(ids(fx.d.jobs))
    const stranger = '5C4hrfjw9DjXZTzV3MwzrrAr9P1MJhSrvWGWqi1eSuyUpnhM'
    const none = await getJson<{ items: JobView[] }>(fx.app, `/v1/jobs?validator=${stranger}`)
    expect(none.body.items).toEqual([])
  })

  it('pages with cursors: every job exactly once, in the order of one big page', async () => {
    const all = await getJson<{ items: JobView[] }>(fx.app, '/v1/jobs?limit=1000')
    const walked = await walk<JobView>(fx.app, '/v1/jobs', 3)
    expect(walked.pages).toBe(Math.ceil(fx.d.jobs.length / 3))
    expect(walked.items.map((j) => j.jobId)).toEqual(all.body.items.map((j) => j.jobId))
  })

  it('refuses limit=0, limit=1001, a non-numeric limit and a garbled cursor with 400s', async () => {
    for (const q of ['limit=0', 'limit=1001', 'limit=ten', 'cycle=-1']) {
      const res = await getJson(fx.app, `/v1/jobs?${q}`)
      expect(res.status, q).toBe(400)
      expect(res.body, q).toMatchObject({ error: { code: 'API_BAD_REQUEST', statusCode: 400 } })
    }
    const res = await getJson(fx.app, '/v1/jobs?cursor=not-a-cursor')
    expect(res.status).toBe(400)
    expect(res.body).toMatchObject({ error: { code: 'API_BAD_CURSOR', statusCode: 400 } })
  })
})

describe('GET /v1/jobs/:id', () => {
  const fx = useApi()

  it('returns the job view', async () => {
    const job = fx.d.jobs[3]!
    const res = await getJson<JobView>(fx.app, `/v1/jobs/${job.jobId}`)
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject(job)
    expect(res.body.statuses).toHaveLength(fx.d.validators.length)
  })

  it('is a 404 for an unknown id and a 400 for a malformed one', async () => {
    const unknown = await getJson(fx.app, `/v1/jobs/${'ab'.repeat(32)}`)
    expect(unknown.status).toBe(404)
    expect(unknown.body).toMatchObject({ error: { code: 'API_NOT_FOUND' } })
    for (const bad of ['xyz', 'AB'.repeat(32), 'ab'.repeat(31)]) {
      const res = await getJson(fx.app, `/v1/jobs/${bad}`)
      expect(res.status, bad).toBe(400)
      expect(res.body, bad).toMatchObject({ error: { code: 'API_BAD_REQUEST' } })
    }
  })
})
