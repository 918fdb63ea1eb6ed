import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { aggregateResults, type ValidatorResult, weightedMedian } from '../../../src/scoring/index.js'

const entry = (value: number, weight: number, key: string) => ({ value, weight, key, item: key })

describe('weightedMedian', () => {
  it('picks the value where half the stake is reached', () => {
    expect(weightedMedian([entry(0.2, 1, 'a'), entry(0.5, 1, 'b'), entry(0.9, 1, 'c')])?.value).toBe(0.5)
    expect(weightedMedian([entry(0.2, 1, 'a'), entry(0.5, 1, 'b'), entry(0.9, 5, 'c')])?.value).toBe(0.9)
  })

  it('an exact even split goes to the lower value', () => {
    expect(weightedMedian([entry(0.8, 10, 'a'), entry(0.4, 10, 'b')])?.value).toBe(0.4)
  })

  it('counts every validator once when nobody has stake', () => {
    expect(weightedMedian([entry(0.1, 0, 'a'), entry(0.6, 0, 'b'), entry(0.7, 0, 'c')])?.value).toBe(0.6)
    expect(weightedMedian([])).toBeUndefined()
  })

  const entries = fc.array(
    fc.record({ value: fc.double({ min: 0, max: 1, noNaN: true }), weight: fc.integer({ min: 0, max: 1_000_000 }) }),
    { minLength: 1, maxLength: 12 },
  )

  it('is invariant under permutation and lies within [min, max]', () => {
    const keyed = entries.map((es) => es.map((e, i) => entry(e.value, e.weight, `v${i}`)))
    const withShuffle = keyed.chain((es) =>
      fc.tuple(fc.constant(es), fc.shuffledSubarray(es, { minLength: es.length, maxLength: es.length })),
    )
    fc.assert(
      fc.property(withShuffle, ([es, shuffled]) => {
        const m = weightedMedian(es)
        expect(weightedMedian(shuffled)).toEqual(m)
        const values = es.map((e) => e.value)
        expect(m?.value).toBeGreaterThanOrEqual(Math.min(...values))
        expect(m?.value).toBeLessThanOrEqual(Math.max(...values))
      }),
    )
  })

  it('a validator with more than half the stake decides', () => {
    fc.assert(
      fc.property(entries, fc.double({ min: 0, max: 1, noNaN: true }), (es, value) => {
        const others = es.reduce((s, e) => s + e.weight, 0)
        const big = entry(value, others + 1, 'whale')
        const all = [...es.map((e, i) => entry(e.value, e.weight, `v${i}`)), big]
        expect(weightedMedian(all)?.value).toBe(value)
      }),
    )
  })
})

describe('aggregateResults', () => {
  const base: ValidatorResult = {
    validator: 'v1',
    stake: 1,
    miner: 'm',
    competitionId: 'c',
    envId: 'e',
    successRate: 0.5,
    episodes: 50,
  }

  it('takes the stake-weighted median report, keeping its episodes and reward', () => {
    const out = aggregateResults([
      { ...base, validator: 'v1', stake: 10, successRate: 0.9, episodes: 40, avgReward: 2 },
      { ...base, validator: 'v2', stake: 30, successRate: 0.6, episodes: 48, avgReward: 1 },
      { ...base, validator: 'v3', stake: 5, successRate: 0.1, episodes: 50 },
    ])
    expect(out.get('c')?.get('m')?.get('e')).toEqual({ successRate: 0.6, episodes: 48, avgReward: 1, validators: 3 })
  })

  it('counts a validator once: its latest block wins, a same-block tie keeps the lower rate', () => {
    const out = aggregateResults([
      { ...base, validator: 'v1', successRate: 0.9, block: 10 },
      { ...base, validator: 'v1', successRate: 0.2, block: 12 },
      { ...base, validator: 'v2', successRate: 0.7, block: 5 },
      { ...base, validator: 'v2', successRate: 0.3, block: 5 },
    ])
    // v1 → 0.2 (block 12), v2 → 0.3 (tie at block 5, lower rate); median of {0.2, 0.3} with equal stake → 0.2.
    expect(out.get('c')?.get('m')?.get('e')).toMatchObject({ successRate: 0.2, validators: 2 })
  })

  it('keeps competitions, miners and envs apart', () => {
    const out = aggregateResults([
      { ...base, envId: 'e1', successRate: 0.1 },
      { ...base, envId: 'e2', successRate: 0.2 },
      { ...base, miner: 'n', successRate: 0.3 },
      { ...base, competitionId: 'd', successRate: 0.4 },
    ])
    expect(out.get('c')?.get('m')?.get('e1')?.successRate).toBe(0.1)
    expect(out.get('c')?.get('m')?.get('e2')?.successRate).toBe(0.2)
    expect(out.get('c')?.get('n')?.get('e')?.successRate).toBe(0.3)
    expect(out.get('d')?.get('m')?.get('e')?.successRate).toBe(0.4)
  })
})
