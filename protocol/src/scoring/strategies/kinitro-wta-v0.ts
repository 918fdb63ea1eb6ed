/**
 * `kinitro-wta-v0`: the reference OLD generation (kinitro.md D.1; `src/backend/scoring_engine.py`,
 * `scoring/strategies.py`): one leader per competition takes `points / Σ points`, 98% of it burned to the
 * owner uid. Pure: admin approvals come in as state, candidates to review go out in the report.
 *
 * Quirks kept (kinitro.md K): a competition with no eligible result pays nobody, not even its approved
 * leader; a leader is paid whenever anyone is eligible, even without an eligible result of its own; a
 * hotkey leading two competitions is paid only by the first processed (its second share is lost, not
 * burned to the owner); scores of hotkeys missing from the metagraph go to the owner uid; an unknown task
 * type throws and stops the whole scoring run; `1 × (1 − 0.98)` stays `0.020000000000000018`; the owner
 * gets `max(0, 1 − Σ awarded)` even if its uid is not in the metagraph; u16 via fiber (`referenceU16`).
 *
 * Made deterministic where the reference was not: competitions are processed in id order (the reference had
 * no ORDER BY); equal results are ordered by commit block, then hotkey.
 *
 * Adaptation: the reference scored one result row per job; here a miner's competition result is the
 * episode-weighted mean over the competition's envs, and a miner missing an env has no metrics (ineligible).
 */
import { z } from 'zod'
import {
  OLD_BURN_PCT,
  OLD_MIN_AVG_REWARD,
  OLD_MIN_SUCCESS_RATE,
  OLD_OWNER_UID,
  OLD_WIN_MARGIN_PCT,
} from '../constants.js'
import { ScoringError } from '../errors.js'
import type { MinerEntry, Neuron } from '../types.js'
import { fiberQuantize } from '../u16.js'
import { addPoints, type ScoringStrategy, type StrategyCompetition, toIssues } from './strategy.js'

/** The only task type the reference registered a strategy for. */
export const RL_ROLLOUT = 'rl_rollout'

/** Parameters of `kinitro-wta-v0`; `burnPct` and `ownerUid` must agree across its competitions. */
export const wtaV0Params = z
  .object({
    /** 'approval' (OLD-2/3: admins approve candidates) or 'margin' (OLD-1: reward margin). @default 'approval' */
    mode: z.enum(['approval', 'margin']).default('approval'),
    /** Reference `task_type`; anything but rl_rollout throws, as it crashed the reference. @default 'rl_rollout' */
    taskType: z.string().default(RL_ROLLOUT),
    /** @default 1 */
    minSuccessRate: z.number().default(OLD_MIN_SUCCESS_RATE),
    /** @default 0 */
    minAvgReward: z.number().default(OLD_MIN_AVG_REWARD),
    /** Margin mode: a challenger needs reward > leader × (1 + this). @default 0.05 */
    winMarginPct: z.number().min(0).default(OLD_WIN_MARGIN_PCT),
    /** Fraction of each award burned to the owner; clamped to [0, 1]. @default 0.98 */
    burnPct: z.number().default(OLD_BURN_PCT),
    /** Uid receiving everything not awarded. @default 4 */
    ownerUid: z.number().int().min(0).max(65_535).default(OLD_OWNER_UID),
  })
  .strict()

/** Resolved `kinitro-wta-v0` parameters. */
export type WtaV0Params = z.output<typeof wtaV0Params>

const leaderSchema = z.object({
  hotkey: z.string(),
  reward: z.number().nullable().default(null),
  /** Success rate of the leader's most recently approved candidate (the challenge baseline). */
  approvedSuccessRate: z.number().nullable().default(null),
  approvedCandidateId: z.string().nullable().default(null),
})

/** Carried state: current leaders per competition, candidates approved since the last run (in order), rejections. */
export const wtaV0State = z
  .object({
    leaders: z.record(z.string(), leaderSchema.nullable()).default({}),
    approvals: z
      .array(
        z.object({
          competitionId: z.string(),
          candidateId: z.string(),
          hotkey: z.string(),
          avgReward: z.number().nullable(),
          successRate: z.number().nullable(),
        }),
      )
      .default([]),
    /**
     * Candidate ids the owner rejected: never reported as candidates again. Rejecting an approved candidate
     * also withdraws its approval (the caller leaves it out of `approvals`; `ownerDecisions` does).
     */
    rejected: z.array(z.string()).default([]),
  })
  .strict()

/** A competition leader. */
export type WtaLeader = z.output<typeof leaderSchema>

/** A result queued for admin review. */
export interface WtaCandidate {
  candidateId: string
  hotkey: string
  successRate: number
  avgReward: number
}

interface Row extends WtaCandidate {
  block: number
}

/** Episode-weighted means over every task; null when a task has none. The explanation reuses it. */
export function wtaMetrics(
  m: Pick<MinerEntry, 'scores'>,
  envIds: readonly string[],
): { successRate: number | null; avgReward: number | null } {
  let n = 0
  let sr = 0
  let ar = 0
  let rewards = true
  for (const e of envIds) {
    const s = m.scores.get(e)
    if (!s) return { successRate: null, avgReward: null }
    n += s.episodes
    sr += s.successRate * s.episodes
    if (s.avgReward === null) rewards = false
    else ar += s.avgReward * s.episodes
  }
  if (n === 0) return { successRate: null, avgReward: null }
  return { successRate: sr / n, avgReward: rewards ? ar / n : null }
}

function eligibleRows(comp: StrategyCompetition<WtaV0Params>): Row[] {
  const rows: Row[] = []
  for (const m of comp.miners) {
    const { successRate, avgReward } = wtaMetrics(m, comp.envIds)
    if (successRate === null || avgReward === null) continue
    if (successRate < comp.params.minSuccessRate || avgReward < comp.params.minAvgReward) continue
    rows.push({ candidateId: `${m.hotkey}@${m.block}`, hotkey: m.hotkey, successRate, avgReward, block: m.block })
  }
  const tie = (a: Row, b: Row) => a.block - b.block || (a.hotkey < b.hotkey ? -1 : a.hotkey > b.hotkey ? 1 : 0)
  if (comp.params.mode === 'margin')
    rows.sort((a, b) => b.avgReward - a.avgReward || b.successRate - a.successRate || tie(a, b))
  else rows.sort((a, b) => b.successRate - a.successRate || b.avgReward - a.avgReward || tie(a, b))
  return rows
}

/** Approval mode: who to queue for review (never a rejected one), and the leader with its reward refreshed. */
function approvalStep(
  rows: Row[],
  leader: WtaLeader | null,
  rejected: ReadonlySet<string>,
): { leader: WtaLeader | null; candidates: Row[] } {
  if (!leader) return { leader, candidates: rows.filter((r) => !rejected.has(r.candidateId)) }
  const baseline = leader.approvedSuccessRate ?? -1
  const best = rows.find((r) => r.hotkey === leader.hotkey)
  const next = best && best.avgReward !== leader.reward ? { ...leader, reward: best.avgReward } : leader
  const queued = rows.filter((r) => r.successRate > baseline)
  if (best && best.successRate >= baseline && best.candidateId !== leader.approvedCandidateId) queued.push(best)
  // One candidate per result id, first occurrence kept (the reference de-duplicated the same way).
  const unique = new Map<string, Row>()
  for (const r of queued) if (!unique.has(r.candidateId) && !rejected.has(r.candidateId)) unique.set(r.candidateId, r)
  return { leader: next, candidates: [...unique.values()] }
}

/** Margin mode (OLD-1): the best by reward takes over only with a margin. */
function marginStep(rows: Row[], leader: WtaLeader | null, margin: number): WtaLeader {
  const best = rows[0] as Row
  const take = { hotkey: best.hotkey, reward: best.avgReward, approvedSuccessRate: null, approvedCandidateId: null }
  if (!leader) return take
  if (best.hotkey === leader.hotkey) return { ...leader, reward: best.avgReward }
  if (leader.reward === null || best.avgReward > leader.reward * (1 + margin)) return take
  return leader
}

function globalParams(competitions: readonly StrategyCompetition<WtaV0Params>[]): { burn: number; owner: number } {
  const first = competitions[0]?.params
  for (const c of competitions) {
    if (c.params.burnPct !== first?.burnPct || c.params.ownerUid !== first?.ownerUid) {
      throw new ScoringError(
        {
          code: 'SCORING_PARAMS_INVALID',
          competitionId: c.id,
          strategy: 'kinitro-wta-v0',
          issues: [{ path: 'burnPct/ownerUid', message: 'must be equal in every kinitro-wta-v0 competition' }],
        },
        'kinitro-wta-v0 competitions disagree on burnPct or ownerUid',
      )
    }
  }
  return { burn: Math.max(0, Math.min(1, first?.burnPct ?? OLD_BURN_PCT)), owner: first?.ownerUid ?? OLD_OWNER_UID }
}

/** The reference OLD winner-take-all with thresholds, leaders and burn. */
export const kinitroWtaV0: ScoringStrategy<WtaV0Params> = {
  id: 'kinitro-wta-v0',
  description: 'reference OLD: one approved leader per competition, thresholds, 98% burn to the owner uid',
  paramsSchema: wtaV0Params,
  score(ctx) {
    const parsed = wtaV0State.safeParse(ctx.state ?? {})
    if (!parsed.success) {
      throw new ScoringError(
        { code: 'SCORING_STATE_INVALID', strategy: 'kinitro-wta-v0', issues: toIssues(parsed.error) },
        'invalid kinitro-wta-v0 state',
      )
    }
    const leaders: Record<string, WtaLeader | null> = { ...parsed.data.leaders }
    for (const a of parsed.data.approvals) {
      leaders[a.competitionId] = {
        hotkey: a.hotkey,
        reward: a.avgReward,
        approvedSuccessRate: a.successRate,
        approvedCandidateId: a.candidateId,
      }
    }
    const rejected = new Set(parsed.data.rejected)
    const { burn, owner } = globalParams(ctx.competitions)
    const totalPoints = ctx.competitions.reduce((s, c) => s + c.points, 0)
    const scores = new Map<string, number>()
    const points = new Map<string, Map<string, number>>()
    const details = new Map<string, unknown>()
    for (const comp of ctx.competitions) {
      if (comp.params.taskType !== RL_ROLLOUT) {
        throw new ScoringError(
          { code: 'SCORING_UNKNOWN_TASK_TYPE', competitionId: comp.id, taskType: comp.params.taskType },
          `no scoring strategy registered for task type ${comp.params.taskType}`,
        )
      }
      const rows = eligibleRows(comp)
      let candidates: Row[] = []
      let awarded = 0
      if (rows.length > 0) {
        const current = leaders[comp.id] ?? null
        if (comp.params.mode === 'margin') leaders[comp.id] = marginStep(rows, current, comp.params.winMarginPct)
        else ({ leader: leaders[comp.id], candidates } = approvalStep(rows, current, rejected))
        awarded = award(leaders[comp.id]?.hotkey, comp, totalPoints, burn, scores)
        if (awarded > 0) addPoints(points, leaders[comp.id]?.hotkey as string, comp.id, awarded)
      }
      details.set(comp.id, {
        eligible: rows.map((r) => r.hotkey),
        candidates: candidates.map(({ block: _, ...c }) => c),
        leader: leaders[comp.id]?.hotkey ?? null,
        awarded,
      })
    }
    // Rejections stay in the carried state (only when there are any, so state without them is unchanged).
    const state = rejected.size === 0 ? { leaders } : { leaders, rejected: [...rejected].sort() }
    return { weights: toWeights(scores, ctx.metagraph, owner), points, details, state }
  },
  referenceU16(weights) {
    const uids = [...weights.keys()].sort((a, b) => a - b)
    return fiberQuantize(
      uids,
      uids.map((u) => weights.get(u) as number),
    )
  },
}

function award(
  hotkey: string | undefined,
  comp: StrategyCompetition<WtaV0Params>,
  totalPoints: number,
  burn: number,
  scores: Map<string, number>,
): number {
  if (!hotkey) return 0
  const base = totalPoints ? comp.points / totalPoints : 0
  if (base === 0 || scores.has(hotkey)) return 0
  const awarded = base * (1 - burn)
  if (awarded <= 0) return 0
  scores.set(hotkey, awarded)
  return awarded
}

/** `ScoringEngine.compute_weights`: map hotkeys to uids, give the owner the rest, zero everyone else. */
function toWeights(scores: Map<string, number>, metagraph: readonly Neuron[], owner: number): Map<number, number> {
  const uidOf = new Map(metagraph.map((n) => [n.hotkey, n.uid]))
  const weights = new Map<number, number>()
  for (const [hotkey, s] of scores) {
    const uid = uidOf.get(hotkey)
    if (uid !== undefined) weights.set(uid, s)
  }
  let total = 0
  for (const w of weights.values()) total += w
  const rest = Math.max(0, 1 - total)
  if (rest > 0) weights.set(owner, (weights.get(owner) ?? 0) + rest)
  for (const n of metagraph) if (!weights.has(n.uid)) weights.set(n.uid, 0)
  return weights
}
