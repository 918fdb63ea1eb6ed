/**
 * `kinitro-wta-v0` explained: the miner's competition figures against the eligibility thresholds, then the
 * leader rule of the competition's mode (approval: beat the approved baseline to be queued for review;
 * margin: lead on reward by `winMarginPct`).
 */
import { type WtaLeader, type WtaV0Params, wtaMetrics } from '../strategies/kinitro-wta-v0.js'
import type { MinerEntry } from '../types.js'
import type { StandingStatus, WtaExplanation, WtaNeed } from './types.js'

/** What the strategy reported for the competition (its `details`) and the leader it carried forward. */
export interface WtaReport {
  eligible: string[]
  candidates: Array<{ hotkey: string }>
  leader: string | null
}

function need(metric: WtaNeed['metric'], value: number, strict: boolean, current: number | null): WtaNeed {
  const met = current !== null && (strict ? current > value : current >= value)
  return { metric, value, strict, current, met }
}

/** Explain `me` in one winner-take-all competition. */
export function explainWta(
  params: WtaV0Params,
  envIds: readonly string[],
  miners: readonly MinerEntry[],
  me: Pick<MinerEntry, 'hotkey' | 'scores'>,
  report: WtaReport | null,
  leaderState: WtaLeader | null,
): { status: StandingStatus; wta: WtaExplanation } {
  const mine = wtaMetrics(me, envIds)
  const missingTasks = envIds.filter((e) => !me.scores.has(e))
  const thresholds = [
    need('successRate', params.minSuccessRate, false, mine.successRate),
    need('avgReward', params.minAvgReward, false, mine.avgReward),
  ]
  const eligible = mine.successRate !== null && mine.avgReward !== null && thresholds.every((t) => t.met)
  const leaderHotkey = report?.leader ?? leaderState?.hotkey ?? null
  const leaderEntry = miners.find((m) => m.hotkey === leaderHotkey)
  const leaderFigures = leaderEntry ? wtaMetrics(leaderEntry, envIds) : { successRate: null, avgReward: null }
  const leader =
    leaderHotkey === null
      ? null
      : {
          hotkey: leaderHotkey,
          ...leaderFigures,
          approvedSuccessRate: leaderState?.approvedSuccessRate ?? null,
          reward: leaderState?.reward ?? null,
        }
  const isLeader = leaderHotkey === me.hotkey
  const queued = report?.candidates.some((c) => c.hotkey === me.hotkey) ?? false

  const needs = eligible ? [] : thresholds
  const challengerNeeds: WtaNeed[] = []
  if (params.mode === 'approval') {
    // A challenger is queued only above the approved baseline (−1 before any approval: anyone eligible).
    const baseline = leader?.approvedSuccessRate ?? null
    if (isLeader && baseline !== null) challengerNeeds.push(need('successRate', baseline, true, null))
    if (!isLeader && baseline !== null) needs.push(need('successRate', baseline, true, mine.successRate))
  } else {
    const others = miners.filter((m) => m.hotkey !== me.hotkey)
    if (isLeader && leader?.reward !== null && leader?.reward !== undefined) {
      challengerNeeds.push(need('avgReward', leader.reward * (1 + params.winMarginPct), true, null))
    } else if (!isLeader) {
      // Take over: be first by reward among the eligible (the leader included, at its current reward) and
      // past the reward the leader holds in state by the margin.
      let bar = leader?.reward == null ? Number.NEGATIVE_INFINITY : leader.reward * (1 + params.winMarginPct)
      for (const o of others) {
        const f = wtaMetrics(o, envIds)
        const ok =
          f.successRate !== null &&
          f.avgReward !== null &&
          f.successRate >= params.minSuccessRate &&
          f.avgReward >= params.minAvgReward
        if (ok) bar = Math.max(bar, f.avgReward as number)
      }
      if (Number.isFinite(bar)) needs.push(need('avgReward', bar, true, mine.avgReward))
    }
  }

  let status: StandingStatus
  if (me.scores.size === 0) status = 'not-evaluated'
  else if (isLeader) status = 'leader'
  else if (!eligible) status = 'ineligible'
  else if (queued) status = 'awaiting-approval'
  else status = 'eligible'
  return {
    status,
    wta: {
      mode: params.mode,
      successRate: mine.successRate,
      avgReward: mine.avgReward,
      eligible,
      missingTasks,
      leader,
      isLeader,
      queued,
      needs,
      approvalRequired: params.mode === 'approval' && !isLeader,
      challengerNeeds,
    },
  }
}
