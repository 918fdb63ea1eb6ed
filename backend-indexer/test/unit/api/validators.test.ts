import { describe, expect, it } from 'vitest'
import type { ResultRow, WeightsRow } from '../../../src/store/types.js'
import { buildDataset, hotkeyOf } from './dataset.js'
import { fixedObserver, fixedScores, getJson, SMALL, useApi, walk } from './helpers.js'

interface ValidatorView {
  validator: string
  uid: number | null
  stake: string | null
  permitted: boolean
  results: number
  jobsDone: number
  peer: { peerId: string } | null
  lastWeights: WeightsRow | null
  agreement: { announced: number; matching: number }
}

describe('GET /v1/validators with an observer', () => {
  // Three cycles: 24 results per validator, more than the detail route's 20.
  const d = buildDataset({ ...SMALL, cycles: 3 })
  const fx = useApi({ observer: fixedObserver(d) }, d)

  it('lists each validator with activity, metagraph standing and agreement', async () => {
    const res = await getJson<{ items: ValidatorView[] }>(fx.app, '/v1/validators')
    expect(res.status).toBe(200)
    // The store counts every signer as a validator; the subnet owner signed the competitions.
    expect(res.body.items.map((v) => v.validator)).toEqual(expect.arrayContaining(d.validators))
    for (const [i, hotkey] of d.validators.entries()) {
      const v = res.body.items.find((x) => x.validator === hotkey)!
      const neuron = d.metagraph.neurons.find((n) => n.hotkey === hotkey)!
      expect(v, hotkey).toMatchObject({
        uid: neuron.uid,
        stake: neuron.stake.toString(),
        permitted: true,
        results: d.results.filter((r) => r.validator === hotkey).length,
        peer: d.peers.find((p) => p.validator === hotkey),
        lastWeights: d.weights.find((w) => w.validator === hotkey),
        // Validator 0 announced the indexer's own digest; the others a stale one.
        agreement: { announced: 1, matching: i === 0 ? 1 : 0 },
      })
    }
  })

  it('GET /v1/validators/:hotkey adds at most 20 recent results of that validator', async () => {
    const hotkey = d.validators[1]!
    const res = await getJson<ValidatorView & { recentResults: ResultRow[] }>(fx.app, `/v1/validators/${hotkey}`)
    expect(res.status).toBe(200)
    expect(res.body.validator).toBe(hotkey)
    const mine = d.results.filter((r) => r.validator === hotkey)
    expect(mine.length).toBeGreaterThan(20)
    expect(res.body.recentResults).toHaveLength(20)
    for (const r of res.body.recentResults) expect(r.validator).toBe(hotkey)
    const newest = Math.max(...mine.map((r) => r.block))
    expect(res.body.recentResults.some((r) => r.block === newest)).toBe(true)
  })

  it('GET /v1/validators/:hotkey is a 404 for a hotkey never seen', async () => {
    const res = await getJson(fx.app, `/v1/validators/${hotkeyOf('nobody').ss58}`)
    expect(res.status).toBe(404)
    expect(res.body).toMatchObject({ error: { code: 'API_NOT_FOUND' } })
  })
})

describe('GET /v1/validators without observer or scores', () => {
  const d = buildDataset(SMALL)
  const fx = useApi({ scores: fixedScores(undefined) }, d)

  it('has null uid and stake, no permit, and no matching announcements', async () => {
    const res = await getJson<{ items: ValidatorView[] }>(fx.app, '/v1/validators')
    for (const hotkey of d.validators) {
      const v = res.body.items.find((x) => x.validator === hotkey)
      expect(v, hotkey).toMatchObject({ uid: null, stake: null, permitted: false })
      expect(v?.agreement, hotkey).toEqual({ announced: 1, matching: 0 })
    }
  })

  it('GET /v1/weights/latest has consensus null and no matches', async () => {
    const res = await getJson<{ consensus: unknown; agreement: { matches: boolean }[] }>(fx.app, '/v1/weights/latest')
    expect(res.body.consensus).toBeNull()
    expect(res.body.agreement.every((a) => !a.matches)).toBe(true)
  })
})

describe('GET /v1/weights', () => {
  const fx = useApi()

  it('lists every announcement and filters by validator and block range', async () => {
    const all = await walk<WeightsRow>(fx.app, '/v1/weights', 2)
    const sort = (rows: WeightsRow[]) => [...rows].sort((a, b) => (a.messageId < b.messageId ? -1 : 1))
    expect(sort(all.items)).toEqual(sort(fx.d.weights))
    const w1 = fx.d.weights[1]!
    const cases: [string, (w: WeightsRow) => boolean][] = [
      [`validator=${w1.validator}`, (w) => w.validator === w1.validator],
      [`fromBlock=${w1.block}`, (w) => w.block >= w1.block],
      [`toBlock=${w1.block}`, (w) => w.block <= w1.block],
      [`fromBlock=${w1.block}&toBlock=${w1.block}`, (w) => w.block === w1.block],
    ]
    for (const [q, keep] of cases) {
      const res = await getJson<{ items: WeightsRow[] }>(fx.app, `/v1/weights?${q}`)
      expect(sort(res.body.items), q).toEqual(sort(fx.d.weights.filter(keep)))
    }
  })

  it('GET /v1/weights/latest compares each validator with the indexer consensus', async () => {
    const res = await getJson<{
      consensus: { block: number; inputsDigest: string; uids: number[]; u16: number[]; weights: number[] }
      validators: WeightsRow[]
      agreement: { validator: string; inputsDigest: string; matches: boolean }[]
    }>(fx.app, '/v1/weights/latest')
    expect(res.status).toBe(200)
    const out = fx.d.snapshot.output
    expect(res.body.consensus).toMatchObject({
      block: fx.d.snapshot.block,
      inputsDigest: out.inputsDigest,
      uids: out.u16.uids,
      u16: out.u16.values,
    })
    const floats = res.body.consensus.weights
    expect(floats).toHaveLength(out.u16.uids.length)
    out.weights.uids.forEach((uid, i) => {
      expect(floats[out.u16.uids.indexOf(uid)], `uid ${uid}`).toBe(out.weights.values[i])
    })
    expect(floats.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9)
    expect([...res.body.validators].sort((a, b) => (a.validator < b.validator ? -1 : 1))).toEqual(
      [...fx.d.weights].sort((a, b) => (a.validator < b.validator ? -1 : 1)),
    )
    for (const a of res.body.agreement) {
      expect(a.matches, a.validator).toBe(a.validator === fx.d.validators[0])
    }
  })
})

describe('GET /v1/equivocations', () => {
  const d = buildDataset(SMALL)
  const fx = useApi({}, d)

  it('is empty for an honest log, and lists a validator with two results for one job', async () => {
    expect((await getJson<{ items: unknown[] }>(fx.app, '/v1/equivocations')).body).toEqual({ items: [] })
    const first = d.results[0] as ResultRow
    const again = d.messages.find((m) => m.id === first.messageId)
    if (again?.projection.kind !== 'result') throw new Error('dataset')
    // The same validator signs a second, different result for the same job.
    const id = `${first.messageId.slice(0, -2)}ff`
    const second = {
      ...again,
      id,
      projection: {
        kind: 'result' as const,
        result: { ...again.projection.result, messageId: id, successes: 0 },
        episodes: again.projection.episodes.map((e) => ({ ...e, resultId: id })),
      },
    }
    await fx.store.ingest([second])
    const res = await getJson<{ items: { validator: string; jobId: string; results: ResultRow[] }[] }>(
      fx.app,
      `/v1/equivocations?validator=${first.validator}`,
    )
    expect(res.status).toBe(200)
    expect(res.body.items.map((e) => [e.validator, e.jobId, e.results.map((r) => r.messageId).sort()])).toEqual([
      [first.validator, first.jobId, [first.messageId, id].sort()],
    ])
    const bad = await getJson(fx.app, '/v1/equivocations?limit=0')
    expect(bad.status).toBe(400)
  })
})
