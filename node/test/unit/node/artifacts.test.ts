import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  type ArtifactFetcher,
  createBuiltinEnvironmentFactory,
  createFolderArtifactStore,
  type EvaluatorConfig,
  evaluatorConfigSchema,
  failedTrace,
  readEpisodeTrace,
  samplePolicyDir,
  verifyTrace,
} from '#evaluator'
import { buildResult, createEvaluation } from '#node'
import { buildCommitment, type Logger, MAX_ARTIFACT_URIS, silentLogger } from '#protocol'
import { makeTempDir, type TempDir } from '../../../../test/utils/temp-dir.js'
import { storeEpisodeArtifacts } from '../../../src/node/artifacts.js'
import type { EvaluationJob } from '../../../src/node/evaluation.js'
import { reachJob } from './fixtures.js'

const SHA = 'ab'.repeat(32)
const VALIDATOR = '5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY'

/** A fetcher that hands out a sample policy folder (the commitment's digest is not what is tested here). */
const expertFetcher: ArtifactFetcher = {
  async fetch() {
    return { dir: samplePolicyDir('expert'), sha256: SHA, bytes: 0, cached: true, files: 0, unpackedBytes: 0 }
  },
}

/** A logger that keeps warnings, to assert a failure was reported rather than thrown. */
function recordingLogger(): Logger & { warnings: string[] } {
  const warnings: string[] = []
  const log: Logger & { warnings: string[] } = {
    warnings,
    error() {},
    warn: (msg) => void warnings.push(msg),
    info() {},
    debug() {},
    child: () => log,
  }
  return log
}

function job(envId: string, episodesPerTask: number): EvaluationJob {
  const commitment = buildCommitment({
    format: 'kinitro-v1',
    repo: 'alice/reach',
    revision: 'c'.repeat(40),
    sha256: SHA,
    competitionId: 'reach-1',
  })
  return reachJob(
    { commitment, miner: 3, minerUid: 7, cycle: 3, cycleStartBlockHash: new Uint8Array(32).fill(9) },
    { envId, episodesPerTask, maxSteps: 100 },
  )
}

function config(artifacts: Record<string, unknown> = {}): EvaluatorConfig {
  return evaluatorConfigSchema.parse({ runtime: { sandbox: 'none' }, artifacts })
}

describe('validator evaluation stores per-episode traces', () => {
  let tmp: TempDir
  beforeAll(() => {
    tmp = makeTempDir('kinitro-node-artifacts-')
  })
  afterAll(() => tmp?.cleanup())

  it('writes each episode of a MuJoCo reach job by the expert and lists resolvable URIs in episode order', {
    timeout: 120_000,
  }, async () => {
    const dataDir = join(tmp.dir, 'v0')
    const evaluation = createEvaluation({ config: config(), dataDir, fetcher: expertFetcher })
    const j = job('mujoco/reach-v1', 2)
    try {
      const out = await evaluation.evaluate(j, { signal: new AbortController().signal, validator: VALIDATOR })
      expect(out.episodes).toHaveLength(2)
      expect(out.episodes.some((e) => e.success)).toBe(true)
      const uris = out.artifactUris ?? []
      expect(uris).toHaveLength(2)
      const root = join(dataDir, 'artifacts')
      const store = createFolderArtifactStore({ root })
      const envs = createBuiltinEnvironmentFactory()
      for (const [i, uri] of uris.entries()) {
        const path = fileURLToPath(uri)
        expect(path.endsWith('/episode.json'), uri).toBe(true)
        const prefix = relative(root, path).replace(/episode\.json$/u, '')
        const e = out.episodes[i]
        expect(prefix).toBe(`runs/${VALIDATOR}/3/7/mujoco_reach-v1/${e?.seed}/`)
        const trace = await readEpisodeTrace(store, prefix)
        expect(trace.outcome, `episode ${i}`).toEqual(e)
        expect(trace.steps).toHaveLength(e?.steps ?? -1)
        expect(trace.snapshots.length).toBeGreaterThan(0)
        // The stored actions re-simulate to the state chain the result's episode commits to.
        const env = await envs.create('mujoco/reach-v1', { cameras: [] })
        expect(await verifyTrace(env, { ...trace, taskParams: {} })).toEqual({ ok: true })
        await env.close()
      }
      // The URIs go into the result; the signed trajectory digest does not depend on them.
      const common = { netuid: 1, announcement: j.announcement, episodes: out.episodes, startedAtBlock: 5 }
      const withUris = buildResult({ ...common, finishedAtBlock: 9, artifactUris: uris })
      const without = buildResult({ ...common, finishedAtBlock: 9 })
      expect(withUris.artifactUris).toEqual(uris)
      expect(withUris.trajectoryDigest).toEqual(without.trajectoryDigest)
    } finally {
      await evaluation.close()
    }
  })

  it('publishes without URIs when the store cannot be written, and stores nothing when traces are off', {
    timeout: 120_000,
  }, async () => {
    const blockedDir = join(tmp.dir, 'v1')
    mkdirSync(blockedDir, { recursive: true })
    // A file where the artifact folder should be: every write fails.
    writeFileSync(join(blockedDir, 'artifacts'), 'not a directory')
    const logger = recordingLogger()
    const blocked = createEvaluation({
      config: config(),
      dataDir: blockedDir,
      fetcher: expertFetcher,
      logger,
    })
    const offDir = join(tmp.dir, 'v2')
    const off = createEvaluation({
      config: config({ traces: false }),
      dataDir: offDir,
      fetcher: expertFetcher,
    })
    try {
      const j = job('toy/point-reach-v1', 2)
      const a = await blocked.evaluate(j, { signal: new AbortController().signal })
      expect(a.episodes).toHaveLength(2)
      expect(a.episodes.every((e) => e.error === undefined)).toBe(true)
      expect(a.artifactUris).toBeUndefined()
      expect(logger.warnings).toContain('episode artifacts not stored; publishing without URIs')
      const b = await off.evaluate(j, { signal: new AbortController().signal })
      expect(b.artifactUris).toBeUndefined()
      expect(existsSync(join(offDir, 'artifacts'))).toBe(false)
      // Same episodes either way: storing traces changes nothing that is signed.
      expect(b.episodes.map((e) => e.finalStateHash)).toEqual(a.episodes.map((e) => e.finalStateHash))
    } finally {
      await blocked.close()
      await off.close()
    }
  })
})

describe('storeEpisodeArtifacts', () => {
  let tmp: TempDir
  beforeAll(() => {
    tmp = makeTempDir('kinitro-node-artifacts-')
  })
  afterAll(() => tmp?.cleanup())

  const traces = (n: number) =>
    Array.from({ length: n }, (_, i) =>
      failedTrace({ envId: 'toy/point-reach-v1', taskId: 't', seed: 1000 + i, params: {} }, i, 'env_error', 'x'),
    )

  it('stores every episode but lists at most MAX_ARTIFACT_URIS', async () => {
    const store = createFolderArtifactStore({ root: tmp.file('many') })
    const n = MAX_ARTIFACT_URIS + 8
    const uris = await storeEpisodeArtifacts({
      store,
      announcement: job('toy/point-reach-v1', n).announcement,
      traces: traces(n),
      logger: silentLogger,
    })
    expect(uris).toHaveLength(MAX_ARTIFACT_URIS)
    expect(uris?.[5]).toContain('/runs/local/3/7/toy_point-reach-v1/1005/episode.json')
    const last = await store.head(`runs/local/3/7/toy_point-reach-v1/${1000 + n - 1}/episode.json`)
    expect(last?.size).toBeGreaterThan(0)
  })

  it('drops the URIs when one is too long for a signed result', async () => {
    const logger = recordingLogger()
    const store = createFolderArtifactStore({ root: tmp.file(`deep/${'d'.repeat(200)}/${'e'.repeat(200)}`) })
    const uris = await storeEpisodeArtifacts({
      store,
      announcement: job('toy/point-reach-v1', 1).announcement,
      traces: traces(1),
      validator: VALIDATOR,
      logger,
    })
    expect(uris).toBeUndefined()
    expect(logger.warnings).toEqual(['artifact URI too long for a result; publishing without URIs'])
  })
})
