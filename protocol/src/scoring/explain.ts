/**
 * Why a miner scored what it did: for one miner in one competition, the comparison that decided its points
 * and what it would take to change them, computed from the same input and output every peer scores with.
 * Pure and plain data; the indexer serves it (`/v1/miners/:hotkey/explain`) and `kinitro miner explain`
 * words it.
 */
import { aggregateResults } from './aggregate.js'
import { UNKNOWN_COMMIT_BLOCK } from './constants.js'
import type { Placed } from './explain/pairs.js'
import { pairRule } from './explain/rules.js'
import { explainSubset } from './explain/subset.js'
import type { StandingExplanation, StandingStatus, TaskFigures } from './explain/types.js'
import { explainWta, type WtaReport } from './explain/wta.js'
import { wilson } from './stats.js'
import type { WtaLeader, WtaV0Params } from './strategies/kinitro-wta-v0.js'
import type { CompetitionReport, CompetitionSpec, EnvScore, MinerEntry, ScoringInput, ScoringOutput } from './types.js'

export type * from './explain/types.js'

interface Context {
  input: ScoringInput
  output: ScoringOutput
  aggregated: ReturnType<typeof aggregateResults>
  uidOf: Map<string, number>
  blockOf: Map<string, number>
}

function contextOf(input: ScoringInput, output: ScoringOutput): Context {
  return {
    input,
    output,
    aggregated: aggregateResults(input.results),
    uidOf: new Map(input.metagraph.map((n) => [n.hotkey, n.uid])),
    blockOf: new Map(input.commitments.map((c) => [c.hotkey, c.block])),
  }
}

/** The competition's miners as `computeWeights` hands them to the strategy. */
function minersOf(ctx: Context, spec: CompetitionSpec): MinerEntry[] {
  const out: MinerEntry[] = []
  for (const [hotkey, byEnv] of ctx.aggregated.get(spec.id) ?? []) {
    const scores = new Map<string, EnvScore>()
    for (const e of spec.envIds) {
      const s = byEnv.get(e)
      if (s) scores.set(e, s)
    }
    if (scores.size === 0) continue
    out.push({ hotkey, uid: ctx.uidOf.get(hotkey) ?? null, block: blockOf(ctx, hotkey), scores })
  }
  return out
}

function blockOf(ctx: Context, hotkey: string): number {
  return ctx.blockOf.get(hotkey) ?? UNKNOWN_COMMIT_BLOCK
}

function taskFigures(envId: string, s: EnvScore | undefined): TaskFigures {
  if (s === undefined) {
    return { envId, evaluated: false, successRate: 0, episodes: 0, successes: 0, interval: wilson(0, 0), validators: 0 }
  }
  const successes = Math.min(s.episodes, Math.round(s.successRate * s.episodes))
  return {
    envId,
    evaluated: true,
    successRate: s.successRate,
    episodes: s.episodes,
    successes,
    interval: wilson(successes, s.episodes),
    validators: s.validators,
  }
}

const placed = (m: MinerEntry): Placed => ({
  hotkey: m.hotkey,
  // Unregistered miners never contend; +∞ puts one after everyone in the same block.
  uid: m.uid ?? Number.POSITIVE_INFINITY,
  block: m.block,
  scores: m.scores,
})

function explainIn(
  ctx: Context,
  hotkey: string,
  spec: CompetitionSpec,
  report: CompetitionReport,
): StandingExplanation {
  const miners = minersOf(ctx, spec)
  const me: MinerEntry = miners.find((m) => m.hotkey === hotkey) ?? {
    hotkey,
    uid: ctx.uidOf.get(hotkey) ?? null,
    block: blockOf(ctx, hotkey),
    scores: new Map(),
  }
  const line = ctx.output.miners.find((m) => m.hotkey === hotkey)
  const base = {
    competitionId: spec.id,
    strategy: report.strategy,
    hotkey,
    uid: me.uid,
    commitBlock: me.block === UNKNOWN_COMMIT_BLOCK ? null : me.block,
    points: line?.pointsByCompetition[spec.id] ?? 0,
    weight: line?.weight ?? 0,
    tasks: spec.envIds.map((e) => taskFigures(e, me.scores.get(e))),
  }

  const rule = pairRule(report.strategy, report.params)
  if (rule !== undefined) {
    const contenders = miners
      .filter((m) => m.uid !== null)
      .map(placed)
      .sort((a, b) => a.block - b.block || a.uid - b.uid)
    const subset = explainSubset(rule, { envIds: spec.envIds, contenders }, placed(me))
    let status: StandingStatus
    if (me.uid === null) status = 'unregistered'
    else if (me.scores.size === 0) status = 'not-evaluated'
    else if (subset.subsets.won === subset.subsets.total) status = 'wins-all'
    else status = subset.subsets.won > 0 ? 'wins-some' : 'wins-none'
    return { ...base, status, subset, wta: null }
  }
  if (report.strategy === 'kinitro-wta-v0') {
    const state = ctx.output.state['kinitro-wta-v0'] as { leaders?: Record<string, WtaLeader | null> } | undefined
    const { status, wta } = explainWta(
      report.params as WtaV0Params,
      spec.envIds,
      miners,
      me,
      (report.details as WtaReport | null) ?? null,
      state?.leaders?.[spec.id] ?? null,
    )
    return { ...base, status, subset: null, wta }
  }
  // Every registered strategy is handled above; a new one explains nothing until it is added here.
  return { ...base, status: me.scores.size === 0 ? 'not-evaluated' : 'eligible', subset: null, wta: null }
}

/**
 * Why `hotkey` scored what it did in `competitionId`: its per-task figures and, by strategy, the
 * comparisons that decided its points (subset strategies: the first-commit comparisons against each
 * opponent that cost it subsets, and per task the rate that would hold it; winner-take-all: thresholds and
 * the leader rule) and what a challenger would need against it.
 *
 * @param input - the scoring input `output` was computed from.
 * @returns undefined when the competition is not in both input and output.
 * @example
 * ```ts
 * const out = computeWeights(input)
 * const why = explainStanding(input, out, '5F…', 'reach')
 * why?.subset?.decisive // { opponent, envId, rate, bar, margin, favorable, … }
 * ```
 */
export function explainStanding(
  input: ScoringInput,
  output: ScoringOutput,
  hotkey: string,
  competitionId: string,
): StandingExplanation | undefined {
  const spec = input.competitions.find((c) => c.id === competitionId)
  const report = output.competitions.find((c) => c.id === competitionId)
  if (spec === undefined || report === undefined) return undefined
  return explainIn(contextOf(input, output), hotkey, spec, report)
}

/**
 * {@link explainStanding} for every competition the miner has a result in (every competition when it has
 * none yet, so a new miner sees what each would take), in competition id order.
 */
export function explainMiner(input: ScoringInput, output: ScoringOutput, hotkey: string): StandingExplanation[] {
  const ctx = contextOf(input, output)
  const specs = [...input.competitions].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
  const entered = specs.filter((s) => {
    const byEnv = ctx.aggregated.get(s.id)?.get(hotkey)
    return byEnv !== undefined && s.envIds.some((e) => byEnv.has(e))
  })
  const out: StandingExplanation[] = []
  for (const spec of entered.length > 0 ? entered : specs) {
    const report = output.competitions.find((c) => c.id === spec.id)
    if (report !== undefined) out.push(explainIn(ctx, hotkey, spec, report))
  }
  return out
}
