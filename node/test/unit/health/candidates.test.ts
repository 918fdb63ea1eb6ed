import { Registry } from 'prom-client'
import { afterEach, describe, expect, it } from 'vitest'
import { buildHealthApp, type CandidatesSnapshot } from '../../../src/health/index.js'

const apps: ReturnType<typeof buildHealthApp>[] = []
afterEach(async () => {
  for (const a of apps.splice(0)) await a.close()
})

const status = () => ({ chainConnected: true, meshPeers: 1, synced: true })
const snapshot: CandidatesSnapshot = {
  head: 120,
  competitionId: 'reach',
  strategy: 'kinitro-wta-v0',
  reviewed: true,
  leader: null,
  candidates: [{ candidateId: '5F@3', hotkey: '5F', successRate: 0.5, avgReward: -1.25 }],
  approved: null,
  rejected: ['5G@4'],
  lastDecisionBlock: 110,
}

describe('GET /v1/competitions/:id/candidates', () => {
  it('serves what the node scores for a known id and 404 NODE_COMPETITION_UNKNOWN for another', async () => {
    const asked: string[] = []
    const app = buildHealthApp({
      metricsRegister: new Registry(),
      status,
      candidates: async (id) => {
        asked.push(id)
        return id === 'reach' ? snapshot : undefined
      },
    })
    apps.push(app)
    const ok = await app.inject({ method: 'GET', url: '/v1/competitions/reach/candidates' })
    expect(ok.statusCode).toBe(200)
    expect(ok.json()).toEqual(snapshot)
    const missing = await app.inject({ method: 'GET', url: '/v1/competitions/nope/candidates' })
    expect(missing.statusCode).toBe(404)
    expect(missing.json()).toEqual({ code: 'NODE_COMPETITION_UNKNOWN', id: 'nope' })
    expect(asked).toEqual(['reach', 'nope'])
  })

  it('is absent unless the node wires it', async () => {
    const app = buildHealthApp({ metricsRegister: new Registry(), status })
    apps.push(app)
    expect((await app.inject({ method: 'GET', url: '/v1/competitions/reach/candidates' })).statusCode).toBe(404)
  })
})
