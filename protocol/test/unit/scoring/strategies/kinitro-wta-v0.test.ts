import { describe, expect, it } from 'vitest'
import { computeWeights, ScoringError, type ScoringInput, type ValidatorResult } from '../../../../src/scoring/index.js'

const W = 'kinitro-wta-v0'
const metagraph = [
  { uid: 0, hotkey: 'alice' },
  { uid: 1, hotkey: 'bob' },
  { uid: 2, hotkey: 'carol' },
  { uid: 4, hotkey: 'owner' },
]

function result(miner: string, successRate: number, avgReward: number | null, competitionId = 'c1'): ValidatorResult {
  return { validator: 'v', stake: 1, miner, competitionId, envId: 'e', successRate, episodes: 10, avgReward }
}

function input(results: ValidatorResult[], state?: unknown, extra: Partial<ScoringInput> = {}): ScoringInput {
  return {
    competitions: [{ id: 'c1', strategy: W, envIds: ['e'] }],
    commitments: [
      { hotkey: 'alice', block: 10 },
      { hotkey: 'bob', block: 20 },
      { hotkey: 'carol', block: 30 },
    ],
    results,
    metagraph,
    ...(state === undefined ? {} : { state: { [W]: state } }),
    ...extra,
  }
}

const w = (out: ReturnType<typeof computeWeights>, uid: number) => out.weights.values[out.weights.uids.indexOf(uid)]
const leaderOf = (out: ReturnType<typeof computeWeights>) =>
  (out.competitions[0]?.details as { leader: string } | undefined)?.leader
const leaderState = (hotkey: string, extra = {}) => ({ leaders: { c1: { hotkey, ...extra } } })

describe('kinitro-wta-v0 (reference OLD)', () => {
  it('thresholds: min success rate (default 1.0) and min avg reward; a null reward is ineligible', () => {
    const out = computeWeights(input([result('alice', 1, 0.5), result('bob', 0.9, 5), result('carol', 1, null)]))
    const d = out.competitions[0]?.details as { eligible: string[]; candidates: Array<{ candidateId: string }> }
    expect(d.eligible).toEqual(['alice'])
    // No approved leader yet: every eligible result becomes a candidate, nobody is paid, the owner takes 1.
    expect(d.candidates.map((c) => c.candidateId)).toEqual(['alice@10'])
    expect(w(out, 4)).toBe(1)
    expect(w(out, 0)).toBe(0)
  })

  it('an approved leader gets 1 × (1 − 0.98) = 0.020000000000000018, the owner the rest', () => {
    const approvals = [
      { competitionId: 'c1', candidateId: 'alice@10', hotkey: 'alice', avgReward: 0.5, successRate: 1 },
    ]
    const out = computeWeights(input([result('alice', 1, 0.5)], { approvals }))
    expect(w(out, 0)).toBe(0.020000000000000018)
    expect(w(out, 4)).toBe(1 - 0.020000000000000018)
    expect(out.state[W]).toEqual({
      leaders: { c1: { hotkey: 'alice', reward: 0.5, approvedSuccessRate: 1, approvedCandidateId: 'alice@10' } },
    })
    // fiber u16: the max (owner) is 65535; 0.020000000000000018 · 65535/0.98 = 1337.449 → 1337.
    expect(out.u16Reference).toEqual({ uids: [0, 4], values: [1337, 65535] })
  })

  it('a competition with no eligible result pays nobody, not even its approved leader', () => {
    const out = computeWeights(input([result('alice', 0.5, 0.5)], leaderState('alice', { reward: 0.5 })))
    expect(w(out, 0)).toBe(0)
    expect(w(out, 4)).toBe(1)
  })

  it('the leader is paid whenever anyone is eligible, even without an eligible result of its own', () => {
    const out = computeWeights(input([result('alice', 0.2, 0.1), result('bob', 1, 1)], leaderState('alice')))
    expect(w(out, 0)).toBe(0.020000000000000018)
    const d = out.competitions[0]?.details as { candidates: Array<{ hotkey: string }> }
    // baseline −1 (no approved success rate): bob's eligible result is queued for review.
    expect(d.candidates.map((c) => c.hotkey)).toEqual(['bob'])
  })

  it('queues challengers above the approved success rate, plus the leader re-proving itself', () => {
    const state = leaderState('alice', { approvedSuccessRate: 1, approvedCandidateId: 'alice@9' })
    const out = computeWeights(
      input([result('alice', 1, 2), result('bob', 1, 3)], state, {
        competitions: [{ id: 'c1', strategy: W, envIds: ['e'], params: { minSuccessRate: 0.5 } }],
      }),
    )
    const d = out.competitions[0]?.details as { candidates: Array<{ candidateId: string }> }
    // Nobody is above 1.0; alice's own result (≥ baseline, new candidate id) is queued.
    expect(d.candidates.map((c) => c.candidateId)).toEqual(['alice@10'])
    // The leader's reward is refreshed from its best eligible result.
    expect((out.state[W] as { leaders: Record<string, { reward: number }> }).leaders['c1']?.reward).toBe(2)
  })

  it('a rejected candidate is no longer reported, with or without a leader; rejections are carried', () => {
    const rows = [result('alice', 1, 2), result('bob', 1, 3), result('carol', 1, 1)]
    type Details = { candidates: Array<{ candidateId: string }> }
    const candidates = (out: ReturnType<typeof computeWeights>) =>
      ((out.competitions[0]?.details ?? { candidates: [] }) as Details).candidates.map((c) => c.candidateId)
    expect(candidates(computeWeights(input(rows)))).toEqual(['bob@20', 'alice@10', 'carol@30'])
    const none = computeWeights(input(rows, { rejected: ['bob@20'] }))
    expect(candidates(none)).toEqual(['alice@10', 'carol@30'])
    expect(none.state[W]).toEqual({ leaders: { c1: null }, rejected: ['bob@20'] })
    // With a leader: a rejected challenger above the baseline is not queued either.
    const led = computeWeights(
      input(rows, {
        ...leaderState('alice', { approvedSuccessRate: 0.5, approvedCandidateId: 'alice@9' }),
        rejected: ['carol@30'],
      }),
    )
    expect(candidates(led)).toEqual(['bob@20', 'alice@10'])
    // A rejection of another id changes nothing; the state schema refuses a malformed list.
    expect(candidates(computeWeights(input(rows, { rejected: ['dave@1'] })))).toEqual([
      'bob@20',
      'alice@10',
      'carol@30',
    ])
    expect(() => computeWeights(input(rows, { rejected: 'bob@20' }))).toThrow(ScoringError)
  })

  it('a hotkey leading two competitions is paid once; the second share goes to the owner', () => {
    const out = computeWeights(
      input(
        [result('alice', 1, 1, 'c1'), result('alice', 1, 1, 'c2')],
        {
          leaders: { c1: { hotkey: 'alice' }, c2: { hotkey: 'alice' } },
        },
        {
          competitions: [
            { id: 'c2', strategy: W, envIds: ['e'] },
            { id: 'c1', strategy: W, envIds: ['e'] },
          ],
        },
      ),
    )
    // Each competition is worth 1/2; alice gets 0.5·0.02 once (from c1, processed first by id).
    expect(w(out, 0)).toBeCloseTo(0.01, 15)
    expect(out.miners.find((m) => m.hotkey === 'alice')?.pointsByCompetition).toEqual({ c1: 0.5 * (1 - 0.98) })
    expect(w(out, 4)).toBeCloseTo(0.99, 15)
  })

  it('scores of hotkeys missing from the metagraph go to the owner uid', () => {
    const out = computeWeights(input([result('dave', 1, 1)], leaderState('dave')))
    expect(out.miners.find((m) => m.hotkey === 'dave')).toMatchObject({ uid: null, weight: 0 })
    expect(w(out, 4)).toBe(1)
  })

  it('margin mode (OLD-1): a challenger needs reward > leader × 1.05', () => {
    const params = { mode: 'margin', minSuccessRate: 0 }
    const comp = { competitions: [{ id: 'c1', strategy: W, envIds: ['e'], params }] }
    const keep = computeWeights(
      input([result('alice', 1, 1), result('bob', 1, 1.04)], leaderState('alice', { reward: 1 }), comp),
    )
    expect(leaderOf(keep)).toBe('alice')
    const take = computeWeights(
      input([result('alice', 1, 1), result('bob', 1, 1.06)], leaderState('alice', { reward: 1 }), comp),
    )
    expect(leaderOf(take)).toBe('bob')
    expect(w(take, 1)).toBe(0.020000000000000018)
    const first = computeWeights(input([result('alice', 1, 1), result('bob', 1, 2)], undefined, comp))
    expect(leaderOf(first)).toBe('bob')
  })

  it('an unknown task type stops the whole scoring run', () => {
    const run = () =>
      computeWeights(
        input([result('alice', 1, 1)], undefined, {
          competitions: [
            { id: 'c1', strategy: W, envIds: ['e'] },
            { id: 'c2', strategy: W, envIds: ['e'], params: { taskType: 'swarm' } },
          ],
        }),
      )
    expect(run).toThrow(ScoringError)
    expect(run).toThrow(/task type swarm/)
  })

  it('refuses competitions that disagree on burnPct or ownerUid, and malformed state', () => {
    const competitions = [
      { id: 'c1', strategy: W, envIds: ['e'] },
      { id: 'c2', strategy: W, envIds: ['e'], params: { ownerUid: 7 } },
    ]
    expect(() => computeWeights(input([], undefined, { competitions }))).toThrow(/burnPct or ownerUid/)
    expect(() => computeWeights(input([], { leaders: 3 }))).toThrow(/state/)
  })
})
