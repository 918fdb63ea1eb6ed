import { toString as toHex } from 'uint8arrays/to-string'
import { describe, expect, it } from 'vitest'
import { openEnvelope, sealEnvelope } from '../../../../src/envelope/envelope.js'
import { candidateIdOf } from '../../../../src/messages/candidate-id.js'
import { rerunJobId } from '../../../../src/messages/jobs.js'
import { createOwnerAction, type OwnerActionInit } from '../../../../src/messages/owner-action.js'
import { createResult } from '../../../../src/messages/result.js'
import {
  computeWeights,
  type MeshNeuron,
  type MeshScoringInit,
  type ReplicaResult,
  scoringInputFromMesh,
} from '../../../../src/scoring/index.js'
import { ownerDecisions } from '../../../../src/scoring/mesh/owner.js'
import type { OwnerActionRecord } from '../../../../src/scoring/mesh/types.js'
import { filled, summarize } from '../../messages/fixtures.js'
import {
  COMPETITION,
  episodes,
  HEAD,
  hotkeyOf,
  manifest,
  miners,
  NETUID,
  replica,
  shuffle,
  validators,
} from './helpers.js'

const W = 'kinitro-wta-v0'
let seq = 0
/** An owner action record with a distinct (fake but well-formed) message id; `id` orders equal blocks. */
type Loose<T> = T extends unknown ? Omit<T, 'netuid' | 'competitionId'> & { competitionId?: string } : never
function rec(init: Loose<OwnerActionInit>, id?: number) {
  const action = createOwnerAction({ netuid: NETUID, competitionId: COMPETITION, ...init } as OwnerActionInit)
  return { id: toHex(filled(id ?? ++seq), 'base16'), action } satisfies OwnerActionRecord
}
const cand = (miner: number, block: number) => candidateIdOf(miners[miner]?.hotkey as string, block)

describe('ownerDecisions', () => {
  it('replays approvals and rejections in (block, message id) order, whatever the input order', () => {
    const actions = [
      rec({ action: 'approve', block: 10, candidateId: cand(0, 100), successRate: 0.5, avgReward: 1 }, 1),
      rec({ action: 'approve', block: 12, candidateId: cand(1, 200), successRate: 0.75, avgReward: 2 }, 2),
      // Same block as the previous one: the higher message id applies last and wins.
      rec({ action: 'approve', block: 12, candidateId: cand(0, 101), successRate: 0.8, avgReward: 3 }, 3),
      rec(
        { action: 'approve', block: 5, candidateId: cand(0, 1), successRate: 1, avgReward: 1, competitionId: 'other' },
        4,
      ),
      rec({ action: 'reject', block: 11, candidateId: cand(1, 300) }, 5),
    ]
    const expected = {
      approvals: [
        { competitionId: 'other', candidateId: cand(0, 1), hotkey: miners[0]?.hotkey, avgReward: 1, successRate: 1 },
        {
          competitionId: COMPETITION,
          candidateId: cand(0, 101),
          hotkey: miners[0]?.hotkey,
          avgReward: 3,
          successRate: 0.8,
        },
      ],
      rejected: [cand(1, 300)],
    }
    for (const seed of [1, 2, 3]) expect(ownerDecisions(shuffle(actions, seed))).toEqual(expected)
  })

  it('a rejection withdraws the approval of that candidate; a later approval lifts the rejection', () => {
    const approve = rec({ action: 'approve', block: 10, candidateId: cand(0, 100), successRate: 1, avgReward: 1 })
    const rejectIt = rec({ action: 'reject', block: 11, candidateId: cand(0, 100) })
    expect(ownerDecisions([approve, rejectIt])).toEqual({ approvals: [], rejected: [cand(0, 100)] })
    const again = rec({ action: 'approve', block: 12, candidateId: cand(0, 100), successRate: 1, avgReward: 1 })
    expect(ownerDecisions([rejectIt, again, approve]).rejected).toEqual([])
    // Re-runs decide nothing here.
    const rerun = rec({ action: 'rerun', block: 13, minerHotkey: miners[0]?.key as Uint8Array })
    expect(ownerDecisions([rerun])).toEqual({ approvals: [], rejected: [] })
  })
})

const RAO = 10n ** 9n
const metagraph: MeshNeuron[] = [
  { uid: 0, hotkey: hotkeyOf(0), stake: 100n * RAO },
  { uid: 1, hotkey: hotkeyOf(1), stake: 100n * RAO },
  { uid: 2, hotkey: hotkeyOf(2), stake: 100n * RAO },
  { uid: 3, hotkey: miners[0]?.hotkey as string, stake: 0n },
  { uid: 4, hotkey: miners[1]?.hotkey as string, stake: 0n },
]
const commitments = [
  { hotkey: miners[0]?.hotkey as string, block: 200 },
  { hotkey: miners[1]?.hotkey as string, block: 100 },
]
const wta = () => manifest({ scoring: { strategy: W, params: { minSuccessRate: 0 } } })

/** Validator `v`'s result for the re-run `id` of miner `miner`, started at `started`. */
function rerunReplica(
  v: number,
  miner: number,
  id: string,
  list = episodes(miner),
  started = HEAD + 50,
): ReplicaResult {
  const m = miners[miner] as (typeof miners)[number]
  const body = createResult({
    netuid: NETUID,
    block: started + 5,
    jobId: rerunJobId(NETUID, Buffer.from(id, 'hex')),
    competitionId: COMPETITION,
    minerHotkey: m.key,
    episodes: list,
    summary: summarize(list),
    trajectoryDigest: filled(0xcd),
    evaluatorVersion: '0.1.0',
    simulatorVersion: 'mujoco-3.3.2',
    startedAtBlock: started,
    finishedAtBlock: started + 5,
  })
  const bytes = sealEnvelope('result', body, NETUID, (validators[v] as (typeof validators)[number]).node)
  const opened = openEnvelope(bytes, { netuid: NETUID, expectedType: 'result' })
  return { validator: hotkeyOf(v), result: opened.body, messageId: `${id.slice(0, 8)}${v}` }
}

describe('scoringInputFromMesh with owner actions', () => {
  const fail = (...idx: number[]) => Object.fromEntries(idx.map((i) => [i, { success: false }]))
  // Miner 0 did badly in its cycle job (every reach episode failed).
  const cycleZero = (): MeshScoringInit => ({
    manifests: [wta()],
    commitments,
    metagraph,
    results: [0, 1, 2].map((v) => replica(v, 0, episodes(0, fail(0, 1, 2, 3)))),
  })
  // A re-run naming reach evaluates only reach's tasks.
  const reachOnly = () => episodes(0).filter((e) => e.envId === 'mujoco/reach-v1')
  const reachRate = (init: MeshScoringInit) =>
    scoringInputFromMesh(init)
      .results.filter((r) => r.envId === 'mujoco/reach-v1')
      .map((r) => r.successRate)

  it('without owner actions the input (and its digest) is what it was', () => {
    const plain = scoringInputFromMesh(cycleZero())
    expect(scoringInputFromMesh({ ...cycleZero(), ownerActions: [] })).toEqual(plain)
    expect(plain.state).toEqual({})
  })

  it("a re-run's results supersede older results for its envs once they exist, and only then", () => {
    const rerun = rec({
      action: 'rerun',
      block: HEAD + 10,
      minerHotkey: miners[0]?.key as Uint8Array,
      envIds: ['mujoco/reach-v1'],
    })
    // Asked for, not evaluated yet: the old figures stand.
    expect(reachRate({ ...cycleZero(), ownerActions: [rerun] })).toEqual([0, 0, 0])
    // Two validators re-ran it cleanly: only their reach figures count now; push keeps the old results.
    const init: MeshScoringInit = {
      ...cycleZero(),
      ownerActions: [rerun],
      results: [...cycleZero().results, ...[0, 1].map((v) => rerunReplica(v, 0, rerun.id, reachOnly()))],
    }
    expect(reachRate(init)).toEqual([1, 1])
    const push = scoringInputFromMesh(init).results.filter((r) => r.envId === 'mujoco/push-v1')
    expect(push).toHaveLength(3)
    // A result that started after the action is as fresh as the re-run and stays.
    const late = replica(2, 0, episodes(0, fail(0)), HEAD + 40)
    const withLate = { ...init, results: [...init.results, late] }
    expect(reachRate(withLate)).toEqual([1, 1, 0.75])
    // Deterministic whatever the order.
    const shuffled = { ...withLate, results: shuffle(withLate.results, 7), ownerActions: shuffle([rerun], 1) }
    expect(scoringInputFromMesh(shuffled)).toEqual(scoringInputFromMesh(withLate))
  })

  it('an approval makes its candidate the leader; a rejection hides a candidate', () => {
    const init: MeshScoringInit = {
      ...cycleZero(),
      results: [...[0, 1, 2].map((v) => replica(v, 1, episodes(1))), ...cycleZero().results],
    }
    const details = (actions: OwnerActionRecord[]) =>
      computeWeights(scoringInputFromMesh({ ...init, ownerActions: actions })).competitions[0]?.details as {
        leader: string | null
        candidates: Array<{ candidateId: string; successRate: number; avgReward: number }>
      }
    const open = details([])
    expect(open.leader).toBeNull()
    const best = open.candidates[0] as (typeof open.candidates)[number]
    expect(best.candidateId).toBe(cand(1, 100))
    const approve = rec({
      action: 'approve',
      block: HEAD,
      candidateId: best.candidateId,
      successRate: best.successRate,
      avgReward: best.avgReward,
    })
    expect(details([approve]).leader).toBe(miners[1]?.hotkey)
    const out = computeWeights(scoringInputFromMesh({ ...init, ownerActions: [approve] }))
    expect(out.weights.values[out.weights.uids.indexOf(4)]).toBeGreaterThan(0)
    const hide = rec({ action: 'reject', block: HEAD, candidateId: cand(0, 200) })
    expect(details([hide]).candidates.map((c) => c.candidateId)).toEqual([cand(1, 100)])
    expect(scoringInputFromMesh({ ...init, ownerActions: [approve, hide] }).state?.[W]).toEqual({
      approvals: [expect.objectContaining({ candidateId: cand(1, 100) })],
      rejected: [cand(0, 200)],
    })
  })
})
