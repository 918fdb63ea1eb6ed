import { describe, expect, it } from 'vitest'
import { decodeBody, encodeBody, type Result } from '#protocol'

// Regression: protons-runtime 8 sizes bigint varints in [2^31, 2^32) as one byte (its LongBits keeps the
// low word signed), so half of all u32 episode seeds produced results every peer rejected as
// non-canonical. scripts/generate-proto.mjs routes bigint writes below 2^53 through uint64Number.
function result(seed: bigint): Result {
  return {
    netuid: 1,
    block: 10,
    jobId: new Uint8Array(32).fill(1),
    competitionId: 'c',
    minerHotkey: new Uint8Array(32).fill(2),
    episodes: [
      {
        envId: 'mujoco/reach-v1',
        taskId: 'reach-v1',
        episodeIndex: 0,
        seed,
        success: true,
        totalReward: 1.25,
        steps: 10,
        durationMs: 5,
        finalStateHash: new Uint8Array(32).fill(3),
      },
    ],
    trajectoryDigest: new Uint8Array(32),
    artifactUris: [],
    evaluatorVersion: 'e',
    simulatorVersion: 's',
    startedAtBlock: 9,
    finishedAtBlock: 10,
  }
}

const EDGES = [0n, 1n, 127n, 128n, 2n ** 31n - 1n, 2n ** 31n, 2923061101n, 2n ** 32n - 1n, 2n ** 32n, 2n ** 53n - 1n]
const WIDE = [2n ** 53n, 2n ** 63n, 2n ** 64n - 1n, 0x9e3779b97f4a7c15n]

describe('uint64 varints round-trip canonically', () => {
  it.each([...EDGES, ...WIDE])('seed %s', (seed) => {
    expect(decodeBody('result', encodeBody('result', result(seed))).episodes[0]?.seed).toBe(seed)
  })

  it('a spread over [2^31, 2^32) (u32 episode seeds) decodes', () => {
    for (let s = 2n ** 31n; s < 2n ** 32n; s += 7_654_321n) {
      expect(decodeBody('result', encodeBody('result', result(s))).episodes[0]?.seed).toBe(s)
    }
  })
})
