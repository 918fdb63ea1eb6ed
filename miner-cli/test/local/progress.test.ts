import { describe, expect, it } from 'vitest'
import type { EpisodeOutcome } from '#evaluator'
import type { MinerIo } from '../../src/cli/io.js'
import { createProgress } from '../../src/eval/progress.js'

function io(isTTY: boolean): MinerIo & { lines: string[] } {
  const lines: string[] = []
  return { lines, out: () => {}, err: (t) => lines.push(t), isTTY, env: {}, cwd: '/' }
}

const outcome = (over: Partial<EpisodeOutcome>): EpisodeOutcome => ({
  envId: 'mujoco/reach-v1',
  taskId: 't',
  episodeIndex: 0,
  seed: 9,
  success: true,
  successAtEnd: true,
  totalReward: 1,
  steps: 50,
  durationMs: 10,
  latencyP50Ms: 1,
  latencyP99Ms: 1,
  latencyMaxMs: 1,
  finalStateHash: '',
  simulator: { name: 'mujoco', version: '3.3.8' },
  ...over,
})

describe('eval progress', () => {
  it('on a terminal, redraws one bar in place, at most every 100 ms', () => {
    const term = io(true)
    let now = 1000
    const p = createProgress(term, 2, () => now)
    p.step(0, 'mujoco/reach-v1', 0, 50)
    now += 50
    p.step(0, 'mujoco/reach-v1', 1, 50) // too soon: not drawn
    now += 100
    p.step(0, 'mujoco/reach-v1', 9, 50)
    p.episode(0, outcome({}), 31)
    p.done()
    expect(term.lines).toEqual([
      '[........................] 0/2 episodes, 0 successes  mujoco/reach-v1 #1 step 1/50',
      '\x1b[1A\x1b[2K[........................] 0/2 episodes, 0 successes  mujoco/reach-v1 #1 step 10/50',
      '\x1b[1A\x1b[2K[############............] 1/2 episodes, 1 successes  mujoco/reach-v1 #1: success at step 31',
      '',
    ])
  })

  it('elsewhere, writes one line per finished episode and never redraws', () => {
    const log = io(false)
    const p = createProgress(log, 2)
    p.step(0, 'mujoco/reach-v1', 0, 50)
    p.episode(0, outcome({}), 12)
    p.episode(1, outcome({ seed: 10, success: false, error: 'policy_timeout', errorDetail: '/act took 612 ms' }), null)
    p.done()
    expect(log.lines).toEqual([
      'episode 1/2 mujoco/reach-v1 seed 9: success at step 12',
      'episode 2/2 mujoco/reach-v1 seed 10: policy_timeout (/act took 612 ms)',
    ])
  })
})
