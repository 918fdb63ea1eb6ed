import { describe, expect, it } from 'vitest'
import type { Result } from '#protocol'
import { silentLogger } from '#protocol'
import { createReplicaTracker } from '../../../src/node/replicas.js'

function result(hash: number, success = true): Result {
  return {
    netuid: 1,
    block: 10,
    jobId: new Uint8Array(32).fill(9),
    competitionId: 'c',
    minerHotkey: new Uint8Array(32).fill(2),
    episodes: [0, 1].map((i) => ({
      envId: 'mujoco/reach-v1',
      taskId: 'reach-v1',
      episodeIndex: i,
      seed: BigInt(100 + i),
      success: i === 0 ? success : true,
      totalReward: 1,
      steps: 10,
      durationMs: 1,
      finalStateHash: new Uint8Array(32).fill(i === 0 ? hash : 7),
    })),
    trajectoryDigest: new Uint8Array(32),
    artifactUris: [],
    evaluatorVersion: 'e',
    simulatorVersion: 's',
    startedAtBlock: 9,
    finishedAtBlock: 10,
  }
}

describe('replica tracker', () => {
  it('flags the episode whose state-hash chains differ, naming who reported what', () => {
    let told = 0
    const t = createReplicaTracker({ logger: silentLogger, onDivergence: () => told++ })
    expect(t.add({ validator: 'A', result: result(1), messageId: 'a' })).toBeUndefined()
    expect(t.add({ validator: 'B', result: result(1), messageId: 'b' })).toBeUndefined()
    const d = t.add({ validator: 'C', result: result(5, false), messageId: 'c' })
    expect(d?.episodes.map((e) => e.episodeIndex)).toEqual([0])
    const variants = d?.episodes[0]?.variants ?? []
    expect(variants.map((v) => v.validators)).toEqual([['A', 'B'], ['C']])
    expect(told).toBe(1)
    expect(t.divergences()).toHaveLength(1)
    expect(t.compared()).toBe(1)
  })

  it('agreeing replicas and duplicates raise nothing', () => {
    const t = createReplicaTracker({ logger: silentLogger })
    t.add({ validator: 'A', result: result(1), messageId: 'a' })
    t.add({ validator: 'A', result: result(1), messageId: 'a' })
    expect(t.add({ validator: 'B', result: result(1), messageId: 'b' })).toBeUndefined()
    expect(t.divergences()).toEqual([])
  })
})
