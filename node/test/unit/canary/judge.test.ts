import { describe, expect, it } from 'vitest'
import { wilson } from '#protocol'
import {
  CanaryError,
  type CanaryJob,
  canaryJobs,
  fingerprintOf,
  judgeCanary,
  type PeerCanaryReport,
} from '../../../src/canary/index.js'
import { HASH, manifest, outcomes } from './helpers.js'

const jobsFor = (envIds: string[], episodesPerTask = 4) =>
  canaryJobs({ netuid: 1, manifest: manifest(envIds, episodesPerTask), cycle: 3, cycleStartBlockHash: HASH })
const [EXPERT, RANDOM] = jobsFor(['mujoco/reach-v1']) as [CanaryJob, CanaryJob]
const firstK = (k: number) => (i: number) => i < k

function peer(
  name: string,
  job: CanaryJob,
  edit: (f: ReturnType<typeof fingerprintOf>) => void = () => {},
): PeerCanaryReport {
  const episodes = outcomes(job).map(fingerprintOf)
  for (const e of episodes) edit(e)
  return { peer: name, policy: job.policy, jobIdHex: job.jobIdHex, episodes }
}

describe('judgeCanary: bands', () => {
  it('the chosen thresholds sit where the defaults say (4 episodes)', () => {
    expect(wilson(1, 4).high).toBeLessThan(0.8)
    expect(wilson(2, 4).high).toBeGreaterThanOrEqual(0.8)
    expect(wilson(3, 4).low).toBeLessThanOrEqual(0.5)
    expect(wilson(4, 4).low).toBeGreaterThan(0.5)
  })

  // Every success count of 4 episodes, for both policies: expert fails at ≤ 1, random at 4.
  for (let k = 0; k <= 4; k++) {
    it(`expert ${k}/4 is ${k <= 1 ? 'below its floor' : 'healthy'}; random ${k}/4 is ${k === 4 ? 'above its ceiling' : 'healthy'}`, () => {
      const v = judgeCanary({
        runs: [
          { job: EXPERT, episodes: outcomes(EXPERT, firstK(k)) },
          { job: RANDOM, episodes: outcomes(RANDOM, firstK(k)) },
        ],
      })
      expect(v.perPolicy.expert).toMatchObject({ episodes: 4, successes: k, successRate: k / 4, healthy: k > 1 })
      expect(v.perPolicy.expert?.wilsonHigh).toBeCloseTo(wilson(k, 4).high, 12)
      expect(v.perPolicy.random).toMatchObject({ successes: k, healthy: k < 4 })
      const codes = v.reasons.map((r) => `${r.code}:${r.policy}`)
      expect(codes).toEqual([...(k <= 1 ? ['below-floor:expert'] : []), ...(k === 4 ? ['above-ceiling:random'] : [])])
      expect(v.healthy).toBe(codes.length === 0)
    })
  }

  it('checks each env too when there are several: one broken env fails although the pooled rate passes', () => {
    const [expert] = jobsFor(['mujoco/reach-v1', 'mujoco/push-v1', 'mujoco/button-press-v1'])
    // Episodes 8..11 are the third task's; one success of four there, 9/12 overall.
    const v = judgeCanary({ runs: [{ job: expert!, episodes: outcomes(expert!, (i) => i < 9) }] })
    expect(v.perPolicy.expert).toMatchObject({ successes: 9, episodes: 12 })
    expect(v.perPolicy.expert!.wilsonHigh).toBeGreaterThan(0.8)
    expect(v.perPolicy.expert?.perEnv.map((e) => [e.envId, e.successes])).toEqual([
      ['mujoco/reach-v1', 4],
      ['mujoco/push-v1', 4],
      ['mujoco/button-press-v1', 1],
    ])
    expect(v.reasons).toEqual([
      expect.objectContaining({ code: 'below-floor', policy: 'expert', envId: 'mujoco/button-press-v1' }),
    ])
  })

  it('a single env is judged once, not twice', () => {
    const v = judgeCanary({ runs: [{ job: EXPERT, episodes: outcomes(EXPERT, () => false) }] })
    expect(v.reasons).toHaveLength(1)
    expect(v.reasons[0]?.envId).toBeUndefined()
    expect(v.reasons[0]?.detail).toMatch(/0\/4 successes, Wilson high 0\.490 < floor 0\.8/)
  })
})

describe('judgeCanary: errors and plan', () => {
  it('a failure code on a reference policy episode is unhealthy by default, tolerated up to maxErrorRate', () => {
    const eps = outcomes(EXPERT)
    eps[2] = { ...eps[2]!, success: false, error: 'policy_timeout' }
    const v = judgeCanary({ runs: [{ job: EXPERT, episodes: eps }] })
    expect(v.reasons.map((r) => r.code)).toEqual(['episode-errors'])
    expect(v.reasons[0]?.detail).toBe('1/4 errored: policy_timeout×1')
    expect(v.perPolicy.expert).toMatchObject({ errored: 1, errorsByCode: { policy_timeout: 1 } })
    expect(judgeCanary({ runs: [{ job: EXPERT, episodes: eps }], options: { maxErrorRate: 0.25 } }).healthy).toBe(true)
  })

  it('an env failing every episode trips both the error check and the floor', () => {
    const eps = outcomes(EXPERT, () => false).map((o) => ({ ...o, error: 'env_error' as const }))
    const v = judgeCanary({ runs: [{ job: EXPERT, episodes: eps }] })
    expect(v.reasons.map((r) => r.code)).toEqual(['episode-errors', 'below-floor'])
  })

  it.each([
    ['missing', (e: ReturnType<typeof outcomes>) => e.slice(1), [0]],
    [
      'wrong seed',
      (e: ReturnType<typeof outcomes>) => e.map((o, i) => (i === 1 ? { ...o, seed: o.seed ^ 1 } : o)),
      [1],
    ],
    ['wrong task', (e: ReturnType<typeof outcomes>) => e.map((o, i) => (i === 3 ? { ...o, taskId: 'x' } : o)), [3]],
    ['duplicate', (e: ReturnType<typeof outcomes>) => [...e, e[2]!], [2]],
    ['extra', (e: ReturnType<typeof outcomes>) => [...e, { ...e[0]!, episodeIndex: 9 }], [9]],
  ])('episodes not as planned (%s) are a plan-mismatch and do not count', (_, edit, bad) => {
    const v = judgeCanary({ runs: [{ job: EXPERT, episodes: edit(outcomes(EXPERT)) }] })
    expect(v.reasons.map((r) => r.code)).toContain('plan-mismatch')
    expect(v.reasons.find((r) => r.code === 'plan-mismatch')?.detail).toContain(`indices ${bad.join(', ')}`)
    expect(v.perPolicy.expert?.episodes).toBe(4 - bad.filter((i) => i < 4).length)
    expect(v.perPolicy.expert?.fingerprints.map((f) => f.episodeIndex)).not.toContain(9)
  })

  it('a failed evaluation is unhealthy and says why', () => {
    const v = judgeCanary({
      runs: [
        { job: EXPERT, error: 'EVAL_RUNTIME_START_FAILED: boom' },
        { job: RANDOM, episodes: outcomes(RANDOM, () => false) },
      ],
    })
    expect(v.healthy).toBe(false)
    expect(v.reasons).toEqual([
      { code: 'evaluation-failed', policy: 'expert', detail: 'EVAL_RUNTIME_START_FAILED: boom' },
    ])
    expect(v.perPolicy.expert).toMatchObject({
      healthy: false,
      episodes: 0,
      evaluationError: 'EVAL_RUNTIME_START_FAILED: boom',
    })
    expect(v.perPolicy.random?.healthy).toBe(true)
  })

  it('fingerprints carry what peers compare and nothing else', () => {
    const v = judgeCanary({ runs: [{ job: EXPERT, episodes: outcomes(EXPERT) }] })
    expect(Object.keys(v.perPolicy.expert!.fingerprints[0]!).sort()).toEqual(
      ['envId', 'episodeIndex', 'finalStateHash', 'seed', 'steps', 'success', 'taskId'].sort(),
    )
  })

  it('refuses out-of-range options and a policy judged twice', () => {
    const runs = [{ job: EXPERT, episodes: outcomes(EXPERT) }]
    expect(() => judgeCanary({ runs, options: { maxErrorRate: 2 } })).toThrow(CanaryError)
    expect(() => judgeCanary({ runs, options: { z: 0 } })).toThrow(/canary z/)
    expect(() => judgeCanary({ runs: [...runs, ...runs] })).toThrow(/twice/)
  })
})

describe('judgeCanary: peers', () => {
  const run = { job: EXPERT, episodes: outcomes(EXPERT) }
  const flipHash = (idx: number) => (f: ReturnType<typeof fingerprintOf>) => {
    if (f.episodeIndex === idx) f.finalStateHash = 'ff'.repeat(32)
  }

  it('agreeing peers keep us healthy and are listed', () => {
    const v = judgeCanary({ runs: [run], peers: [peer('bob', EXPERT), peer('alice', EXPERT)] })
    expect(v.healthy).toBe(true)
    expect(v.perPolicy.expert?.peers).toEqual({ agreeing: ['alice', 'bob'], disagreeing: [] })
  })

  it.each([
    ['final state hash', flipHash(2)],
    [
      'success',
      (f: ReturnType<typeof fingerprintOf>) => {
        if (f.episodeIndex === 2) f.success = !f.success
      },
    ],
    [
      'steps',
      (f: ReturnType<typeof fingerprintOf>) => {
        if (f.episodeIndex === 2) f.steps += 1
      },
    ],
  ])('a single peer differing in %s makes us unhealthy (peer-mismatch)', (_, edit) => {
    const v = judgeCanary({ runs: [run], peers: [peer('bob', EXPERT, edit)] })
    expect(v.reasons).toEqual([expect.objectContaining({ code: 'peer-mismatch', policy: 'expert' })])
    expect(v.perPolicy.expert?.peers.disagreeing).toEqual([{ peer: 'bob', episodeIndices: [2] }])
  })

  it('the majority decides: 2 agree vs 1 differs is healthy, 1 vs 1 is healthy, 1 vs 2 is not', () => {
    const bad = (n: string) => peer(n, EXPERT, flipHash(0))
    expect(judgeCanary({ runs: [run], peers: [peer('a', EXPERT), peer('b', EXPERT), bad('c')] }).healthy).toBe(true)
    expect(judgeCanary({ runs: [run], peers: [peer('a', EXPERT), bad('c')] }).healthy).toBe(true)
    const v = judgeCanary({ runs: [run], peers: [peer('a', EXPERT), bad('c'), bad('d')] })
    expect(v.healthy).toBe(false)
    expect(v.reasons[0]?.detail).toMatch(/^2 of 3 peers differ/)
  })

  it('the last report of a peer wins', () => {
    const v = judgeCanary({ runs: [run], peers: [peer('bob', EXPERT, flipHash(1)), peer('bob', EXPERT)] })
    expect(v.healthy).toBe(true)
    expect(v.perPolicy.expert?.peers.agreeing).toEqual(['bob'])
  })

  it('ignores reports for other jobs, errored episodes, other seeds, and non-deterministic policies', () => {
    const otherJob = { ...peer('x', EXPERT, flipHash(0)), jobIdHex: '00'.repeat(32) }
    const otherPolicy = { ...peer('y', EXPERT, flipHash(0)), policy: 'random' }
    const errored = peer('z', EXPERT, (f) => {
      f.error = 'validator_overloaded'
      f.finalStateHash = ''
    })
    const reseeded = peer('w', EXPERT, (f) => {
      f.seed ^= 1
      f.success = false
    })
    const v = judgeCanary({ runs: [run], peers: [otherJob, otherPolicy, errored, reseeded] })
    expect(v.healthy).toBe(true)
    expect(v.perPolicy.expert?.peers).toEqual({ agreeing: [], disagreeing: [] })
    // Random's generator is seeded per process: its per-episode outcomes legitimately differ between peers.
    const r = judgeCanary({
      runs: [{ job: RANDOM, episodes: outcomes(RANDOM, () => false) }],
      peers: [peer('bob', RANDOM, flipHash(0))],
    })
    expect(r.healthy).toBe(true)
    expect(r.perPolicy.random?.peers).toEqual({ agreeing: [], disagreeing: [] })
  })

  it('accepts an upper-case job id and compares success alone when a side has no state hash', () => {
    const up = {
      ...peer('bob', EXPERT, (f) => {
        f.finalStateHash = ''
      }),
      jobIdHex: EXPERT.jobIdHex.toUpperCase(),
    }
    expect(judgeCanary({ runs: [run], peers: [up] }).perPolicy.expert?.peers.agreeing).toEqual(['bob'])
  })
})
