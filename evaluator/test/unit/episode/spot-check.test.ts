import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  createToyEnvironment,
  TOY_POINT_REACH_ID,
  TOY_POINT_REACH_SPEC,
  toyExpertAction,
} from '../../../src/env/toy/index.js'
import { runEpisode } from '../../../src/episode/run-episode.js'
import { actionDistance, createStepRecorder, spotCheck } from '../../../src/episode/spot-check.js'
import { createPolicyClient } from '../../../src/policy/client.js'
import { servePolicy } from '../../../src/policy/server.js'
import { decodeObservation } from '../../../src/policy/wire.js'
import { serveToyPolicy, TEST_LIMITS } from './helpers.js'

const limits = { ...TEST_LIMITS, maxSteps: 30 }
const task = { envId: TOY_POINT_REACH_ID, taskId: 'reach-0', seed: 99, params: {} }
const keys = TOY_POINT_REACH_SPEC.actionKeys

describe('spot-check of a miner-served endpoint', () => {
  let miner: Awaited<ReturnType<typeof serveToyPolicy>>
  let recorded: ReturnType<typeof createStepRecorder>['steps']
  beforeAll(async () => {
    miner = await serveToyPolicy()
    const rec = createStepRecorder()
    const client = createPolicyClient({ url: miner.url }, { limits })
    await runEpisode({ env: createToyEnvironment(), policy: client, task, episodeIndex: 0, limits, onStep: rec.onStep })
    client.close()
    recorded = rec.steps
  })
  afterAll(async () => {
    await miner.close()
  })

  it('an identical validator-run copy agrees on every step', async () => {
    const copy = await serveToyPolicy()
    const client = createPolicyClient({ url: copy.url }, { limits })
    const r = await spotCheck({ envId: TOY_POINT_REACH_ID, recorded, reference: client, actionKeys: keys })
    client.close()
    await copy.close()
    expect(recorded).toHaveLength(30)
    expect(r).toMatchObject({ compared: 30, maxAbsDiff: 0, fractionWithin: 1 })
  })

  it('a different policy is reported with per-step differences', async () => {
    // Agrees for the first 10 steps, then answers with a halved twist.
    let n = 0
    const other = await servePolicy({
      reset() {
        n = 0
      },
      act(wire) {
        const a = toyExpertAction(decodeObservation(wire))
        if (n++ >= 10) a.continuous.ee_twist = (a.continuous.ee_twist as number[]).map((v) => v / 2)
        return a
      },
    })
    const client = createPolicyClient({ url: other.url }, { limits })
    const r = await spotCheck({
      envId: TOY_POINT_REACH_ID,
      recorded,
      reference: client,
      actionKeys: keys,
      tolerance: 1e-6,
    })
    client.close()
    await other.close()
    expect(r.perStepMaxAbsDiff.slice(0, 10).every((d) => d === 0)).toBe(true)
    expect(r.fractionWithin).toBeLessThan(1)
    expect(r.maxAbsDiff).toBeGreaterThan(0.1)
  })

  it('a failing copy stops the comparison with its failure code', async () => {
    const bad = await serveToyPolicy({ failAtAct: 3 })
    const client = createPolicyClient({ url: bad.url }, { limits })
    const r = await spotCheck({ envId: TOY_POINT_REACH_ID, recorded, reference: client, actionKeys: keys })
    client.close()
    await bad.close()
    expect(r.error).toBe('policy_http_error')
    expect(r.compared).toBe(3)
  })

  it('actionDistance treats missing keys and discrete mismatches as infinite', () => {
    const a = { continuous: { ee_twist: [0, 0, 0, 0, 0, 0], gripper: [0] }, discrete: {}, extra: {} }
    expect(actionDistance(a, { ...a, continuous: { ee_twist: [0, 0, 0, 0, 0, 0] } }, keys)).toBe(
      Number.POSITIVE_INFINITY,
    )
    expect(actionDistance(a, { ...a, discrete: { mode: 1 } }, keys)).toBe(Number.POSITIVE_INFINITY)
    expect(actionDistance(a, { ...a, continuous: { ee_twist: [0.25, 0, 0, 0, 0, -0.5], gripper: [0] } }, keys)).toBe(
      0.5,
    )
  })
})
