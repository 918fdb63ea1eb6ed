import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { hasCode } from '#protocol'
import { readEpisodeTrace, writeEpisodeArtifacts } from '../../../src/artifacts/episode-log.js'
import { createFolderArtifactStore } from '../../../src/artifacts/folder-store.js'
import { episodeKeyPrefix } from '../../../src/artifacts/keys.js'
import { createS3ArtifactStore } from '../../../src/artifacts/s3-store.js'
import type { ArtifactStore } from '../../../src/artifacts/types.js'
import type { ImageTensor } from '../../../src/env/types.js'
import type { EpisodeTrace } from '../../../src/episode/types.js'
import { type S3rverHandle, startS3rver } from '../../utils/s3rver.js'

function trace(steps = 20): EpisodeTrace {
  return {
    outcome: {
      envId: 'reach-v1',
      taskId: 'reach',
      episodeIndex: 3,
      seed: 42,
      success: true,
      successAtEnd: false,
      totalReward: 1.5,
      steps,
      durationMs: 812,
      latencyP50Ms: 3,
      latencyP99Ms: 9,
      latencyMaxMs: 11,
      finalStateHash: 'f'.repeat(64),
      simulator: { name: 'mujoco-js', version: '0.0.7' },
    },
    initialStateHash: '0'.repeat(64),
    steps: Array.from({ length: steps }, (_, t) => ({
      t,
      action: {
        continuous: { gripper: [0.5], ee_twist: [t / 10, 0, 0, 0, 0, -(t + 1) / 7] },
        discrete: {},
        extra: { z: 1, a: [t] },
      },
      reward: t * 0.1,
      success: t === steps - 1,
      latencyMs: 2 + (t % 3),
      stateHash: t.toString(16).padStart(64, '0'),
    })),
    snapshotEvery: 10,
    snapshots: ['AAEC', 'AwQF'],
  }
}

function frames(n: number, h = 31, w = 45): ImageTensor[] {
  return Array.from({ length: n }, (_, i) => {
    const data = new Uint8Array(h * w * 3)
    for (let p = 0; p < h * w; p++) {
      data[p * 3] = (p + i * 13) % 256
      data[p * 3 + 1] = (p * 3) % 256
      data[p * 3 + 2] = i * 20
    }
    return { data, shape: [h, w, 3], dtype: 'uint8' as const }
  })
}

let root: string
let s3: S3rverHandle
const stores: [string, () => ArtifactStore][] = []

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'kinitro-episode-log-'))
  s3 = await startS3rver()
  await s3.createBucket('episodes')
})
afterAll(async () => {
  await s3?.stop()
  await rm(root, { recursive: true, force: true })
})
stores.push(['folder', () => createFolderArtifactStore({ root })])
stores.push([
  's3',
  () =>
    createS3ArtifactStore({
      bucket: 'episodes',
      endpoint: s3.endpoint,
      region: s3.region,
      forcePathStyle: true,
      credentials: s3.credentials,
    }),
])

describe.each(stores)('episode artifacts on %s', (_name, make) => {
  const prefix = episodeKeyPrefix({ validator: '5Grw', cycle: 12, minerUid: 7, envId: 'reach-v1', seed: 42 })

  it('round-trips a trace and lists its files under the documented layout', async () => {
    const store = make()
    const t = trace()
    const written = await writeEpisodeArtifacts(store, prefix, t)
    expect(written.trajectoryDigest.length).toBe(32)
    expect(written.steps.key).toBe('runs/5Grw/12/7/reach-v1/42/steps.jsonl.gz')
    const back = await readEpisodeTrace(store, prefix)
    expect({ ...back, document: undefined }).toEqual({ ...t, document: undefined })
    expect(back.document.files['steps.jsonl.gz']?.sha256).toBe(written.steps.sha256)
    expect(back.document.trajectoryDigest).toBe(Buffer.from(written.trajectoryDigest).toString('hex'))
    const keys: string[] = []
    for await (const i of store.list(prefix)) keys.push(i.key.slice(prefix.length))
    expect(keys).toEqual(['episode.json', 'snapshots.json.gz', 'steps.jsonl.gz'])
    await store.close?.()
  })

  it('gives the same digest and steps bytes for the same steps, and a different one when a step changes', async () => {
    const store = make()
    const a = await writeEpisodeArtifacts(store, `${prefix}a/`, trace())
    const reordered = trace()
    const s0 = reordered.steps[0]!
    s0.action = {
      extra: { a: [0], z: 1 },
      discrete: {},
      continuous: { ee_twist: s0.action.continuous['ee_twist']!, gripper: [0.5] },
    }
    const b = await writeEpisodeArtifacts(store, `${prefix}b/`, reordered)
    expect(Buffer.from(b.trajectoryDigest)).toEqual(Buffer.from(a.trajectoryDigest))
    expect(b.steps.sha256).toBe(a.steps.sha256)
    const changed = trace()
    changed.steps[5]!.reward += 1e-9
    const c = await writeEpisodeArtifacts(store, `${prefix}c/`, changed)
    expect(Buffer.from(c.trajectoryDigest)).not.toEqual(Buffer.from(a.trajectoryDigest))
    await store.close?.()
  })

  it('refuses to read a tampered steps file', async () => {
    const store = make()
    await writeEpisodeArtifacts(store, `${prefix}t/`, trace())
    const other = await writeEpisodeArtifacts(store, `${prefix}u/`, trace(5))
    await store.put(`${prefix}t/steps.jsonl.gz`, await store.get(other.steps.key))
    const err = await readEpisodeTrace(store, `${prefix}t/`).catch((e: unknown) => e)
    expect(hasCode(err, 'EVAL_ARTIFACT_TRACE_INVALID')).toBe(true)
    await store.close?.()
  })

  it('writes an MP4 (ftyp box first) whose size grows with the frames, odd sizes cropped', async () => {
    const store = make()
    const short = await writeEpisodeArtifacts(store, `${prefix}v1/`, trace(), { video: { frames: frames(3), fps: 10 } })
    const long = await writeEpisodeArtifacts(store, `${prefix}v2/`, trace(), {
      video: { frames: frames(30), fps: 10, camera: 'front' },
    })
    expect(short.video?.key.endsWith('video_main.mp4')).toBe(true)
    expect(long.video?.key.endsWith('video_front.mp4')).toBe(true)
    const mp4 = await store.get(long.video!.key)
    expect(Buffer.from(mp4.subarray(4, 8)).toString('latin1')).toBe('ftyp')
    expect(long.video!.bytes).toBeGreaterThan(short.video!.bytes)
    const doc = (await readEpisodeTrace(store, `${prefix}v2/`)).document
    expect(doc.files['video_front.mp4']).toMatchObject({ sha256: long.video!.sha256, frames: 30, fps: 10 })
    await store.close?.()
  })
})

describe('video input checks', () => {
  it('rejects empty, mixed-size and non-RGB frames with EVAL_ARTIFACT_VIDEO_FAILED', async () => {
    const store = createFolderArtifactStore({ root: join(root, 'video-checks') })
    const bad = [
      { frames: [], fps: 10 },
      { frames: [...frames(1), ...frames(1, 8, 8)], fps: 10 },
      { frames: [{ data: new Uint8Array(16), shape: [4, 4, 1], dtype: 'uint8' as const }], fps: 10 },
      { frames: frames(1), fps: 0 },
    ]
    for (const video of bad) {
      const err = await writeEpisodeArtifacts(store, 'runs/x/', trace(1), { video }).catch((e: unknown) => e)
      expect(hasCode(err, 'EVAL_ARTIFACT_VIDEO_FAILED')).toBe(true)
    }
  })
})
