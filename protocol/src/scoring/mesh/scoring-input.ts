import { ss58FromPublicKey } from '../../identity/hotkey.js'
import { CompetitionManifest, type EpisodeRecord } from '../../proto/kinitro.js'
import { DEFAULT_STRATEGY_ID } from '../strategies/registry.js'
import type { CompetitionSpec, ScoringInput, ValidatorResult } from '../types.js'
import { byString, hexOf } from './latest.js'
import { ownerDecisions, reruns, supersededBy } from './owner.js'
import { applyReproductionRule } from './reproduction.js'
import type { MeshScoringInit } from './types.js'

/**
 * A manifest as scoring sees it: id, strategy (the default when the manifest names none), numeric
 * params (key-sorted), environments in task order without repeats, points.
 */
export function competitionFromManifest(m: CompetitionManifest): CompetitionSpec {
  const params = [...(m.scoring?.params ?? new Map<string, number>())].sort(([a], [b]) => byString(a, b))
  return {
    id: m.id,
    strategy: m.scoring?.strategy || DEFAULT_STRATEGY_ID,
    params: Object.fromEntries(params),
    envIds: [...new Set(m.tasks.map((t) => t.envId))],
    points: m.points,
  }
}

/** One manifest per id: the highest block; at equal blocks the smaller encoding, so arrival order never decides. */
function latestManifests(manifests: readonly CompetitionManifest[]): CompetitionManifest[] {
  const byId = new Map<string, { m: CompetitionManifest; hex: string }>()
  for (const m of manifests) {
    const hex = hexOf(CompetitionManifest.encode(m))
    const prev = byId.get(m.id)
    if (prev === undefined || m.block > prev.m.block || (m.block === prev.m.block && hex < prev.hex)) {
      byId.set(m.id, { m, hex })
    }
  }
  return [...byId.values()].map((e) => e.m)
}

function toNumber(stake: bigint | number): number {
  // Rao beyond 2^53 rounds, but the same way on every peer; the median only needs relative weight.
  return typeof stake === 'bigint' ? Number(stake) : stake
}

function figures(validator: string, stake: number, miner: string, competitionId: string, block: number) {
  return (envId: string, episodes: readonly EpisodeRecord[]): ValidatorResult => {
    let successes = 0
    let rewardSum = 0
    // Episodes arrive sorted by index, so the sum's order (and its rounding) is the same on every peer.
    for (const e of episodes) {
      if (e.success) successes++
      rewardSum += e.totalReward
    }
    const n = episodes.length
    return {
      validator,
      stake,
      miner,
      competitionId,
      envId,
      successRate: successes / n,
      episodes: n,
      avgReward: rewardSum / n,
      block,
    }
  }
}

const resultOrder = (a: ValidatorResult, b: ValidatorResult) =>
  byString(a.competitionId, b.competitionId) ||
  byString(a.miner, b.miner) ||
  byString(a.envId, b.envId) ||
  byString(a.validator, b.validator) ||
  (a.block ?? 0) - (b.block ?? 0) ||
  // Two jobs of one validator for one miner at one block (rare): order by figures so input order never shows.
  a.successRate - b.successRate ||
  a.episodes - b.episodes ||
  (a.avgReward ?? 0) - (b.avgReward ?? 0)

/**
 * The {@link ScoringInput} every validator node and the indexer build from the same accepted mesh
 * messages, so `computeWeights` gives them all the same weights and digest (design §6).
 *
 * - Competitions: from the manifests (highest block per id), see {@link competitionFromManifest}.
 * - Results: each validator's latest result per job; episodes filtered by {@link applyReproductionRule};
 *   per (validator, miner, competition, environment) success rate, episode count and mean reward are
 *   recomputed from the counted episode records (the signed summary is not trusted: it covers every
 *   episode, including those the rule leaves out). An environment with no counted episode yields no
 *   result for that validator. The result's `block` travels along, so of a validator's several jobs for
 *   one miner (cycles) the latest counts.
 * - Results of validators absent from the metagraph, for competitions without a manifest, or for
 *   environments outside the competition, are dropped before the rule (they corroborate nothing).
 * - Stake per validator and the `{uid, hotkey}` metagraph come from `metagraph`.
 * - Owner actions: approvals and rejections become `state['kinitro-wta-v0']` (`approvals`, `rejected`; see
 *   `ownerDecisions`); once a re-run has a counted result, older results for its (competition, miner,
 *   env) stop counting (`supersededBy`), so the re-run decides the next weights.
 *
 * Pure and deterministic: every list is sorted, so any input order gives a deep-equal output.
 *
 * @example
 * ```ts
 * const input = scoringInputFromMesh({ manifests, commitments, metagraph, results })
 * const out = computeWeights(input)
 * ```
 */
export function scoringInputFromMesh(init: MeshScoringInit): ScoringInput {
  const competitions = latestManifests(init.manifests)
    .map(competitionFromManifest)
    .sort((a, b) => byString(a.id, b.id))
  const envsOf = new Map(competitions.map((c) => [c.id, new Set(c.envIds)]))
  const stakeOf = new Map(init.metagraph.map((n) => [n.hotkey, toNumber(n.stake)]))

  const eligible = init.results.filter((r) => stakeOf.has(r.validator) && envsOf.has(r.result.competitionId))
  const reproduced = applyReproductionRule(eligible)
  const superseded = supersededBy(reruns(init.ownerActions ?? []), reproduced)
  const results: ValidatorResult[] = []
  for (const r of reproduced) {
    const { competitionId, minerHotkey, block } = r.result
    const miner = ss58FromPublicKey(minerHotkey)
    const envs = envsOf.get(competitionId) as Set<string>
    const byEnv = new Map<string, EpisodeRecord[]>()
    for (const e of r.counted) {
      if (!envs.has(e.envId) || superseded(r, miner, e.envId)) continue
      const list = byEnv.get(e.envId)
      if (list === undefined) byEnv.set(e.envId, [e])
      else list.push(e)
    }
    const make = figures(r.validator, stakeOf.get(r.validator) as number, miner, competitionId, block)
    for (const [envId, episodes] of byEnv) results.push(make(envId, episodes))
  }

  return {
    competitions,
    commitments: [...init.commitments]
      .map((c) => ({ hotkey: c.hotkey, block: c.block }))
      .sort((a, b) => byString(a.hotkey, b.hotkey) || a.block - b.block),
    results: results.sort(resultOrder),
    metagraph: [...init.metagraph].map((n) => ({ uid: n.uid, hotkey: n.hotkey })).sort((a, b) => a.uid - b.uid),
    state: withOwnerDecisions(init.state ?? {}, init.ownerActions ?? []),
  }
}

/**
 * The carried state plus the owner's approvals and rejections for `kinitro-wta-v0`. Without any, the state
 * is passed through unchanged (so inputs, and their digest, stay what they were before owner actions).
 */
function withOwnerDecisions(
  state: Record<string, unknown>,
  actions: MeshScoringInit['ownerActions'] & object,
): Record<string, unknown> {
  const { approvals, rejected } = ownerDecisions(actions)
  if (approvals.length === 0 && rejected.length === 0) return { ...state }
  const carried = (state[WTA_V0] ?? {}) as Record<string, unknown>
  return { ...state, [WTA_V0]: { ...carried, approvals, rejected } }
}

const WTA_V0 = 'kinitro-wta-v0'
