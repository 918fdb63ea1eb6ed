import { describe, expect, it } from 'vitest'
import {
  computeWeights,
  explainMiner,
  explainStanding,
  randomScenario,
  type ScoringInput,
  scenarioToInput,
} from '../../src/scoring/index.js'

// Hand-built fields whose comparisons are computed by hand in the comments (v1 threshold:
// p + clamp(1.5·√(p(1−p)/50), 0.02, 0.10), capped at 1; v2: one-sided Wilson bound at z = 1.645).

type Scores = Record<string, number | { successRate: number; episodes: number; avgReward?: number }>

function field(
  strategy: string,
  envIds: string[],
  miners: Array<{ hotkey: string; uid: number | null; block?: number; scores: Scores }>,
  extra: { params?: unknown; state?: Record<string, unknown> } = {},
): ScoringInput {
  const input: ScoringInput = {
    competitions: [{ id: 'c', strategy, envIds, ...(extra.params === undefined ? {} : { params: extra.params }) }],
    commitments: miners.flatMap((m) => (m.block === undefined ? [] : [{ hotkey: m.hotkey, block: m.block }])),
    results: miners.flatMap((m) =>
      Object.entries(m.scores).map(([envId, v]) => ({
        validator: 'v',
        stake: 1,
        miner: m.hotkey,
        competitionId: 'c',
        envId,
        successRate: typeof v === 'number' ? v : v.successRate,
        episodes: typeof v === 'number' ? 50 : v.episodes,
        avgReward: typeof v === 'number' ? null : (v.avgReward ?? null),
      })),
    ),
    metagraph: [
      { uid: 0, hotkey: 'v' },
      ...miners.flatMap((m) => (m.uid === null ? [] : [{ uid: m.uid, hotkey: m.hotkey }])),
    ],
  }
  if (extra.state) input.state = extra.state
  return input
}

function explain(input: ScoringInput, hotkey: string) {
  const why = explainStanding(input, computeWeights(input), hotkey, 'c')
  if (why === undefined) throw new Error('competition c missing')
  return why
}

describe('explainStanding, kinitro-subset-v1', () => {
  // A (block 100) reach 0.80: threshold 0.8 + 1.5·√(0.16/50) = 0.884853. B (block 200) reach 0.85 < that.
  const one = field(
    'kinitro-subset-v1',
    ['reach'],
    [
      { hotkey: 'A', uid: 1, block: 100, scores: { reach: 0.8 } },
      { hotkey: 'B', uid: 2, block: 200, scores: { reach: 0.85 } },
    ],
  )

  it('a later miner below the earlier one’s threshold: decided by that threshold, short by 0.034853', () => {
    const why = explain(one, 'B')
    expect(why.status).toBe('wins-none')
    expect(why.subset?.subsets).toEqual({ total: 1, won: 0, points: 0, possiblePoints: 1 })
    expect(why.subset?.position).toBe(2)
    const [d] = why.subset?.deciders ?? []
    expect(d).toMatchObject({ hotkey: 'A', relation: 'earlier', subsetsLost: 1, sole: 1, subsetsWon: 1 })
    const c = d?.comparisons[0]
    expect(c?.minerBar.rate).toBeCloseTo(0.884853, 6)
    expect(c).toMatchObject({ envId: 'reach', rate: 0.85, otherRate: 0.8, minerClears: false, favorable: false })
    expect(c?.minerBar).toMatchObject({ strict: true, reachable: true })
    expect(why.subset?.decisive).toMatchObject({ opponent: 'A', envId: 'reach', favorable: false })
    expect(why.subset?.decisive?.margin).toBeCloseTo(0.85 - 0.884853, 6)
    // It takes 45/50 = 0.90 (0.88 is not above 0.884853); B's own threshold would be 0.85 + 0.075746.
    const [r] = why.subset?.requirements ?? []
    expect(r).toMatchObject({ envId: 'reach', episodes: 50, neededSuccesses: 45, bindingHotkey: 'A', holds: false })
    expect(r?.neededRate).toBeCloseTo(0.9, 12)
    expect(r?.margin).toBeCloseTo(-0.05, 12)
    expect(r?.challengerBar.rate).toBeCloseTo(0.925746, 6)
  })

  it('the winner: its thinnest lead, the rate that keeps the task (38/50) and what a challenger needs', () => {
    const why = explain(one, 'A')
    expect(why.status).toBe('wins-all')
    expect(why.points).toBe(1)
    expect(why.subset?.deciders).toEqual([])
    expect(why.subset?.decisive).toMatchObject({ opponent: 'B', relation: 'later', favorable: true })
    expect(why.subset?.decisive?.margin).toBeCloseTo(0.884853 - 0.85, 6)
    // B's 0.85 must not exceed A's threshold: 0.74 → 0.833048 (too low), 0.76 → 0.850598 (enough).
    const [r] = why.subset?.requirements ?? []
    expect(r).toMatchObject({ neededSuccesses: 38, bindingHotkey: 'B', holds: true })
    expect(r?.margin).toBeCloseTo(0.04, 12)
    expect(r?.challengerBar.rate).toBeCloseTo(0.884853, 6)
  })

  // A (100): reach 0.80, push 0.30 → thresholds 0.884853, 0.397211. B (200): reach 0.95, push 0.20 →
  // thresholds 0.996233, 0.284853. B beats A on reach only; A beats B on push only. {reach}: A is blocked
  // (B clears A's bar on all of it), B beats A there → B. {push} and {reach, push}: A is not blocked → A.
  const two = field(
    'kinitro-subset-v1',
    ['reach', 'push'],
    [
      { hotkey: 'A', uid: 1, block: 100, scores: { reach: 0.8, push: 0.3 } },
      { hotkey: 'B', uid: 2, block: 200, scores: { reach: 0.95, push: 0.2 } },
    ],
  )

  it('two tasks: each miner loses what the other takes, on the task where it falls short', () => {
    const a = explain(two, 'A')
    expect(a.status).toBe('wins-some')
    expect(a.subset?.subsets).toEqual({ total: 3, won: 2, points: 3, possiblePoints: 4 })
    expect(a.subset?.deciders.map((d) => [d.hotkey, d.relation, d.subsetsLost, d.subsetsWon])).toEqual([
      ['B', 'later', 1, 1],
    ])
    expect(a.subset?.decisive).toMatchObject({ opponent: 'B', envId: 'reach', favorable: false })
    expect(a.subset?.decisive?.margin).toBeCloseTo(0.884853 - 0.95, 6)
    // Keeping reach from B's 0.95 takes A's threshold ≥ 0.95: 0.88 → 0.948935 (no), 0.90 → 0.963640.
    const reach = a.subset?.requirements.find((r) => r.envId === 'reach')
    expect(reach).toMatchObject({ neededSuccesses: 45, holds: false, bindingHotkey: 'B' })
    expect(a.subset?.requirements.find((r) => r.envId === 'push')?.holds).toBe(true)

    const b = explain(two, 'B')
    expect(b.subset?.subsets).toMatchObject({ won: 1, points: 1 })
    const [d] = b.subset?.deciders ?? []
    expect(d).toMatchObject({ hotkey: 'A', relation: 'earlier', subsetsLost: 2, sole: 2 })
    expect(d?.comparisons.map((c) => [c.envId, c.favorable])).toEqual([
      ['reach', true],
      ['push', false],
    ])
    expect(b.subset?.decisive).toMatchObject({ envId: 'push', rate: 0.2, otherRate: 0.3 })
    expect(b.subset?.decisive?.margin).toBeCloseTo(0.2 - 0.397211, 6)
  })

  it('every comparison in the way is named, not only the winner’s; a same-block tie goes to the lower uid', () => {
    // A (100) 0.50: threshold 0.6. C (150) 0.70 > 0.6 blocks A; threshold 0.797211. B (200) 0.55 clears
    // neither: C wins {reach}, and both A and C stand in B's way (so neither alone would win it).
    const crowd = explain(
      field(
        'kinitro-subset-v1',
        ['reach'],
        [
          { hotkey: 'A', uid: 1, block: 100, scores: { reach: 0.5 } },
          { hotkey: 'C', uid: 3, block: 150, scores: { reach: 0.7 } },
          { hotkey: 'B', uid: 2, block: 200, scores: { reach: 0.55 } },
        ],
      ),
      'B',
    )
    expect(crowd.subset?.deciders.map((d) => [d.hotkey, d.subsetsLost, d.sole, d.subsetsWon])).toEqual([
      ['A', 1, 0, 0],
      ['C', 1, 0, 1],
    ])
    expect(crowd.subset?.requirements[0]).toMatchObject({ bindingHotkey: 'C', neededSuccesses: 40 })
    // Same block: 0.82 does not clear 0.884853 and 0.80 does not clear 0.82's threshold; uid 1 goes first.
    const tie = explain(
      field(
        'kinitro-subset-v1',
        ['reach'],
        [
          { hotkey: 'A', uid: 1, block: 100, scores: { reach: 0.8 } },
          { hotkey: 'B', uid: 2, block: 100, scores: { reach: 0.82 } },
        ],
      ),
      'B',
    )
    expect(tie.subset?.deciders[0]).toMatchObject({ hotkey: 'A', relation: 'same-block', subsetsLost: 1, sole: 1 })
    expect(tie.subset?.requirements[0]).toMatchObject({ neededSuccesses: 45, bindingHotkey: 'A' })
  })

  it('the 1.0 cap: an earlier 0.97 cannot be beaten, so nothing is needed that can be reached', () => {
    const why = explain(
      field(
        'kinitro-subset-v1',
        ['reach'],
        [
          { hotkey: 'A', uid: 1, block: 100, scores: { reach: 0.97 } },
          { hotkey: 'B', uid: 2, block: 200, scores: { reach: 1 } },
        ],
      ),
      'B',
    )
    expect(why.subset?.deciders[0]?.comparisons[0]?.minerBar).toEqual({ rate: 1, strict: true, reachable: false })
    expect(why.subset?.requirements[0]).toMatchObject({ neededRate: null, neededSuccesses: null, margin: null })
  })

  it('unregistered and not-yet-evaluated miners win nothing but still get requirements', () => {
    const input = field(
      'kinitro-subset-v1',
      ['reach'],
      [
        { hotkey: 'A', uid: 1, block: 100, scores: { reach: 0.8 } },
        { hotkey: 'X', uid: null, block: 50, scores: { reach: 1 } },
      ],
    )
    input.commitments.push({ hotkey: 'N', block: 300 })
    input.metagraph.push({ uid: 3, hotkey: 'N' })
    const x = explain(input, 'X')
    expect(x).toMatchObject({ status: 'unregistered', uid: null, points: 0 })
    expect(x.subset?.position).toBeNull()
    const n = explain(input, 'N')
    expect(n.status).toBe('not-evaluated')
    expect(n.tasks[0]).toMatchObject({ evaluated: false, episodes: 0 })
    // Same bar as B above: 45/50 beats A's 0.884853.
    expect(n.subset?.requirements[0]).toMatchObject({ neededSuccesses: 45, bindingHotkey: 'A', holds: false })
  })
})

describe('explainStanding, kinitro-subset-v2', () => {
  // A (100): 10/20 = 0.5. B (200): 14/20 = 0.7, Wilson low (z 1.645) 0.516180 > 0.5 and 0.7 ≥ 0.5 + 0.02:
  // B beats A. 13/20 has low 0.466497, not enough. C (300): 0/20, below the floor.
  const input = field(
    'kinitro-subset-v2',
    ['reach'],
    [
      { hotkey: 'A', uid: 1, block: 100, scores: { reach: { successRate: 0.5, episodes: 20 } } },
      { hotkey: 'B', uid: 2, block: 200, scores: { reach: { successRate: 0.7, episodes: 20 } } },
      { hotkey: 'C', uid: 3, block: 300, scores: { reach: { successRate: 0, episodes: 20 } } },
    ],
  )

  it('the earlier miner is overtaken where the later one’s bound clears its rate; what keeping it takes', () => {
    const a = explain(input, 'A')
    expect(a.status).toBe('wins-none')
    const [d] = a.subset?.deciders ?? []
    expect(d).toMatchObject({ hotkey: 'B', relation: 'later', subsetsLost: 1 })
    expect(d?.comparisons[0]?.otherBar).toEqual({ rate: 0.7, strict: false, reachable: true })
    expect(d?.comparisons[0]).toMatchObject({ otherClears: true, favorable: false })
    // B's bound 0.516180 must not exceed A's rate (or B must be within the gap): 11/20 = 0.55.
    expect(a.subset?.requirements[0]).toMatchObject({ neededSuccesses: 11, bindingHotkey: 'B', holds: false })
    expect(a.subset?.epsilonDominatedBy).toBeNull()
  })

  it('a miner with no success is below the floor', () => {
    const c = explain(input, 'C')
    expect(c.subset?.ineligibleTasks).toEqual(['reach'])
    expect(c.subset?.subsetsLostToFloor).toBe(1)
  })
})

describe('explainStanding, kinitro-wta-v0', () => {
  it('approval mode: ineligible below 100 % success; the eligible one is queued for review', () => {
    const input = field(
      'kinitro-wta-v0',
      ['reach'],
      [
        { hotkey: 'A', uid: 1, block: 100, scores: { reach: { successRate: 1, episodes: 10, avgReward: 5 } } },
        { hotkey: 'B', uid: 2, block: 200, scores: { reach: { successRate: 0.9, episodes: 10, avgReward: 9 } } },
      ],
    )
    const b = explain(input, 'B')
    expect(b.status).toBe('ineligible')
    expect(b.wta?.needs).toEqual([
      { metric: 'successRate', value: 1, strict: false, current: 0.9, met: false },
      { metric: 'avgReward', value: 0, strict: false, current: 9, met: true },
    ])
    const a = explain(input, 'A')
    expect(a.status).toBe('awaiting-approval')
    expect(a.wta).toMatchObject({ queued: true, approvalRequired: true, leader: null })
  })

  it('margin mode: the challenger needs the leader’s reward × 1.05', () => {
    // B leads on reward (10.4 > 10); to take over A needs > 10.4 × 1.05 = 10.92.
    const input = field(
      'kinitro-wta-v0',
      ['reach'],
      [
        { hotkey: 'A', uid: 1, block: 100, scores: { reach: { successRate: 0.8, episodes: 10, avgReward: 10 } } },
        { hotkey: 'B', uid: 2, block: 200, scores: { reach: { successRate: 0.9, episodes: 10, avgReward: 10.4 } } },
      ],
      { params: { mode: 'margin', minSuccessRate: 0.5 } },
    )
    const b = explain(input, 'B')
    expect(b.status).toBe('leader')
    expect(b.wta?.challengerNeeds[0]?.value).toBeCloseTo(10.92, 12)
    const a = explain(input, 'A')
    expect(a.status).toBe('eligible')
    expect(a.wta?.needs).toHaveLength(1)
    expect(a.wta?.needs[0]).toMatchObject({ metric: 'avgReward', strict: true, current: 10, met: false })
    expect(a.wta?.needs[0]?.value).toBeCloseTo(10.92, 12)
  })
})

describe('explanations agree with the strategies', () => {
  it('subsets won and points equal what computeWeights paid, on random fields (v1 and v2)', () => {
    for (const strategy of ['kinitro-subset-v1', 'kinitro-subset-v2']) {
      for (let seed = 1; seed <= 25; seed++) {
        const scenario = randomScenario({ miners: 2 + (seed % 6), envs: 1 + (seed % 4), seed, strategy })
        // Ties in commit block exercise the same-block rule.
        if (seed % 3 === 0) for (const m of scenario.miners) m.block = 1000 + 100 * Math.floor(m.uid / 2)
        const input = scenarioToInput(scenario)
        const out = computeWeights(input)
        const details = out.competitions[0]?.details as { subsetsWon: Record<string, number> }
        for (const m of out.miners) {
          const why = explainStanding(input, out, m.hotkey, 'simulated')
          expect(why?.subset?.subsets.won, `${strategy} seed ${seed} ${m.hotkey}`).toBe(
            details.subsetsWon[String(m.uid)],
          )
          expect(why?.subset?.subsets.points).toBe(m.pointsByCompetition.simulated ?? 0)
        }
      }
    }
  })

  it('meeting every requirement wins every subset (v1, random fields)', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const input = scenarioToInput(randomScenario({ miners: 4, envs: 3, seed }))
      const hotkey = `miner-${seed % 4}`
      const why = explainStanding(input, computeWeights(input), hotkey, 'simulated')
      const reqs = why?.subset?.requirements ?? []
      if (reqs.some((r) => r.neededRate === null)) continue
      const raised: ScoringInput = {
        ...input,
        results: input.results.map((r) => {
          const need = reqs.find((q) => q.envId === r.envId)
          return r.miner === hotkey && need ? { ...r, successRate: Math.max(r.successRate, need.neededRate ?? 0) } : r
        }),
      }
      const after = explainStanding(raised, computeWeights(raised), hotkey, 'simulated')
      expect(after?.status, `seed ${seed}`).toBe('wins-all')
      expect(after?.subset?.requirements.every((r) => r.holds)).toBe(true)
    }
  })

  it('explainMiner covers the competitions the miner entered, or all of them before any result', () => {
    const input = field('kinitro-subset-v1', ['reach'], [{ hotkey: 'A', uid: 1, block: 100, scores: { reach: 0.5 } }])
    input.competitions.push({ id: 'b', strategy: 'kinitro-subset-v1', envIds: ['push'] })
    const out = computeWeights(input)
    expect(explainMiner(input, out, 'A').map((e) => e.competitionId)).toEqual(['c'])
    expect(explainMiner(input, out, 'nobody').map((e) => e.competitionId)).toEqual(['b', 'c'])
    expect(explainStanding(input, out, 'A', 'missing')).toBeUndefined()
  })
})
