import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  computeWeights,
  ScoringError,
  type ScoringInput,
  type ScoringOutput,
  type ValidatorResult,
} from '../../../src/scoring/index.js'

const RATES = [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9] as const

interface World {
  miners: Array<{ block: number; rates: Array<number | undefined> }>
  validators: number[]
  k: number
}

const worldArb: fc.Arbitrary<World> = fc.record({
  miners: fc.array(
    fc.record({
      block: fc.integer({ min: 1, max: 6 }),
      rates: fc.array(fc.option(fc.constantFrom(...RATES), { nil: undefined, freq: 6 }), {
        minLength: 3,
        maxLength: 3,
      }),
    }),
    { minLength: 1, maxLength: 8 },
  ),
  validators: fc.array(fc.integer({ min: 0, max: 100 }), { minLength: 1, maxLength: 3 }),
  k: fc.integer({ min: 1, max: 3 }),
})

function toInput(world: World, strategy: string): ScoringInput {
  const envIds = ['e0', 'e1', 'e2'].slice(0, world.k)
  const results: ValidatorResult[] = []
  world.miners.forEach((m, i) => {
    envIds.forEach((envId, j) => {
      const rate = m.rates[j]
      if (rate === undefined) return
      world.validators.forEach((stake, v) => {
        // Validators disagree a little, so the median matters.
        const jitter = Math.min(1, rate + (v === 1 ? 0.1 : 0))
        results.push({
          validator: `v${v}`,
          stake,
          miner: `m${i}`,
          competitionId: 'c',
          envId,
          successRate: jitter,
          episodes: 50,
          avgReward: rate,
        })
      })
    })
  })
  return {
    competitions: [{ id: 'c', strategy, envIds, params: strategy === 'kinitro-wta-v0' ? { minSuccessRate: 0 } : {} }],
    commitments: world.miners.map((m, i) => ({ hotkey: `m${i}`, block: m.block })),
    results,
    metagraph: [...world.miners.map((_, i) => ({ uid: i + 10, hotkey: `m${i}` })), { uid: 4, hotkey: 'owner' }],
  }
}

function shuffled<T>(xs: readonly T[], seed: number): T[] {
  const out = [...xs]
  let s = seed >>> 0
  for (let i = out.length - 1; i > 0; i--) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0
    const j = s % (i + 1)
    ;[out[i], out[j]] = [out[j] as T, out[i] as T]
  }
  return out
}

const evaluated = (input: ScoringInput) => input.results.length > 0
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0)
const weightOf = (out: ScoringOutput, hotkey: string) => out.miners.find((m) => m.hotkey === hotkey)?.weight ?? 0

describe('computeWeights invariants', () => {
  for (const strategy of ['kinitro-subset-v1', 'kinitro-subset-v2', 'kinitro-wta-v0']) {
    it(`${strategy}: weights sum to 1 (± 1e-9) when paid, u16 are u16s over every uid`, () => {
      fc.assert(
        fc.property(worldArb, (world) => {
          const input = toInput(world, strategy)
          const out = computeWeights(input)
          const paid =
            strategy === 'kinitro-subset-v2'
              ? out.miners.some((m) => m.points > 0)
              : evaluated(input) || strategy === 'kinitro-wta-v0'
          if (paid) expect(Math.abs(sum(out.weights.values) - 1)).toBeLessThan(1e-9)
          for (const v of out.u16.values) expect(Number.isInteger(v) && v >= 0 && v <= 65535).toBe(true)
          if (out.u16.values.length > 0) {
            expect(out.u16.uids).toEqual(input.metagraph.map((n) => n.uid).sort((a, b) => a - b))
            expect(Math.max(...out.u16.values)).toBe(65535)
          }
        }),
        { numRuns: 150 },
      )
    })

    it(`${strategy}: input order changes nothing, digest included`, () => {
      fc.assert(
        fc.property(worldArb, fc.integer(), (world, seed) => {
          const input = toInput(world, strategy)
          const permuted: ScoringInput = {
            competitions: shuffled(input.competitions, seed),
            commitments: shuffled(input.commitments, seed + 1),
            results: shuffled(input.results, seed + 2),
            metagraph: shuffled(input.metagraph, seed + 3),
          }
          expect(computeWeights(permuted)).toEqual(computeWeights(input))
        }),
        { numRuns: 100 },
      )
    })
  }

  for (const strategy of ['kinitro-subset-v1', 'kinitro-subset-v2']) {
    it(`${strategy}: a miner strictly better everywhere and earliest gets the largest weight`, () => {
      fc.assert(
        fc.property(worldArb, (world) => {
          const star = { block: 0, rates: [1, 1, 1] }
          const dense = { ...world, miners: [...world.miners, star] }
          const out = computeWeights(toInput(dense, strategy))
          const mine = weightOf(out, `m${world.miners.length}`)
          for (const m of out.miners) expect(mine).toBeGreaterThanOrEqual(m.weight)
          expect(mine).toBeGreaterThan(0)
        }),
        { numRuns: 100 },
      )
    })

    it(`${strategy}: a later copy of the leader never out-earns it`, () => {
      fc.assert(
        fc.property(worldArb, (world) => {
          const before = computeWeights(toInput(world, strategy))
          const leader = [...before.miners].sort(
            (a, b) => b.weight - a.weight || (a.uid as number) - (b.uid as number),
          )[0]
          fc.pre(leader?.hotkey.startsWith('m') === true)
          const li = Number(leader?.hotkey.slice(1))
          const copy = { block: 100, rates: world.miners[li]?.rates ?? [] }
          const after = computeWeights(toInput({ ...world, miners: [...world.miners, copy] }, strategy))
          expect(weightOf(after, leader?.hotkey as string)).toBeGreaterThanOrEqual(
            weightOf(after, `m${world.miners.length}`),
          )
        }),
        { numRuns: 100 },
      )
    })
  }
})

describe('computeWeights', () => {
  const base: ScoringInput = {
    competitions: [{ id: 'c', strategy: 'kinitro-subset-v1', envIds: ['e'] }],
    commitments: [
      { hotkey: 'a', block: 1 },
      { hotkey: 'b', block: 2 },
    ],
    results: [
      { validator: 'v1', stake: 60, miner: 'a', competitionId: 'c', envId: 'e', successRate: 0.5, episodes: 50 },
      { validator: 'v2', stake: 40, miner: 'a', competitionId: 'c', envId: 'e', successRate: 0.9, episodes: 50 },
      { validator: 'v1', stake: 60, miner: 'b', competitionId: 'c', envId: 'e', successRate: 0.7, episodes: 50 },
      { validator: 'v2', stake: 40, miner: 'b', competitionId: 'c', envId: 'e', successRate: 0.1, episodes: 50 },
    ],
    metagraph: [
      { uid: 0, hotkey: 'a' },
      { uid: 1, hotkey: 'b' },
    ],
  }

  it('scores the stake-weighted median, so the majority validator decides', () => {
    // v1 holds 60%: a = 0.5, b = 0.7 > threshold 0.6, so the later b wins the only subset.
    const out = computeWeights(base)
    expect(out.miners.map((m) => m.points)).toEqual([0, 1])
    const flipped = computeWeights({
      ...base,
      results: base.results.map((r) => ({ ...r, stake: r.validator === 'v1' ? 40 : 60 })),
    })
    expect(flipped.miners.map((m) => m.points)).toEqual([1, 0])
  })

  it('has a digest that ignores order and spelled-out defaults but sees any value', () => {
    const out = computeWeights(base)
    expect(out.inputsDigest).toMatch(/^[0-9a-f]{64}$/)
    const explicit = computeWeights({
      ...base,
      competitions: [
        {
          id: 'c',
          strategy: 'kinitro-subset-v1',
          envIds: ['e'],
          points: 1,
          params: { temperature: 1, episodesPerEnv: 50 },
        },
      ],
    })
    expect(explicit.inputsDigest).toBe(out.inputsDigest)
    const changed = computeWeights({
      ...base,
      commitments: [
        { hotkey: 'a', block: 1 },
        { hotkey: 'b', block: 3 },
      ],
    })
    expect(changed.inputsDigest).not.toBe(out.inputsDigest)
    const stake = computeWeights({ ...base, results: base.results.map((r, i) => (i === 0 ? { ...r, stake: 61 } : r)) })
    expect(stake.inputsDigest).not.toBe(out.inputsDigest)
  })

  it('mixes competitions by their points', () => {
    const two: ScoringInput = {
      ...base,
      competitions: [
        { id: 'c', strategy: 'kinitro-subset-v2', envIds: ['e'], points: 3 },
        { id: 'd', strategy: 'kinitro-subset-v2', envIds: ['e'], points: 1 },
      ],
      results: [
        ...base.results,
        { validator: 'v1', stake: 1, miner: 'a', competitionId: 'd', envId: 'e', successRate: 0.9, episodes: 50 },
      ],
    }
    const out = computeWeights(two)
    // c: b wins (weight 1 there); d: only a has results (weight 1 there). Mixed 3:1.
    expect(out.weights).toEqual({ uids: [0, 1], values: [0.25, 0.75] })
    expect(out.miners.map((m) => m.pointsByCompetition)).toEqual([{ c: 0, d: 1 }, { c: 1 }])
    expect(out.u16).toEqual({ uids: [0, 1], values: [21845, 65535] })
    expect(out.u16Reference).toBeUndefined()
  })

  it('ignores miners outside the metagraph in subset strategies and results for unknown envs', () => {
    const out = computeWeights({
      ...base,
      results: [
        ...base.results,
        { validator: 'v1', stake: 60, miner: 'ghost', competitionId: 'c', envId: 'e', successRate: 1, episodes: 50 },
        { validator: 'v1', stake: 60, miner: 'a', competitionId: 'c', envId: 'other', successRate: 1, episodes: 50 },
      ],
    })
    expect(out.weights.uids).toEqual([0, 1])
    expect(out.miners.find((m) => m.hotkey === 'ghost')).toMatchObject({ uid: null, weight: 0, points: 0 })
  })

  it('names the offending path of invalid input', () => {
    const meta = (fn: () => unknown) => {
      try {
        fn()
      } catch (err) {
        if (err instanceof ScoringError) return err.meta
        throw err
      }
      return undefined
    }
    const bad = { ...base, results: [{ ...base.results[0], successRate: 1.5 }] } as ScoringInput
    expect(meta(() => computeWeights(bad))).toMatchObject({
      code: 'SCORING_INPUT_INVALID',
      issues: [{ path: 'results[0].successRate', value: 1.5 }],
    })
    expect(
      meta(() => computeWeights({ ...base, metagraph: [...base.metagraph, { uid: 1, hotkey: 'z' }] })),
    ).toMatchObject({
      issues: [{ path: 'metagraph[2]', message: 'duplicate' }],
    })
    expect(
      meta(() => computeWeights({ ...base, competitions: [{ id: 'c', strategy: 'nope', envIds: ['e'] }] })),
    ).toMatchObject({
      code: 'SCORING_UNKNOWN_STRATEGY',
      strategy: 'nope',
    })
    expect(
      meta(() =>
        computeWeights({
          ...base,
          competitions: [{ id: 'c', strategy: 'kinitro-subset-v1', envIds: ['e'], params: { temprature: 2 } }],
        }),
      ),
    ).toMatchObject({ code: 'SCORING_PARAMS_INVALID', competitionId: 'c' })
    const envIds = Array.from({ length: 17 }, (_, i) => `e${i}`)
    expect(
      meta(() => computeWeights({ ...base, competitions: [{ id: 'c', strategy: 'kinitro-subset-v1', envIds }] })),
    ).toMatchObject({
      code: 'SCORING_TOO_MANY_ENVS',
      envs: 17,
      limit: 16,
    })
  })

  it('returns empty vectors when nobody was evaluated', () => {
    const out = computeWeights({ ...base, results: [] })
    expect(out.weights).toEqual({ uids: [], values: [] })
    expect(out.u16).toEqual({ uids: [], values: [] })
    expect(out.miners).toEqual([])
  })
})
