import { describe, expect, it } from 'vitest'
import { createCompetitionManifest } from '../../../../src/messages/competition.js'
import {
  competitionFromManifest,
  computeWeights,
  DEFAULT_STRATEGY_ID,
  type MeshNeuron,
  type MeshScoringInit,
  type ReplicaResult,
  type ScoringInput,
  scoringInputFromMesh,
} from '../../../../src/scoring/index.js'
import {
  COMPETITION,
  ENVS,
  episodes,
  HEAD,
  hotkeyOf,
  manifest,
  miners,
  NETUID,
  type Outcome,
  replica,
  shuffle,
} from './helpers.js'

const RAO = 10n ** 9n
// Validator 2 holds most of the stake: alone it would decide every median.
const metagraph: MeshNeuron[] = [
  { uid: 0, hotkey: hotkeyOf(0), stake: 100n * RAO },
  { uid: 1, hotkey: hotkeyOf(1), stake: 100n * RAO },
  { uid: 2, hotkey: hotkeyOf(2), stake: 1000n * RAO },
  { uid: 3, hotkey: miners[0]?.hotkey as string, stake: 0n },
  { uid: 4, hotkey: miners[1]?.hotkey as string, stake: 0n },
]
const commitments = [
  { hotkey: miners[0]?.hotkey as string, block: 200 },
  { hotkey: miners[1]?.hotkey as string, block: 100 },
]

const fails = (...indices: number[]): Record<number, Outcome> =>
  Object.fromEntries(indices.map((i) => [i, { success: false }]))
// Miner 0 is strong (reach 4/4, push 3/4), miner 1 weak (reach 2/4, push 1/4) and committed first.
const strong = () => episodes(0, fails(7))
const weak = () => episodes(1, fails(2, 3, 5, 6, 7))

/** Three validators; validator 2 reports every episode of miner 0 as a policy crash nobody else sees. */
function world(): MeshScoringInit {
  const crashAll = Object.fromEntries(Array.from({ length: 8 }, (_, i) => [i, { error: 'policy_crashed' }]))
  return {
    manifests: [manifest()],
    commitments,
    metagraph,
    results: [
      replica(0, 0, strong()),
      replica(1, 0, strong()),
      replica(2, 0, episodes(0, crashAll)),
      replica(0, 1, weak()),
      replica(1, 1, weak()),
      replica(2, 1, weak()),
    ],
  }
}

const resultFor = (input: ScoringInput, validator: number, miner: number, envId: string) =>
  input.results.find(
    (r) => r.validator === hotkeyOf(validator) && r.miner === miners[miner]?.hotkey && r.envId === envId,
  )

describe('competitionFromManifest', () => {
  it('takes id, strategy, sorted params, environments in task order without repeats, and points', () => {
    const m = createCompetitionManifest({
      netuid: NETUID,
      block: HEAD,
      id: 'c',
      name: 'C',
      tasks: [
        { envId: 'toy/b', taskId: 't0' },
        { envId: 'toy/a', taskId: 't1' },
        { envId: 'toy/b', taskId: 't2' },
      ],
      episodesPerTask: 1,
      maxSteps: 10,
      scoring: { strategy: 'kinitro-subset-v2', params: { zeta: 1, alpha: 2 } },
      startBlock: HEAD,
      points: 3,
      cycleLengthBlocks: 100,
    })
    const spec = competitionFromManifest(m)
    expect(spec).toEqual({
      id: 'c',
      strategy: 'kinitro-subset-v2',
      params: { alpha: 2, zeta: 1 },
      envIds: ['toy/b', 'toy/a'],
      points: 3,
    })
    expect(Object.keys(spec.params as object)).toEqual(['alpha', 'zeta'])
    expect(competitionFromManifest({ ...m, scoring: undefined }).strategy).toBe(DEFAULT_STRATEGY_ID)
  })
})

describe('scoringInputFromMesh', () => {
  it('recomputes figures from the counted episode records, not from the signed summary', () => {
    const input = scoringInputFromMesh(world())
    // Validator 0: reach 4/4; push 3 of 4 (the fourth failed without an error, so it counts).
    expect(resultFor(input, 0, 0, ENVS[0])).toMatchObject({ successRate: 1, episodes: 4, avgReward: 1, block: HEAD })
    expect(resultFor(input, 0, 0, ENVS[1])).toMatchObject({ successRate: 0.75, episodes: 4 })
    // Validator 2's unreproduced crashes are all left out: it reports nothing on miner 0...
    expect(resultFor(input, 2, 0, ENVS[0])).toBeUndefined()
    expect(resultFor(input, 2, 0, ENVS[1])).toBeUndefined()
    // ...although its signed summary says 0 of 8.
    const signed = world().results[2] as ReplicaResult
    expect(signed.result.summary?.successRate).toBe(0)
    // Stake comes from the metagraph (rao → number).
    expect(resultFor(input, 2, 1, ENVS[0])?.stake).toBe(1000e9)
  })

  it('a reproduced policy failure lowers the rate; an unreproduced one leaves the episode out', () => {
    const input = scoringInputFromMesh({
      ...world(),
      results: [
        replica(0, 0, episodes(0, { 0: { error: 'policy_timeout' }, 4: { error: 'policy_timeout' } })),
        replica(1, 0, episodes(0, { 0: { error: 'policy_crashed' } })),
      ],
    })
    // Index 0 (reach) is reproduced by validator 1: a counted failure.
    expect(resultFor(input, 0, 0, ENVS[0])).toMatchObject({ successRate: 0.75, episodes: 4 })
    // Index 4 (push) is not: validator 0's push figures cover the other three episodes.
    expect(resultFor(input, 0, 0, ENVS[1])).toMatchObject({ successRate: 1, episodes: 3 })
  })

  it('drops results of validators outside the metagraph, unknown competitions and foreign environments', () => {
    const w = world()
    const foreign = episodes(0)
    foreign[0] = { ...(foreign[0] as (typeof foreign)[number]), envId: 'toy/other' }
    const other = replica(0, 1, weak())
    const input = scoringInputFromMesh({
      ...w,
      metagraph: metagraph.filter((n) => n.uid !== 1),
      results: [
        ...w.results,
        { ...other, result: { ...other.result, competitionId: 'unknown', block: HEAD + 1 } },
        replica(2, 0, foreign, HEAD + 1),
      ],
    })
    expect(input.results.some((r) => r.validator === hotkeyOf(1))).toBe(false)
    expect(input.results.some((r) => r.competitionId === 'unknown')).toBe(false)
    expect(input.results.some((r) => r.envId === 'toy/other')).toBe(false)
    // Validator 2's latest result for miner 0 (the one with a foreign environment) still counts for reach.
    expect(resultFor(input, 2, 0, ENVS[0])).toMatchObject({ episodes: 3, block: HEAD + 1 })
  })

  it('the latest manifest per competition id wins', () => {
    const older = manifest({ block: HEAD - 2000, tasks: [{ envId: 'toy/x', taskId: 't' }], points: 9 })
    const input = scoringInputFromMesh({ ...world(), manifests: [manifest(), older] })
    expect(input.competitions).toEqual([
      { id: COMPETITION, strategy: 'kinitro-subset-v1', params: {}, envIds: [...ENVS], points: 1 },
    ])
  })

  it('gives a deep-equal input and the same digest and weights for the same messages in any order', () => {
    const w = world()
    const extra = [replica(0, 0, strong(), HEAD - 50), replica(1, 1, weak(), HEAD - 50)]
    const base = { ...w, results: [...w.results, ...extra] }
    const expected = scoringInputFromMesh(base)
    const weights = computeWeights(expected)
    for (let seed = 1; seed <= 15; seed++) {
      const input = scoringInputFromMesh({
        manifests: shuffle(base.manifests, seed),
        commitments: shuffle(base.commitments, seed + 100),
        metagraph: shuffle(base.metagraph, seed + 200),
        results: shuffle(base.results, seed + 300),
      })
      expect(input, `shuffle ${seed}`).toEqual(expected)
      expect(JSON.stringify(input), `shuffle ${seed}`).toBe(JSON.stringify(expected))
      expect(computeWeights(input).inputsDigest, `shuffle ${seed}`).toBe(weights.inputsDigest)
    }
  })
})

describe('end to end: three validators, two miners, computeWeights', () => {
  it('one heavy validator cannot sink a miner with policy failures nobody reproduces', () => {
    const input = scoringInputFromMesh(world())
    const out = computeWeights(input)
    const weight = (uid: number) => out.miners.find((m) => m.uid === uid)?.weight ?? 0
    expect(weight(3)).toBeGreaterThan(0.5)
    expect(weight(3)).toBeGreaterThan(weight(4))
    expect(out.weights.values.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12)

    // Control: the same messages scored from the signed summaries (no reproduction rule). Validator 2's
    // majority stake then sets miner 0's medians to 0 and the weak miner takes over.
    const naive: ScoringInput = {
      ...input,
      results: world().results.flatMap((r) =>
        (r.result.summary?.perEnv ?? []).map((s) => ({
          validator: r.validator,
          stake: Number(metagraph.find((n) => n.hotkey === r.validator)?.stake),
          miner: miners.find((m) => r.result.minerHotkey.every((b, i) => b === m.key[i]))?.hotkey as string,
          competitionId: r.result.competitionId,
          envId: s.envId,
          successRate: s.successRate,
          episodes: s.episodes,
          avgReward: s.meanReward,
          block: r.result.block,
        })),
      ),
    }
    const control = computeWeights(naive)
    const controlWeight = (uid: number) => control.miners.find((m) => m.uid === uid)?.weight ?? 0
    expect(controlWeight(3)).toBeLessThan(controlWeight(4))
  })

  it('a policy failure two validators reproduce does lower the miner', () => {
    const crash = { 0: { error: 'policy_crashed' }, 1: { error: 'policy_crashed' }, 4: { error: 'policy_crashed' } }
    const w = world()
    const input = scoringInputFromMesh({
      ...w,
      results: [
        replica(0, 0, episodes(0, crash)),
        replica(1, 0, episodes(0, crash)),
        replica(2, 0, episodes(0, crash)),
        ...w.results.filter((r) => r.result.minerHotkey[0] === miners[1]?.key[0]),
      ],
    })
    for (const v of [0, 1, 2]) {
      expect(resultFor(input, v, 0, ENVS[0]), `validator ${v}`).toMatchObject({ successRate: 0.5, episodes: 4 })
      expect(resultFor(input, v, 0, ENVS[1]), `validator ${v}`).toMatchObject({ successRate: 0.75, episodes: 4 })
    }
    expect(() => computeWeights(input)).not.toThrow()
  })
})
