import { aggregateResults } from './aggregate.js'
import { UNKNOWN_COMMIT_BLOCK } from './constants.js'
import { digestOf } from './digest.js'
import { ScoringError, type ScoringIssue } from './errors.js'
import { type ParsedScoringInput, scoringInputSchema } from './input-schema.js'
import { getStrategy } from './strategies/registry.js'
import {
  combineByPoints,
  type ScoringStrategy,
  type StrategyCompetition,
  type StrategyResult,
  toIssues,
} from './strategies/strategy.js'
import type { EnvScore, MinerEntry, MinerScore, ScoringInput, ScoringOutput, WeightVector } from './types.js'
import { toSubtensorU16 } from './u16.js'

type Resolved = StrategyCompetition<unknown> & { strategy: ScoringStrategy }

const byString = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0)

/**
 * The one scoring entry point every validator and the indexer call (design.md §6): competitions with their
 * strategy and params, commitments with blocks, per-(miner, env) results from several validators with their
 * stake, and the metagraph → points, float weights, u16 weights and a digest of the inputs.
 *
 * Steps: validate; stake-weighted median per (competition, miner, env) (`aggregateResults`); group
 * competitions by strategy and let each strategy score its group; mix groups by their share of competition
 * points; convert to u16 over every metagraph uid (`toSubtensorU16`). Pure and deterministic: input order
 * never matters.
 *
 * @throws {@link ScoringError} `SCORING_INPUT_INVALID`, `SCORING_UNKNOWN_STRATEGY`, `SCORING_PARAMS_INVALID`,
 * or whatever a strategy throws (`SCORING_TOO_MANY_ENVS`, `SCORING_STATE_INVALID`, …).
 * @example
 * ```ts
 * const out = computeWeights({
 *   competitions: [{ id: 'reach', strategy: 'kinitro-subset-v1', envIds: ['reach-v0'] }],
 *   commitments: [{ hotkey: 'm1', block: 100 }],
 *   results: [{ validator: 'v1', stake: 1, miner: 'm1', competitionId: 'reach', envId: 'reach-v0', successRate: 0.8, episodes: 50 }],
 *   metagraph: [{ uid: 0, hotkey: 'v1' }, { uid: 1, hotkey: 'm1' }],
 * })
 * out.weights // { uids: [1], values: [1] }
 * ```
 */
export function computeWeights(input: ScoringInput): ScoringOutput {
  // Parse fast; only on failure parse again reporting the offending values (it doubles the cost).
  const parsed = scoringInputSchema.safeParse(input)
  if (!parsed.success) fail(toIssues(scoringInputSchema.safeParse(input, { reportInput: true }).error ?? parsed.error))
  const data = parsed.data
  checkUnique(data)
  const metagraph = [...data.metagraph].sort((a, b) => a.uid - b.uid)
  const competitions = resolve(data)
  const inputsDigest = digestInputs(data, competitions)

  const aggregated = aggregateResults(data.results)
  const uidOf = new Map(metagraph.map((n) => [n.hotkey, n.uid]))
  const blockOf = new Map(data.commitments.map((c) => [c.hotkey, c.block]))
  for (const c of competitions) {
    const entries: MinerEntry[] = []
    for (const [hotkey, byEnv] of aggregated.get(c.id) ?? []) {
      const scores = new Map<string, EnvScore>()
      for (const e of c.envIds) {
        const s = byEnv.get(e)
        if (s) scores.set(e, s)
      }
      if (scores.size === 0) continue
      entries.push({
        hotkey,
        uid: uidOf.get(hotkey) ?? null,
        block: blockOf.get(hotkey) ?? UNKNOWN_COMMIT_BLOCK,
        scores,
      })
    }
    entries.sort((a, b) => (a.uid ?? Infinity) - (b.uid ?? Infinity) || byString(a.hotkey, b.hotkey))
    c.miners = entries
  }

  const groups = new Map<string, Resolved[]>()
  for (const c of competitions) groups.set(c.strategy.id, [...(groups.get(c.strategy.id) ?? []), c])
  const runs: Array<{ strategy: ScoringStrategy; comps: Resolved[]; result: StrategyResult }> = []
  for (const id of [...groups.keys()].sort(byString)) {
    const comps = groups.get(id) as Resolved[]
    const strategy = (comps[0] as Resolved).strategy
    runs.push({ strategy, comps, result: strategy.score({ competitions: comps, metagraph, state: data.state[id] }) })
  }

  const combined = combineByPoints(
    runs.map((r) => ({ points: r.comps.reduce((s, c) => s + c.points, 0), weights: r.result.weights })),
  )
  const uids = [...combined.keys()].sort((a, b) => a - b)
  const weights: WeightVector = { uids, values: uids.map((u) => combined.get(u) as number) }
  const u16 = chainVector(
    combined,
    metagraph.map((n) => n.uid),
  )
  const u16ByUid = new Map(u16.uids.map((u, i) => [u, u16.values[i] as number]))

  const state: Record<string, unknown> = { ...data.state }
  for (const r of runs) if (r.result.state !== undefined) state[r.strategy.id] = r.result.state
  const out: ScoringOutput = {
    inputsDigest,
    miners: minerLines(runs, competitions, metagraph, combined, u16ByUid),
    weights,
    u16,
    competitions: competitions.map((c) => {
      const run = runs.find((r) => r.strategy === c.strategy)
      return {
        id: c.id,
        strategy: c.strategy.id,
        params: c.params,
        points: c.points,
        details: run?.result.details.get(c.id) ?? null,
      }
    }),
    state,
  }
  const only = runs.length === 1 ? runs[0]?.strategy : undefined
  if (only?.referenceU16 && combined.size > 0) out.u16Reference = only.referenceU16(combined)
  return out
}

function resolve(data: ParsedScoringInput): Resolved[] {
  return [...data.competitions]
    .sort((a, b) => byString(a.id, b.id))
    .map((c) => {
      const strategy = getStrategy(c.strategy, c.id)
      const params = strategy.paramsSchema.safeParse(c.params ?? {}, { reportInput: true })
      if (!params.success) {
        throw new ScoringError(
          { code: 'SCORING_PARAMS_INVALID', competitionId: c.id, strategy: c.strategy, issues: toIssues(params.error) },
          `invalid ${c.strategy} params for competition ${c.id}: ${toIssues(params.error)
            .map((i) => `${i.path}: ${i.message}`)
            .join('; ')}`,
        )
      }
      return { id: c.id, envIds: c.envIds, points: c.points, params: params.data, miners: [], strategy }
    })
}

function digestInputs(data: ParsedScoringInput, competitions: Resolved[]): string {
  // Results dominate the input, so they are encoded as fixed-order tuples (one line each, sorted) rather
  // than key-sorted objects: same canonical guarantee, ~10× cheaper.
  const results = data.results
    .map((r) =>
      JSON.stringify([
        r.competitionId,
        r.miner,
        r.envId,
        r.validator,
        r.block ?? 0,
        r.successRate,
        r.episodes,
        r.avgReward ?? null,
        r.stake,
      ]),
    )
    .sort(byString)
  return digestOf(
    {
      v: 1,
      competitions: competitions.map((c) => ({
        id: c.id,
        strategy: c.strategy.id,
        params: c.params,
        envIds: c.envIds,
        points: c.points,
      })),
      commitments: [...data.commitments].sort((a, b) => byString(a.hotkey, b.hotkey)),
      metagraph: [...data.metagraph].sort((a, b) => a.uid - b.uid),
      state: data.state,
    },
    results,
  )
}

function chainVector(weights: Map<number, number>, metagraphUids: number[]): WeightVector {
  const known = new Set(metagraphUids)
  // A weight for a uid outside the metagraph (an absent owner uid) cannot be set on chain; drop it.
  const onChain = new Map([...weights].filter(([uid]) => known.has(uid)))
  if (![...onChain.values()].some((w) => w > 0)) return { uids: [], values: [] }
  return toSubtensorU16(onChain, metagraphUids)
}

function minerLines(
  runs: Array<{ result: StrategyResult }>,
  competitions: Resolved[],
  metagraph: ReadonlyArray<{ uid: number; hotkey: string }>,
  weights: Map<number, number>,
  u16: Map<number, number>,
): MinerScore[] {
  const uidOf = new Map(metagraph.map((n) => [n.hotkey, n.uid]))
  const hotkeys = new Set<string>()
  for (const c of competitions) for (const m of c.miners) hotkeys.add(m.hotkey)
  for (const n of metagraph) if ((weights.get(n.uid) ?? 0) > 0) hotkeys.add(n.hotkey)
  const lines = [...hotkeys].map((hotkey): MinerScore => {
    const uid = uidOf.get(hotkey) ?? null
    const byComp: Record<string, number> = {}
    let total = 0
    for (const r of runs) {
      for (const [comp, p] of r.result.points.get(hotkey) ?? []) {
        byComp[comp] = (byComp[comp] ?? 0) + p
        total += p
      }
    }
    return {
      hotkey,
      uid,
      points: total,
      pointsByCompetition: byComp,
      weight: uid === null ? 0 : (weights.get(uid) ?? 0),
      u16: uid === null ? 0 : (u16.get(uid) ?? 0),
    }
  })
  return lines.sort((a, b) => (a.uid ?? Infinity) - (b.uid ?? Infinity) || byString(a.hotkey, b.hotkey))
}

function checkUnique(data: ParsedScoringInput): void {
  const issues: ScoringIssue[] = []
  const dupes = <T>(items: readonly T[], key: (t: T) => string | number, path: string) => {
    const seen = new Set<string | number>()
    items.forEach((t, i) => {
      const k = key(t)
      if (seen.has(k)) issues.push({ path: `${path}[${i}]`, message: 'duplicate', value: k })
      seen.add(k)
    })
  }
  dupes(data.competitions, (c) => c.id, 'competitions')
  data.competitions.forEach((c, i) => {
    dupes(c.envIds, (e) => e, `competitions[${i}].envIds`)
  })
  dupes(data.metagraph, (n) => n.uid, 'metagraph')
  dupes(data.metagraph, (n) => n.hotkey, 'metagraph')
  dupes(data.commitments, (c) => c.hotkey, 'commitments')
  if (issues.length > 0) fail(issues)
}

function fail(issues: ScoringIssue[]): never {
  const summary = issues
    .slice(0, 5)
    .map((i) => `${i.path}: ${i.message}`)
    .join('; ')
  throw new ScoringError({ code: 'SCORING_INPUT_INVALID', issues }, `invalid scoring input: ${summary}`)
}
