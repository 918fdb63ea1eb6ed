import { type CompetitionSpec, computeWeights, type ScoringInput, type ValidatorResult, wilson } from '#protocol'
import type { CompetitionStanding, EnvStanding, ScoreSnapshot } from '../../../src/scores/types.js'
import type { Dataset } from './dataset.js'
import { type COMPETITIONS, RECEIVED_AT, STRATEGY } from './dataset-constants.js'

// The scores side of the API test world: what the scores service would publish for a dataset, from a real
// computeWeights run (stake-weighted medians of every result) and standings ranked the service's way.

/** The snapshot a scores service would publish for `d`: a real `computeWeights` run plus standings. */
export function scoreSnapshot(
  d: Dataset,
  comps: readonly (typeof COMPETITIONS)[number][],
  validators: number,
): ScoreSnapshot {
  const stakeOf = new Map(d.metagraph.neurons.map((n) => [n.hotkey, Number(n.stake / 1_000_000_000n)]))
  const results: ValidatorResult[] = d.results.flatMap((r) =>
    r.perEnv.map((e) => ({
      validator: r.validator,
      stake: stakeOf.get(r.validator) ?? 0,
      miner: r.minerHotkey,
      competitionId: r.competitionId,
      envId: e.envId,
      successRate: e.successRate,
      episodes: e.episodes,
      avgReward: e.meanReward,
      block: r.block,
    })),
  )
  const specs: CompetitionSpec[] = comps.map((c) => ({
    id: c.id,
    strategy: STRATEGY,
    envIds: [...c.envIds],
    points: c.points,
  }))
  // Scoring takes each miner's current commitment (the newest block).
  const latest = new Map<string, number>()
  for (const c of d.commitments) latest.set(c.minerHotkey, Math.max(c.block, latest.get(c.minerHotkey) ?? 0))
  const input: ScoringInput = {
    competitions: specs,
    commitments: [...latest].map(([hotkey, block]) => ({ hotkey, block })),
    results,
    metagraph: d.metagraph.neurons.map((n) => ({ uid: n.uid, hotkey: n.hotkey })),
  }
  const output = computeWeights(input)
  const competitions: CompetitionStanding[] = comps.map((c) => {
    const scored = new Map(output.miners.map((m) => [m.hotkey, m]))
    const entries = d.miners.map((hotkey) => {
      const envs: EnvStanding[] = c.envIds.map((envId) => {
        const rows = d.results.filter((r) => r.minerHotkey === hotkey && r.competitionId === c.id)
        const figures = rows.flatMap((r) => r.perEnv.filter((e) => e.envId === envId))
        const episodes = figures.reduce((a, e) => a + e.episodes, 0)
        const successes = figures.reduce((a, e) => a + e.successes, 0)
        const ci = wilson(successes, episodes)
        return {
          envId,
          successRate: episodes === 0 ? 0 : successes / episodes,
          episodes,
          successes,
          wilsonLow: ci.low,
          wilsonHigh: ci.high,
          validators,
        }
      })
      const s = scored.get(hotkey)
      return {
        hotkey,
        uid: s?.uid ?? null,
        points: s?.pointsByCompetition[c.id] ?? 0,
        weight: s?.weight ?? 0,
        u16: s?.u16 ?? 0,
        commitmentBlock: latest.get(hotkey) ?? null,
        envs,
      }
    })
    entries.sort((a, b) => b.points - a.points || b.weight - a.weight || (a.hotkey < b.hotkey ? -1 : 1))
    return {
      id: c.id,
      name: c.name,
      strategy: STRATEGY,
      points: c.points,
      entries: entries.map((e, i) => ({ ...e, rank: i + 1 })),
      details: output.competitions.find((r) => r.id === c.id)?.details ?? null,
    }
  })
  return { block: d.head, computedAt: RECEIVED_AT + 60_000, results: d.results.length, output, competitions }
}
