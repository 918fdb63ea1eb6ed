/**
 * Subset strategies explained: rebuild the first-commit comparisons with the strategy's own rule, find the
 * winner of every subset with the same engine (`subsetWinners`), then, for each subset the miner does not
 * win, name every comparison that stands in its way.
 */
import { epsilonDominates, paretoEpsilon } from '../pareto.js'
import { subsetPoints } from '../strategies/strategy.js'
import { popcount, subsetWinners } from '../subsets.js'
import { compareOn, type Placed, relationOf, requirementOn } from './pairs.js'
import type { PairRule } from './rules.js'
import type { DecisiveComparison, SubsetDecider, SubsetExplanation, TaskComparison } from './types.js'

/** The competition as the strategy saw it: tasks in manifest order, registered miners with results. */
export interface SubsetField {
  envIds: readonly string[]
  /** Contenders in commit order (block, then uid). */
  contenders: readonly Placed[]
}

interface Tally {
  won: number
  points: number
  possible: number
  floor: number
  lost: Uint32Array
  sole: Uint32Array
  wonBy: Uint32Array
}

function beatsMatrix(rule: PairRule, field: SubsetField): { beats: Uint32Array; eligible?: Uint32Array } {
  const { envIds, contenders: c } = field
  const n = c.length
  const beats = new Uint32Array(n * n)
  const eligible = rule.hasFloor ? new Uint32Array(n) : undefined
  for (let i = 0; i < n; i++) {
    const mi = c[i] as Placed
    envIds.forEach((e, b) => {
      if (eligible && rule.eligible(mi.scores.get(e))) eligible[i] = (eligible[i] as number) | (1 << b)
    })
    for (let j = 0; j < n; j++) {
      if (i === j) continue
      const mj = c[j] as Placed
      let mask = 0
      envIds.forEach((e, b) => {
        if (rule.beats(mi.scores.get(e), mj.scores.get(e), e)) mask |= 1 << b
      })
      beats[i * n + j] = mask
    }
  }
  return eligible ? { beats, eligible } : { beats }
}

/** Walk every subset once: who won it and, when the miner (index m) did not, which comparisons failed. */
function tally(rule: PairRule, field: SubsetField, m: number): Tally {
  const n = field.contenders.length
  const k = field.envIds.length
  const full = (1 << k) - 1
  const { beats, eligible } = beatsMatrix(rule, field)
  const winners = n > 0 && k > 0 ? subsetWinners(field.contenders, beats, k, eligible) : new Int32Array(full + 1)
  const t: Tally = {
    won: 0,
    points: 0,
    possible: 0,
    floor: 0,
    lost: new Uint32Array(n),
    sole: new Uint32Array(n),
    wonBy: new Uint32Array(n),
  }
  const me = field.contenders[m]
  const mine = eligible ? (eligible[m] as number) : full
  for (let s = 1; s <= full; s++) {
    const w = winners[s] as number
    if (w >= 0) t.wonBy[w] = (t.wonBy[w] as number) + 1
    const p = subsetPoints(rule.scheme, popcount(s))
    t.possible += p
    if (me === undefined) continue
    if (w === m) {
      t.won++
      t.points += p
      continue
    }
    const belowFloor = (s & ~mine) !== 0
    if (belowFloor) t.floor++
    let failing = 0
    let last = -1
    for (let o = 0; o < n; o++) {
      if (o === m) continue
      // The two halves of the rule: beat every strictly earlier miner on all of S, and let no miner at or
      // after your block beat you on all of S.
      const fails =
        (field.contenders[o] as Placed).block < me.block
          ? ((beats[m * n + o] as number) & s) !== s
          : ((beats[o * n + m] as number) & s) === s
      if (fails) {
        t.lost[o] = (t.lost[o] as number) + 1
        failing++
        last = o
      }
    }
    if (belowFloor) continue
    if (failing === 1) t.sole[last] = (t.sole[last] as number) + 1
    else if (failing === 0 && w >= 0) {
      // Nothing failed, yet someone else won: a same-block miner with a lower uid went first.
      t.lost[w] = (t.lost[w] as number) + 1
      t.sole[w] = (t.sole[w] as number) + 1
    }
  }
  return t
}

/** The comparison nearest to flipping (smallest |margin|). */
function closest(list: readonly TaskComparison[]): TaskComparison | undefined {
  let best: TaskComparison | undefined
  for (const c of list) if (best === undefined || Math.abs(c.margin) < Math.abs(best.margin)) best = c
  return best
}

function decisiveOf(c: TaskComparison, opponent: string, relation: SubsetDecider['relation']): DecisiveComparison {
  return {
    opponent,
    relation,
    envId: c.envId,
    rate: c.rate,
    otherRate: c.otherRate,
    bar: relation === 'earlier' ? c.minerBar : c.otherBar,
    margin: c.margin,
    favorable: c.favorable,
  }
}

/** Who ε-Pareto dominates `me` (v1's report), with ε over the contenders in uid order as the strategy does. */
function dominators(rule: PairRule, field: SubsetField, me: Placed): string[] {
  const byUid = [...field.contenders].sort((a, b) => a.uid - b.uid)
  const row = (m: Placed) => field.envIds.map((e) => m.scores.get(e)?.successRate ?? 0)
  const rows = byUid.map(row)
  const eps = field.envIds.map((e, j) =>
    paretoEpsilon(
      rows.map((r) => r[j] as number),
      rule.defaultEpisodes(e),
    ),
  )
  const mine = row(me)
  return byUid.filter((o, i) => o !== me && epsilonDominates(rows[i] as number[], mine, eps)).map((o) => o.hotkey)
}

/**
 * Explain `me` under a subset strategy. `me` may be outside `field.contenders` (unregistered or not yet
 * evaluated): it then wins nothing, and the requirements say what holding each task would take from its
 * place in commit order.
 */
export function explainSubset(rule: PairRule, field: SubsetField, me: Placed): SubsetExplanation {
  const m = field.contenders.findIndex((c) => c.hotkey === me.hotkey)
  const t = tally(rule, field, m)
  const others = field.contenders.filter((c) => c.hotkey !== me.hotkey)
  const comparisons = (o: Placed) => field.envIds.map((e) => compareOn(rule, e, me, o, field.contenders))
  const deciders: SubsetDecider[] = []
  if (m >= 0) {
    field.contenders.forEach((o, i) => {
      const lost = t.lost[i] as number
      if (i === m || lost === 0) return
      deciders.push({
        hotkey: o.hotkey,
        uid: o.uid,
        block: o.block,
        relation: relationOf(me, o),
        subsetsLost: lost,
        sole: t.sole[i] as number,
        subsetsWon: t.wonBy[i] as number,
        comparisons: comparisons(o),
      })
    })
    // Most subsets first; then the ones fixing alone would win; then commit order.
    deciders.sort((a, b) => b.subsetsLost - a.subsetsLost || b.sole - a.sole || a.block - b.block || a.uid - b.uid)
  }

  let decisive: DecisiveComparison | null = null
  const top = deciders[0]
  if (top !== undefined) {
    const against = top.comparisons.filter((c) => !c.favorable)
    const c = closest(against.length > 0 ? against : top.comparisons)
    if (c) decisive = decisiveOf(c, top.hotkey, top.relation)
  } else if (m >= 0) {
    // Nobody takes a subset from it: report its thinnest lead over anyone.
    for (const o of others) {
      const c = closest(comparisons(o))
      if (c && (decisive === null || Math.abs(c.margin) < Math.abs(decisive.margin)))
        decisive = decisiveOf(c, o.hotkey, relationOf(me, o))
    }
  }

  const k = field.envIds.length
  const total = k === 0 ? 0 : (1 << k) - 1
  const ineligible = field.envIds.filter((e) => rule.hasFloor && !rule.eligible(me.scores.get(e)))
  return {
    position: m >= 0 ? m + 1 : null,
    contenders: field.contenders.length,
    subsets: { total, won: t.won, points: t.points, possiblePoints: t.possible },
    ineligibleTasks: ineligible,
    subsetsLostToFloor: t.floor,
    deciders,
    decisive,
    requirements: field.envIds.map((e) => requirementOn(rule, e, me, field.contenders)),
    epsilonDominatedBy: rule.pareto && m >= 0 ? dominators(rule, field, me) : rule.pareto ? [] : null,
  }
}
