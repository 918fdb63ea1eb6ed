import { readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { Registry } from 'prom-client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  type Action,
  type ArtifactStore,
  createBuiltinEnvironmentFactory,
  createFolderArtifactStore,
  type EpisodeTrace,
  encodeObservation,
  type JobTask,
  samplePolicyDir,
  TOY_POINT_REACH_ID,
  toyExpertAction,
  type WireAction,
  type WireObservation,
  writeEpisodeArtifacts,
} from '#evaluator'
import { hasCode } from '#protocol'
import { makeTempDir, type TempDir } from '../../../../test/utils/temp-dir.js'
import { getReplayMetrics } from '../../../src/replay/metrics.js'
import { folderArtifactReader } from '../../../src/replay/readers.js'
import { createReplaySource, type ReplaySourceInit } from '../../../src/replay/source.js'
import type { ReplayDocument } from '../../../src/replay/types.js'
import {
  evaluateTraces,
  idle,
  keyPrefixOf,
  memoryStore,
  type ReplayStore,
  resultRows,
  scriptedPolicy,
  writeTraces,
} from './fixtures.js'

const TOY: JobTask = { envId: TOY_POINT_REACH_ID, taskId: 'toy-0', params: { spread: 'default' } }
const REACH: JobTask = { envId: 'mujoco/reach-v1', taskId: 'reach-0', params: {} }
const dist = (a: readonly number[] = [], b: readonly number[] = []) =>
  Math.hypot(a[0]! - b[0]!, a[1]! - b[1]!, a[2]! - b[2]!)

interface WirePolicy {
  reset(c: { env_id: string; env_name: string; task_name: string }): void
  act(obs: WireObservation): WireAction
}

async function rejection(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => undefined,
    (e: unknown) => e,
  )
}

describe('createReplaySource over traces a validator wrote', () => {
  let tmp: TempDir
  let artifacts: ArtifactStore
  let store: ReturnType<typeof memoryStore>
  let toy: EpisodeTrace[]
  let reach: EpisodeTrace[]
  const environments = createBuiltinEnvironmentFactory()
  const source = (extra: Partial<ReplaySourceInit> = {}) =>
    createReplaySource({
      store,
      readers: [folderArtifactReader({ roots: [join(tmp.dir, 'artifacts')] })],
      environments,
      ...extra,
    })

  beforeAll(async () => {
    tmp = makeTempDir('kinitro-replay-')
    artifacts = createFolderArtifactStore({ root: join(tmp.dir, 'artifacts') })
    store = memoryStore([TOY, REACH])
    // Toy: episodes 0 and 2 by the expert, 1 and 3 idle (never succeed). Five episodes, so the episode
    // lookup pages (the fake pages by two).
    toy = await evaluateTraces([TOY], 5, scriptedPolicy([toyExpertAction, idle]))
    store.add(resultRows('aa'.repeat(32), toy, await writeTraces(artifacts, toy)))
    // MuJoCo reach by the sample expert, which sees the default cameras; the replay renders none.
    // The sample expert is a plain policy artifact: loaded through the evaluator's door, not a deep import.
    const mod = (await import(pathToFileURL(join(samplePolicyDir('expert'), 'policy.mjs')).href)) as {
      createPolicy: () => WirePolicy
    }
    const expert = mod.createPolicy()
    const policy = scriptedPolicy([(obs) => toAction(expert.act(encodeObservation(obs)))])
    const reset = policy.reset.bind(policy)
    policy.reset = async (c, s) => {
      expert.reset({ env_id: c.envId, env_name: 'mujoco', task_name: 'reach' })
      await reset(c, s)
    }
    reach = await evaluateTraces([REACH], 1, policy, 150)
    store.add(resultRows('bb'.repeat(32), reach, await writeTraces(artifacts, reach)))
    store.add(resultRows('cc'.repeat(32), toy, []))
  }, 120_000)
  afterAll(() => tmp?.cleanup())

  it('builds the document of a successful toy episode: frames, success step, bounds', async () => {
    const t = toy[2] as EpisodeTrace
    expect(t.outcome.success).toBe(true)
    const doc = (await source().replay('aa'.repeat(32), 2)) as ReplayDocument
    expect(doc).toMatchObject({
      resultId: 'aa'.repeat(32),
      episodeIndex: 2,
      envId: TOY_POINT_REACH_ID,
      taskId: 'toy-0',
      seed: String(t.outcome.seed),
      success: true,
      error: null,
    })
    expect(doc.successStep).toBe(t.steps.findIndex((s) => s.success) + 1)
    expect(doc.frames[doc.successStep as number]?.success).toBe(true)
    expect(doc.frames.slice(0, doc.successStep as number).some((f) => f.success)).toBe(false)
    expect(doc.frames).toHaveLength(t.steps.length + 1)
    for (const [i, s] of t.steps.entries()) expect(doc.frames[i + 1]?.reward, `reward ${i}`).toBe(s.reward)
    const first = doc.frames[0]?.points
    const last = doc.frames.at(-1)?.points
    expect(dist(last?.effector, last?.target)).toBeLessThan(dist(first?.effector, first?.target))
    for (const f of doc.frames) {
      for (const p of Object.values(f.points)) {
        for (let k = 0; k < 3; k++) {
          expect(p[k]).toBeGreaterThanOrEqual(doc.bounds.min[k] as number)
          expect(p[k]).toBeLessThanOrEqual(doc.bounds.max[k] as number)
        }
      }
    }
    expect(doc.bounds.max[0]).toBeGreaterThan(doc.bounds.min[0])
  })

  it('an idle episode has no success step', async () => {
    const doc = await source().replay('aa'.repeat(32), 3)
    expect(toy[3]?.outcome.success).toBe(false)
    expect(doc).toMatchObject({ episodeIndex: 3, success: false, successStep: null })
    expect(doc?.frames).toHaveLength((toy[3]?.steps.length ?? 0) + 1)
  })

  it('replays a MuJoCo reach episode of the sample expert to its success step', { timeout: 60_000 }, async () => {
    const t = reach[0] as EpisodeTrace
    expect(t.outcome.success).toBe(true)
    const doc = (await source().replay('bb'.repeat(32), 0)) as ReplayDocument
    expect(doc.success).toBe(true)
    expect(doc.successStep).toBe(t.steps.findIndex((s) => s.success) + 1)
    expect(Object.keys(doc.frames[0]?.points ?? {}).sort()).toEqual(['effector', 'target'])
    const hit = doc.frames[doc.successStep as number]?.points
    expect(dist(hit?.effector, hit?.target)).toBeLessThanOrEqual(0.05)
  })

  it('serves repeats from the cache and builds concurrent requests once', async () => {
    const register = new Registry()
    const metrics = getReplayMetrics(register)
    const replays = source({ metrics })
    const [a, b] = await Promise.all([replays.replay('aa'.repeat(32), 0), replays.replay('aa'.repeat(32), 0)])
    const c = await replays.replay('aa'.repeat(32), 0)
    expect(a).toBeDefined()
    expect(b).toBe(a)
    expect(c).toBe(a)
    const counts = Object.fromEntries(
      (await metrics.requests.get()).values.map((v) => [v.labels.outcome, v.value] as const),
    )
    expect(counts).toMatchObject({ built: 1, cached: 1, missing: 0, corrupt: 0 })
  })

  it('answers undefined for what is not there', async () => {
    const replays = source()
    expect(await replays.replay('cc'.repeat(32), 0)).toBeUndefined() // a result without URIs
    expect(await replays.replay('dd'.repeat(32), 0)).toBeUndefined() // an unknown result
    expect(await replays.replay('aa'.repeat(32), 5)).toBeUndefined() // past the last episode
    expect(await replays.replay('aa'.repeat(32), -1)).toBeUndefined()
    // A reader whose roots do not hold the files refuses them.
    const elsewhere = source({ readers: [folderArtifactReader({ roots: [join(tmp.dir, 'other')] })] })
    expect(await elsewhere.replay('aa'.repeat(32), 0)).toBeUndefined()
    // Files over the reader's size limit are not read.
    const tiny = source({ readers: [folderArtifactReader({ roots: [join(tmp.dir, 'artifacts')], maxBytes: 64 })] })
    expect(await tiny.replay('aa'.repeat(32), 0)).toBeUndefined()
  })

  it('rejects a tampered steps file as corrupt (digest mismatch vs episode.json)', async () => {
    const t = toy[1] as EpisodeTrace
    const steps = join(fileURLToPath(store.uriOf('aa'.repeat(32), 1)), '..', 'steps.jsonl.gz')
    const bytes = readFileSync(steps)
    bytes[bytes.length - 12] = (bytes[bytes.length - 12] as number) ^ 0xff
    writeFileSync(steps, bytes)
    const err = await rejection(source().replay('aa'.repeat(32), 1))
    expect(hasCode(err, 'INDEXER_REPLAY_CORRUPT'), String(err)).toBe(true)
    // Restored, it replays again: the rejection was about the bytes.
    await writeEpisodeArtifacts(artifacts, keyPrefixOf(t), t)
    expect(await source().replay('aa'.repeat(32), 1)).toBeDefined()
  })

  it('rejects traces that are self-consistent but not what the result signed', async () => {
    // Different actions, digests rewritten to match: only the re-simulation against the signed state shows it.
    const t = structuredClone(toy[0] as EpisodeTrace)
    const forged = { ...t, steps: t.steps.map((s) => ({ ...s, action: idle() })) }
    await writeEpisodeArtifacts(artifacts, keyPrefixOf(t), forged)
    const err = await rejection(source().replay('aa'.repeat(32), 0))
    expect(hasCode(err, 'INDEXER_REPLAY_CORRUPT'), String(err)).toBe(true)
    // Another episode's trace at this URI does not match the signed episode record.
    await writeEpisodeArtifacts(artifacts, keyPrefixOf(t), toy[4] as EpisodeTrace)
    const swapped = await rejection(source().replay('aa'.repeat(32), 0))
    expect(hasCode(swapped, 'INDEXER_REPLAY_CORRUPT'), String(swapped)).toBe(true)
    await writeEpisodeArtifacts(artifacts, keyPrefixOf(t), toy[0] as EpisodeTrace)
    expect(await source().replay('aa'.repeat(32), 0)).toBeDefined()
    // episode.json is unsigned: an idle episode claiming success there is refused, not drawn as a success.
    const idleTrace = toy[3] as EpisodeTrace
    const bragging = { ...idleTrace, outcome: { ...idleTrace.outcome, success: true } }
    await writeEpisodeArtifacts(artifacts, keyPrefixOf(idleTrace), bragging)
    const claimed = await rejection(source().replay('aa'.repeat(32), 3))
    expect(hasCode(claimed, 'INDEXER_REPLAY_CORRUPT'), String(claimed)).toBe(true)
    await writeEpisodeArtifacts(artifacts, keyPrefixOf(idleTrace), idleTrace)
  })

  it('answers undefined, not an error, when the files have gone', async () => {
    const t = toy[3] as EpisodeTrace
    const dir = join(fileURLToPath(store.uriOf('aa'.repeat(32), 3)), '..')
    rmSync(join(dir, 'steps.jsonl.gz'))
    expect(await source().replay('aa'.repeat(32), 3)).toBeUndefined()
    await writeEpisodeArtifacts(artifacts, keyPrefixOf(t), t)
  })

  it('times out a replay whose reads never finish, and honours the caller signal', async () => {
    const stuck: ReplayStore = { ...store, result: () => new Promise(() => {}) }
    const err = await rejection(source({ store: stuck, timeoutMs: 5 }).replay('aa'.repeat(32), 0))
    expect(hasCode(err, 'INDEXER_REPLAY_TIMEOUT'), String(err)).toBe(true)
    const ac = new AbortController()
    const pending = source({ store: stuck, timeoutMs: 60_000 }).replay('aa'.repeat(32), 0, { signal: ac.signal })
    ac.abort(new Error('client went away'))
    await expect(pending).rejects.toThrow('client went away')
  })
})

function toAction(w: WireAction): Action {
  return { continuous: w.continuous ?? {}, discrete: w.discrete ?? {}, extra: w.extra ?? {} }
}
