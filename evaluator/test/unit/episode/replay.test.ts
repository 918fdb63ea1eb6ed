import { writeFileSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { spawnTs } from '../../../../test/utils/spawn.js'
import { createToyEnvironment, TOY_POINT_REACH_ID } from '../../../src/env/toy/index.js'
import type { TaskConfig } from '../../../src/env/types.js'
import { replayEpisode, verifyTrace } from '../../../src/episode/replay.js'
import { runEpisode } from '../../../src/episode/run-episode.js'
import type { EpisodeTrace } from '../../../src/episode/types.js'
import { createPolicyClient } from '../../../src/policy/client.js'
import { serveToyPolicy, TEST_LIMITS } from './helpers.js'

const task: TaskConfig = { envId: TOY_POINT_REACH_ID, taskId: 'reach-0', seed: 0xdeadbeef, params: { variant: 'a' } }

describe('replay verification', () => {
  let trace: EpisodeTrace
  let dir: string
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kinitro-replay-'))
    const server = await serveToyPolicy()
    const policy = createPolicyClient({ url: server.url }, { limits: TEST_LIMITS })
    trace = await runEpisode({
      env: createToyEnvironment(),
      policy,
      task,
      episodeIndex: 0,
      limits: TEST_LIMITS,
      snapshotEvery: 10,
    })
    policy.close()
    await server.close()
  })
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true })
  })
  const clone = (): EpisodeTrace => structuredClone(trace)

  it('an honest trace verifies', async () => {
    expect(trace.outcome.steps).toBe(100)
    expect(await verifyTrace(createToyEnvironment(), trace)).toEqual({ ok: true })
  })

  it('replayEpisode gives the recorded chain from (seed, actions) alone', async () => {
    const r = await replayEpisode(
      createToyEnvironment(),
      task,
      trace.steps.map((s) => s.action),
      { snapshotEvery: 10 },
    )
    expect(r.initialStateHash).toBe(trace.initialStateHash)
    expect(r.hashes).toEqual(trace.steps.map((s) => s.stateHash))
    expect(r.finalStateHash).toBe(trace.outcome.finalStateHash)
    expect(r.snapshots).toEqual(trace.snapshots)
  })

  it('a tampered action is detected at its step, with the snapshot window around it', async () => {
    const t = clone()
    const a = t.steps[42]?.action.continuous.ee_twist as number[]
    a[0] = (a[0] as number) + 1e-9
    const v = await verifyTrace(createToyEnvironment(), t)
    expect(v).toMatchObject({ ok: false, reason: 'step', divergedAtStep: 42, window: { fromStep: 40, toStep: 50 } })
    expect(v.expected).toBe(trace.steps[42]?.stateHash)
  })

  it('a clamped-away action change is still detected (raw action is part of the state)', async () => {
    const t = clone()
    const a = t.steps[5]?.action.continuous.gripper as number[]
    a[0] = 5 // clamps to the same gripper value as 1, but the raw control is hashed
    const v = await verifyTrace(createToyEnvironment(), t)
    expect(v).toMatchObject({ ok: false, reason: 'step', divergedAtStep: 5 })
  })

  it('a tampered hash is detected at that step only', async () => {
    const t = clone()
    const rec = t.steps[77]!
    rec.stateHash = `${rec.stateHash.slice(0, -1)}${rec.stateHash.endsWith('0') ? '1' : '0'}`
    expect(await verifyTrace(createToyEnvironment(), t)).toMatchObject({
      ok: false,
      reason: 'step',
      divergedAtStep: 77,
    })
  })

  it('wrong seed, tampered snapshot, final hash and missing steps are each reported', async () => {
    const seed = clone()
    seed.outcome.seed = 1
    expect(await verifyTrace(createToyEnvironment(), seed)).toMatchObject({
      ok: false,
      reason: 'reset',
      divergedAtStep: -1,
    })

    const params = clone()
    params.taskParams = {}
    expect(await verifyTrace(createToyEnvironment(), params)).toMatchObject({ ok: false, reason: 'reset' })

    const snap = clone()
    const bytes = Buffer.from(snap.snapshots[3] as string, 'base64')
    bytes[9] = (bytes[9] as number) ^ 1
    snap.snapshots[3] = bytes.toString('base64')
    expect(await verifyTrace(createToyEnvironment(), snap)).toMatchObject({
      ok: false,
      reason: 'snapshot',
      divergedAtStep: 30,
    })

    const fin = clone()
    fin.outcome.finalStateHash = trace.steps[98]?.stateHash as string
    expect(await verifyTrace(createToyEnvironment(), fin)).toMatchObject({ ok: false, reason: 'final' })

    const cut = clone()
    cut.steps.pop()
    expect(await verifyTrace(createToyEnvironment(), cut)).toMatchObject({ ok: false, reason: 'not_verifiable' })
  })

  it('another node process re-simulates the same chain bit for bit', async () => {
    const file = join(dir, 'episode.json')
    writeFileSync(file, JSON.stringify({ task, actions: trace.steps.map((s) => s.action) }))
    const child = spawnTs('evaluator/test/unit/episode/replay-child.ts', [file])
    const line = await child.waitForLine((l) => l.startsWith('{'))
    await child.exited
    const { chain } = JSON.parse(line) as {
      chain: { initialStateHash: string; hashes: string[]; finalStateHash: string }
    }
    expect(chain.initialStateHash).toBe(trace.initialStateHash)
    expect(chain.hashes).toEqual(trace.steps.map((s) => s.stateHash))
    expect(chain.finalStateHash).toBe(trace.outcome.finalStateHash)
  })
})
