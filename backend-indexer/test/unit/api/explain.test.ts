import { describe, expect, it } from 'vitest'
import {
  computeWeights,
  createCompetitionManifest,
  createDevChain,
  explainMiner,
  explainStanding,
  hotkeyFromUri,
  type ScoringInput,
  silentLogger,
} from '#protocol'
import { createScores } from '../../../src/scores/service.js'
import type { ScoreSnapshot } from '../../../src/scores/types.js'
import { buildDataset, hotkeyOf } from './dataset.js'
import { fixedScores, getJson, SMALL, useApi } from './helpers.js'

// A hand-built scoring input over the dataset's hotkeys (so the store knows the miners): miner 0 committed
// at block 100 with reach 0.80 (threshold 0.8 + 1.5·√(0.16/50) = 0.884853), miner 1 at block 200 with 0.85,
// short of it by 0.034853; 45/50 would clear it.
const d = buildDataset(SMALL)
const [m0, m1] = d.miners as [string, string]
const input: ScoringInput = {
  competitions: [
    { id: 'reach', strategy: 'kinitro-subset-v1', envIds: ['reach-v0'] },
    { id: 'pick', strategy: 'kinitro-subset-v1', envIds: ['pick-v0'] },
  ],
  commitments: [
    { hotkey: m0, block: 100 },
    { hotkey: m1, block: 200 },
  ],
  results: [
    [m0, 0.8],
    [m1, 0.85],
  ].map(([miner, successRate]) => ({
    validator: d.validators[0] as string,
    stake: 1,
    miner: miner as string,
    competitionId: 'reach',
    envId: 'reach-v0',
    successRate: successRate as number,
    episodes: 50,
  })),
  metagraph: d.metagraph.neurons.map((n) => ({ uid: n.uid, hotkey: n.hotkey })),
}
const output = computeWeights(input)
const snapshot: ScoreSnapshot = {
  block: 1234,
  computedAt: 1_760_000_000_000,
  results: 2,
  input,
  output,
  competitions: [],
}

interface Body {
  block: number
  inputsDigest: string
  hotkey: string
  competitions: Array<Record<string, unknown> & { competitionId: string; subset: Record<string, unknown> | null }>
}

describe('GET /v1/miners/:hotkey/explain', () => {
  const fx = useApi({ scores: fixedScores(snapshot) }, d)

  it('explains the standing from the snapshot’s own input: the deciding task, bar and margin', async () => {
    const res = await getJson<Body>(fx.app, `/v1/miners/${m1}/explain?competition=reach`)
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({ block: 1234, inputsDigest: output.inputsDigest, hotkey: m1 })
    const [why] = res.body.competitions
    expect(why).toMatchObject({ competitionId: 'reach', status: 'wins-none', points: 0 })
    const decisive = why?.subset?.decisive as { opponent: string; envId: string; margin: number; bar: { rate: number } }
    expect(decisive).toMatchObject({ opponent: m0, envId: 'reach-v0' })
    expect(decisive.margin).toBeCloseTo(0.85 - 0.884853, 6)
    expect(decisive.bar.rate).toBeCloseTo(0.884853, 6)
    expect((why?.subset?.requirements as unknown[] | undefined)?.[0]).toMatchObject({
      neededSuccesses: 45,
      bindingHotkey: m0,
    })
    // The response schema drops nothing protocol computed.
    expect(why).toEqual(JSON.parse(JSON.stringify(explainStanding(input, output, m1, 'reach'))))
  })

  it('without ?competition: every competition the miner has a result in', async () => {
    const res = await getJson<Body>(fx.app, `/v1/miners/${m0}/explain`)
    expect(res.status).toBe(200)
    expect(res.body.competitions.map((c) => [c.competitionId, c.status])).toEqual([['reach', 'wins-all']])
  })

  it('a miner known only by its commitment in the store gets every competition, not evaluated', async () => {
    const res = await getJson<Body>(fx.app, `/v1/miners/${d.committedOnly}/explain`)
    expect(res.status).toBe(200)
    expect(res.body.competitions.map((c) => c.competitionId)).toEqual(['pick', 'reach'])
  })

  it('404 API_NOT_FOUND for an unknown miner or competition; 400 for a malformed hotkey', async () => {
    const stranger = await getJson(fx.app, `/v1/miners/${hotkeyOf('stranger').ss58}/explain`)
    expect(stranger.status).toBe(404)
    expect(stranger.body).toMatchObject({ error: { code: 'API_NOT_FOUND' } })
    const comp = await getJson(fx.app, `/v1/miners/${m1}/explain?competition=nope`)
    expect(comp.status).toBe(404)
    expect(comp.body).toMatchObject({ error: { code: 'API_NOT_FOUND', message: 'competition nope not found' } })
    expect((await getJson(fx.app, '/v1/miners/bad!/explain')).status).toBe(400)
  })

  it('is in the OpenAPI document', async () => {
    const doc = await getJson<{ paths: Record<string, unknown> }>(fx.app, '/openapi.json')
    expect(Object.keys(doc.body.paths)).toContain('/v1/miners/{hotkey}/explain')
  })
})

describe('GET /v1/miners/:hotkey/explain before scores', () => {
  const none = useApi({ scores: fixedScores(undefined) }, d)
  const { input: _dropped, ...bare } = snapshot
  const noInput = useApi({ scores: fixedScores(bare) }, d)

  it('answers API_SCORES_UNAVAILABLE with no snapshot, or one that kept no input', async () => {
    for (const fx of [none, noInput]) {
      const res = await getJson(fx.app, `/v1/miners/${m1}/explain`)
      expect(res.status).toBe(404)
      expect(res.body).toMatchObject({ error: { code: 'API_SCORES_UNAVAILABLE' } })
    }
  })
})

describe('the scores service', () => {
  it('keeps the input it scored next to the snapshot, so the route can explain it', async () => {
    const dev = await createDevChain({ blockTimeMs: 0 })
    const chain = dev.client(1)
    try {
      const miner = await hotkeyFromUri('//Eve')
      await dev.admin.register(1, miner.ss58)
      await chain.setCommitment(miner, new TextEncoder().encode('k1:alice/policy@abc123'))
      const head = await dev.admin.advance(1)
      const manifest = createCompetitionManifest({
        netuid: 1,
        block: head.number,
        id: 'comp',
        name: 'comp',
        tasks: [{ envId: 'mujoco/reach-v1', taskId: 'reach' }],
        episodesPerTask: 1,
        maxSteps: 10,
        scoring: { strategy: 'kinitro-subset-v1' },
        startBlock: head.number + 1,
        points: 1,
        cycleLengthBlocks: 4,
      })
      const scores = createScores({
        chain,
        manifests: () => [manifest],
        metagraph: () => undefined,
        head: () => head.number,
        results: () => [],
        logger: silentLogger,
      })
      const snap = await scores.compute()
      scores.stop()
      expect(snap?.input?.competitions.map((c) => c.id)).toEqual(['comp'])
      expect(snap?.input?.commitments.map((c) => c.hotkey)).toEqual([miner.ss58])
      const [why] = explainMiner(snap?.input as ScoringInput, snap?.output as ScoreSnapshot['output'], miner.ss58)
      expect(why).toMatchObject({ competitionId: 'comp', status: 'not-evaluated', commitBlock: expect.any(Number) })
    } finally {
      await chain.close()
      await dev.close()
    }
  })
})
