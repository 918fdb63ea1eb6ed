/**
 * Per-task pieces of a subset explanation: the miner against one opponent on one task, and what it takes
 * to hold a task against the whole field.
 */
import type { EnvScore } from '../types.js'
import { figures, type PairRule, smallestSuccesses } from './rules.js'
import type { PairRelation, TaskComparison, TaskRequirement } from './types.js'

/** A miner as the first-commit rule orders it. Unregistered miners get uid +∞ (they never contend). */
export interface Placed {
  hotkey: string
  uid: number
  block: number
  scores: ReadonlyMap<string, EnvScore>
}

/** True when `a` comes before `b` in commit order (block, then uid). */
export function ahead(a: Placed, b: Placed): boolean {
  return a.block < b.block || (a.block === b.block && a.uid < b.uid)
}

/** How the rule pairs `me` with `other` (see {@link PairRelation}). */
export function relationOf(me: Placed, other: Placed): PairRelation {
  if (other.block < me.block) return 'earlier'
  return other.block === me.block && other.uid < me.uid ? 'same-block' : 'later'
}

/** The most episodes anyone has on `envId`, else what the strategy assumes. */
export function typicalEpisodes(field: readonly Placed[], envId: string, rule: PairRule): number {
  let most = 0
  for (const m of field) most = Math.max(most, m.scores.get(envId)?.episodes ?? 0)
  return most > 0 ? most : rule.defaultEpisodes(envId)
}

/** The miner's episodes on `envId`, or the field's typical count when it has none. */
export function episodesOf(me: Placed, field: readonly Placed[], envId: string, rule: PairRule): number {
  const own = me.scores.get(envId)?.episodes ?? 0
  return own > 0 ? own : typicalEpisodes(field, envId, rule)
}

/** `me` against `other` on one task, both directions. */
export function compareOn(
  rule: PairRule,
  envId: string,
  me: Placed,
  other: Placed,
  field: readonly Placed[],
): TaskComparison {
  const mine = me.scores.get(envId)
  const theirs = other.scores.get(envId)
  const relation = relationOf(me, other)
  const minerBar = rule.bar(theirs, envId, episodesOf(me, field, envId, rule))
  const otherBar = rule.bar(mine, envId, episodesOf(other, field, envId, rule))
  const minerClears = rule.beats(mine, theirs, envId)
  const otherClears = rule.beats(theirs, mine, envId)
  const rate = mine?.successRate ?? 0
  const otherRate = theirs?.successRate ?? 0
  const earlier = relation === 'earlier'
  return {
    envId,
    rate,
    otherRate,
    otherEpisodes: theirs?.episodes ?? 0,
    minerBar,
    minerClears,
    otherBar,
    otherClears,
    favorable: earlier ? minerClears : !otherClears,
    margin: earlier ? rate - minerBar.rate : otherBar.rate - otherRate,
  }
}

interface Constraint {
  hotkey: string | null
  /** Does the miner, with these figures, satisfy it? */
  ok(f: EnvScore | undefined): boolean
}

/**
 * What holding `envId` takes: clear the bar of every miner ahead in commit order (beating a same-block
 * miner with a lower uid also wins the tie), stay below the reach of every miner behind, and (v2) be
 * eligible. Meeting this on every task of a subset is enough to win it.
 */
export function requirementOn(rule: PairRule, envId: string, me: Placed, field: readonly Placed[]): TaskRequirement {
  const n = episodesOf(me, field, envId, rule)
  const constraints: Constraint[] = []
  for (const o of field) {
    if (o.hotkey === me.hotkey) continue
    const theirs = o.scores.get(envId)
    if (ahead(o, me)) constraints.push({ hotkey: o.hotkey, ok: (f) => rule.beats(f, theirs, envId) })
    else constraints.push({ hotkey: o.hotkey, ok: (f) => !rule.beats(theirs, f, envId) })
  }
  if (rule.hasFloor) constraints.push({ hotkey: null, ok: (f) => rule.eligible(f) })

  const at = (s: number) => figures(s, n)
  const needed = smallestSuccesses(n, (s) => constraints.every((c) => c.ok(at(s))))
  // The binding opponent: the one whose comparison alone asks for the most successes (unreachable = most).
  let binding: string | null = null
  let most = 0
  for (const c of constraints) {
    const alone = smallestSuccesses(n, (s) => c.ok(at(s))) ?? Number.POSITIVE_INFINITY
    if (alone > most && c.hotkey !== null) {
      most = alone
      binding = c.hotkey
    }
  }
  const mine = me.scores.get(envId)
  const neededRate = needed === null ? null : at(needed).successRate
  return {
    envId,
    episodes: n,
    neededRate,
    neededSuccesses: needed,
    bindingHotkey: binding,
    holds: mine !== undefined && constraints.every((c) => c.ok(mine)),
    margin: neededRate === null ? null : (mine?.successRate ?? 0) - neededRate,
    challengerBar: rule.bar(mine, envId, n),
  }
}
