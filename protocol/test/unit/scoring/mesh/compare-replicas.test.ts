import { toString as toHex } from 'uint8arrays/to-string'
import { describe, expect, it } from 'vitest'
import { compareReplicas, ScoringError } from '../../../../src/scoring/index.js'
import { filled } from '../../messages/fixtures.js'
import { episode, episodes, HEAD, hotkeyOf, replica, shuffle } from './helpers.js'

const hex = (fill: number) => toHex(filled(fill), 'base16')

describe('compareReplicas', () => {
  it('three identical replicas agree on every episode', () => {
    const report = compareReplicas([0, 1, 2].map((v) => replica(v, 0, episodes(0))))
    expect(report.validators).toEqual([hotkeyOf(0), hotkeyOf(1), hotkeyOf(2)].sort())
    expect(report.episodes).toHaveLength(8)
    expect({ agreed: report.agreed, diverged: report.diverged, unreplicated: report.unreplicated }).toEqual({
      agreed: 8,
      diverged: 0,
      unreplicated: 0,
    })
    for (const e of report.episodes) {
      expect(e.status, `episode ${e.episodeIndex}`).toBe('agree')
      expect(e.variants, `episode ${e.episodeIndex}`).toHaveLength(1)
      expect(e.variants[0]?.validators, `episode ${e.episodeIndex}`).toHaveLength(3)
      expect(e.missing, `episode ${e.episodeIndex}`).toEqual([])
    }
  })

  it('reports divergence with evidence: every distinct outcome and who reported it', () => {
    const honest = episodes(0)
    const report = compareReplicas([
      replica(0, 0, honest),
      replica(1, 0, honest),
      // Validator 2 ended episode 2 in another state and ran episode 5 for fewer steps.
      replica(2, 0, episodes(0, { 2: { hash: 0x77 }, 5: { steps: 90 } })),
    ])
    expect(report.diverged).toBe(2)
    expect(report.agreed).toBe(6)
    const e2 = report.episodes.find((e) => e.episodeIndex === 2)
    expect(e2).toEqual({
      episodeIndex: 2,
      seed: honest[2]?.seed.toString(),
      status: 'diverge',
      missing: [],
      variants: [
        {
          seed: honest[2]?.seed.toString(),
          finalStateHash: hex(0xa2),
          success: true,
          steps: 120,
          error: null,
          validators: [hotkeyOf(0), hotkeyOf(1)].sort(),
        },
        {
          seed: honest[2]?.seed.toString(),
          finalStateHash: hex(0x77),
          success: true,
          steps: 120,
          error: null,
          validators: [hotkeyOf(2)],
        },
      ],
    })
    const e5 = report.episodes.find((e) => e.episodeIndex === 5)
    expect(e5?.status).toBe('diverge')
    expect(e5?.variants.map((v) => v.steps)).toEqual([120, 90])
    // The evidence survives JSON (seeds are decimal strings, hashes hex), so the indexer can serve it as is.
    expect(JSON.parse(JSON.stringify(report))).toEqual(report)
  })

  it('a different seed for the same index is a divergence', () => {
    const other = episodes(0)
    other[3] = { ...(other[3] as (typeof other)[number]), seed: 42n }
    const report = compareReplicas([replica(0, 0, episodes(0)), replica(1, 0, other)])
    const e3 = report.episodes.find((e) => e.episodeIndex === 3)
    expect(e3?.status).toBe('diverge')
    expect(e3?.variants.map((v) => v.seed).sort()).toEqual(['42', episodes(0)[3]?.seed.toString()].sort())
  })

  it('replicas that ended the same way but name the policy failure differently agree', () => {
    const report = compareReplicas([
      replica(0, 0, episodes(0, { 1: { error: 'policy_timeout' } })),
      replica(1, 0, episodes(0, { 1: { error: 'policy_crashed' } })),
    ])
    const e1 = report.episodes.find((e) => e.episodeIndex === 1)
    expect(e1?.status).toBe('agree')
    expect(e1?.variants.map((v) => v.error).sort()).toEqual(['policy_crashed', 'policy_timeout'])
  })

  it('an episode only one validator reported is unreplicated, and the others are listed as missing', () => {
    const report = compareReplicas([replica(0, 0, episodes(0)), replica(1, 0, episodes(0).slice(0, 6))])
    expect(report.unreplicated).toBe(2)
    const e7 = report.episodes.find((e) => e.episodeIndex === 7)
    expect(e7?.status).toBe('unreplicated')
    expect(e7?.missing).toEqual([hotkeyOf(1)])
  })

  it("compares each validator's latest result: a re-run supersedes the first attempt", () => {
    const report = compareReplicas([
      replica(0, 0, episodes(0)),
      replica(1, 0, episodes(0, { 4: { hash: 0x55 } }), HEAD - 10),
      replica(1, 0, episodes(0), HEAD),
    ])
    expect(report.diverged).toBe(0)
    expect(report.validators).toHaveLength(2)
  })

  it('of two results at the same block, the one less favourable to the miner counts, whatever the order', () => {
    const kind = replica(1, 0, episodes(0))
    const harsh = replica(1, 0, episodes(0, { 6: { success: false } }))
    for (const order of [
      [kind, harsh],
      [harsh, kind],
    ]) {
      const report = compareReplicas([replica(0, 0, episodes(0)), ...order])
      expect(report.episodes.find((e) => e.episodeIndex === 6)?.status).toBe('diverge')
    }
  })

  it('refuses results of two jobs', () => {
    const err = (() => {
      try {
        compareReplicas([replica(0, 0, episodes(0)), replica(1, 1, episodes(1))])
      } catch (e) {
        return e
      }
      return undefined
    })()
    expect(err).toBeInstanceOf(ScoringError)
    expect((err as ScoringError).code).toBe('SCORING_INPUT_INVALID')
  })

  it('gives the same report for the same results in any order', () => {
    const results = [
      replica(0, 0, episodes(0, { 2: { hash: 0x77 }, 3: { error: 'policy_timeout' } })),
      replica(1, 0, episodes(0, { 3: { error: 'policy_crashed' } })),
      replica(2, 0, episodes(0, { 2: { hash: 0x78 } }).slice(1)),
      replica(2, 0, episodes(0), HEAD - 3),
    ]
    const expected = compareReplicas(results)
    for (let seed = 1; seed <= 20; seed++) {
      expect(compareReplicas(shuffle(results, seed)), `shuffle ${seed}`).toEqual(expected)
    }
  })

  it('treats empty input as an empty report', () => {
    expect(compareReplicas([])).toEqual({
      jobId: '',
      validators: [],
      episodes: [],
      agreed: 0,
      diverged: 0,
      unreplicated: 0,
    })
  })

  it('an episode with no hash (container-driven) agrees only with others without one', () => {
    const report = compareReplicas([
      replica(0, 0, [episode(0, 0, { hash: null })]),
      replica(1, 0, [episode(0, 0, { hash: null })]),
      replica(2, 0, [episode(0, 0)]),
    ])
    expect(report.episodes[0]?.status).toBe('diverge')
    expect(report.episodes[0]?.variants.map((v) => v.finalStateHash)).toEqual(['', hex(0xa0)])
  })
})
