import { describe, expect, it } from 'vitest'
import { applyReproductionRule, type ReproducedResult } from '../../../../src/scoring/index.js'
import { episodes, HEAD, hotkeyOf, replica, shuffle } from './helpers.js'

const of = (out: ReproducedResult[], v: number) => out.find((r) => r.validator === hotkeyOf(v)) as ReproducedResult
const countedIndices = (r: ReproducedResult) => r.counted.map((e) => e.episodeIndex)

describe('applyReproductionRule', () => {
  it('leaves out a policy failure no other validator reproduces', () => {
    const out = applyReproductionRule([
      replica(0, 0, episodes(0, { 2: { error: 'policy_timeout' } })),
      replica(1, 0, episodes(0)),
      replica(2, 0, episodes(0)),
    ])
    const v0 = of(out, 0)
    expect(countedIndices(v0)).toEqual([0, 1, 3, 4, 5, 6, 7])
    expect(v0.excluded).toEqual([
      { episodeIndex: 2, envId: 'mujoco/reach-v1', error: 'policy_timeout', reason: 'policy_unreproduced' },
    ])
    expect(countedIndices(of(out, 1))).toHaveLength(8)
  })

  it('counts a policy failure another validator reproduces (any policy code), for both of them', () => {
    const out = applyReproductionRule([
      replica(0, 0, episodes(0, { 2: { error: 'policy_timeout' } })),
      replica(1, 0, episodes(0, { 2: { error: 'policy_crashed' } })),
      replica(2, 0, episodes(0)),
    ])
    for (const v of [0, 1]) {
      const r = of(out, v)
      expect(countedIndices(r), `validator ${v}`).toHaveLength(8)
      expect(r.excluded, `validator ${v}`).toEqual([])
      expect(r.counted.find((e) => e.episodeIndex === 2)?.success, `validator ${v}`).toBe(false)
    }
  })

  it('never counts env, validator, network or unknown failures, even when every validator reports them', () => {
    const failures = { 1: { error: 'env_unstable' }, 3: { error: 'validator_internal' }, 5: { error: 'bogus' } }
    const out = applyReproductionRule([0, 1, 2].map((v) => replica(v, 0, episodes(0, failures))))
    for (const r of out) {
      expect(countedIndices(r)).toEqual([0, 2, 4, 6, 7])
      expect(r.excluded.map((e) => [e.episodeIndex, e.reason])).toEqual([
        [1, 'not_policy'],
        [3, 'not_policy'],
        [5, 'not_policy'],
      ])
    }
  })

  it('a validator does not reproduce itself, not even with an older result of its own', () => {
    const failing = episodes(0, { 6: { error: 'policy_crashed' } })
    const out = applyReproductionRule([replica(0, 0, failing, HEAD - 20), replica(0, 0, failing, HEAD)])
    expect(out).toHaveLength(1)
    expect(out[0]?.excluded.map((e) => e.reason)).toEqual(['policy_unreproduced'])
  })

  it("only a validator's latest result corroborates: a superseded failure does not", () => {
    const out = applyReproductionRule([
      replica(0, 0, episodes(0, { 6: { error: 'policy_crashed' } })),
      replica(1, 0, episodes(0, { 6: { error: 'policy_crashed' } }), HEAD - 20),
      replica(1, 0, episodes(0), HEAD),
    ])
    expect(of(out, 0).excluded.map((e) => e.episodeIndex)).toEqual([6])
  })

  it('a reproduced policy failure counts as a failure even when its record claims success', () => {
    const out = applyReproductionRule([
      replica(0, 0, episodes(0, { 0: { error: 'policy_timeout', success: true } })),
      replica(1, 0, episodes(0, { 0: { error: 'policy_timeout' } })),
    ])
    expect(of(out, 0).counted[0]).toMatchObject({ episodeIndex: 0, success: false })
  })

  it('failures in another job of the same episode index do not corroborate', () => {
    const out = applyReproductionRule([
      replica(0, 0, episodes(0, { 2: { error: 'policy_timeout' } })),
      replica(1, 1, episodes(1, { 2: { error: 'policy_timeout' } })),
    ])
    for (const r of out) expect(r.excluded.map((e) => e.reason)).toEqual(['policy_unreproduced'])
  })

  it('gives the same verdicts in any input order', () => {
    const results = [
      replica(0, 0, episodes(0, { 2: { error: 'policy_timeout' }, 4: { error: 'env_error' } })),
      replica(1, 0, episodes(0, { 2: { error: 'policy_crashed' }, 5: { error: 'policy_timeout' } })),
      replica(2, 0, episodes(0), HEAD - 1),
      replica(2, 1, episodes(1, { 7: { error: 'policy_bad_response' } })),
    ]
    const expected = applyReproductionRule(results)
    for (let seed = 1; seed <= 20; seed++) {
      expect(applyReproductionRule(shuffle(results, seed)), `shuffle ${seed}`).toEqual(expected)
    }
  })
})
