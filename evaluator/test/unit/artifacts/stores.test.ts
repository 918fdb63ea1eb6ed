import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { hasCode, type Logger } from '#protocol'
import { ARTIFACT_ERROR_CODES, ARTIFACT_ERROR_FIXES } from '../../../src/artifacts/errors.js'
import { createFolderArtifactStore } from '../../../src/artifacts/folder-store.js'
import { episodeKeyPrefix } from '../../../src/artifacts/keys.js'
import { createS3ArtifactStore, defaultChecksumMode, S3_MIN_PART_BYTES } from '../../../src/artifacts/s3-store.js'
import { type S3rverHandle, startS3rver } from '../../utils/s3rver.js'

let root: string
let s3: S3rverHandle
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'kinitro-stores-'))
  s3 = await startS3rver()
  await s3.createBucket('unit')
})
afterAll(async () => {
  await s3?.stop()
  await rm(root, { recursive: true, force: true })
})

function recorder(): Logger & { entries: [string, Record<string, unknown> | undefined][] } {
  const entries: [string, Record<string, unknown> | undefined][] = []
  const log = {
    entries,
    error: (m: string, c?: Record<string, unknown>) => entries.push([m, c]),
    warn: (m: string, c?: Record<string, unknown>) => entries.push([m, c]),
    info: (m: string, c?: Record<string, unknown>) => entries.push([m, c]),
    debug: (m: string, c?: Record<string, unknown>) => entries.push([m, c]),
    child: () => log,
  }
  return log
}

describe('artifact keys and errors', () => {
  it('builds the documented episode prefix and refuses parts that would nest', () => {
    expect(episodeKeyPrefix({ validator: 'v', cycle: 3, minerUid: 7, envId: 'reach-v1', seed: 99 })).toBe(
      'runs/v/3/7/reach-v1/99/',
    )
    for (const envId of ['a/b', '..', '']) {
      expect(() => episodeKeyPrefix({ validator: 'v', cycle: 3, minerUid: 7, envId, seed: 1 })).toThrow()
    }
  })

  it('has a fix for every code', () => {
    expect(Object.keys(ARTIFACT_ERROR_FIXES).sort()).toEqual([...ARTIFACT_ERROR_CODES].sort())
  })
})

describe('folder store specifics', () => {
  it('names objects by file:// URL, keeps the digest in a sidecar and leaves no temp files', async () => {
    const store = createFolderArtifactStore({ root })
    await store.put('a/b.txt', new TextEncoder().encode('hi'), { metadata: { k: 'v' } })
    const path = fileURLToPath(store.uri('a/b.txt'))
    expect(await readFile(path, 'utf8')).toBe('hi')
    const sidecar = JSON.parse(await readFile(join(root, '.kinitro-meta/a/b.txt.json'), 'utf8'))
    expect(sidecar).toMatchObject({ size: 2, metadata: { k: 'v' } })
    expect(await readdir(join(root, '.kinitro-tmp'))).toEqual([])
    const err = await store.put('.kinitro-meta/x', new Uint8Array(1)).catch((e: unknown) => e)
    expect(hasCode(err, 'EVAL_ARTIFACT_BAD_KEY')).toBe(true)
  })
})

describe('s3 store specifics', () => {
  it('defaults to WHEN_REQUIRED checksums off AWS, WHEN_SUPPORTED on AWS', () => {
    expect(defaultChecksumMode(undefined)).toBe('WHEN_SUPPORTED')
    expect(defaultChecksumMode('https://s3.eu-west-1.amazonaws.com')).toBe('WHEN_SUPPORTED')
    expect(defaultChecksumMode('https://acct.r2.cloudflarestorage.com')).toBe('WHEN_REQUIRED')
  })

  it('refuses bad config', () => {
    const base = { bucket: 'b', region: 'auto' }
    for (const bad of [
      { ...base, bucket: '' },
      { ...base, region: '' },
      { ...base, partSizeBytes: 1024 },
      { ...base, endpoint: 'nope' },
    ]) {
      let err: unknown
      try {
        createS3ArtifactStore(bad)
      } catch (e) {
        err = e
      }
      expect(hasCode(err, 'EVAL_ARTIFACT_CONFIG_INVALID')).toBe(true)
    }
  })

  it('uses multipart from one part size up, and reports a missing bucket as EVAL_ARTIFACT_IO_FAILED', async () => {
    const logger = recorder()
    const opts = { endpoint: s3.endpoint, region: s3.region, forcePathStyle: true, credentials: s3.credentials }
    const store = createS3ArtifactStore({ bucket: 'unit', ...opts, partSizeBytes: S3_MIN_PART_BYTES, logger })
    await store.put('small', new Uint8Array(S3_MIN_PART_BYTES - 1))
    await store.put('large', new Uint8Array(S3_MIN_PART_BYTES + 1))
    const stored = logger.entries.filter(([m]) => m === 'artifact stored').map(([, c]) => c)
    expect(stored).toEqual([
      { key: 'small', size: S3_MIN_PART_BYTES - 1, multipart: false },
      { key: 'large', size: S3_MIN_PART_BYTES + 1, multipart: true },
    ])
    expect((await store.head('large'))?.size).toBe(S3_MIN_PART_BYTES + 1)
    await store.close?.()
    const missing = createS3ArtifactStore({ bucket: 'no-such-bucket', ...opts })
    const err = await missing.get('x').catch((e: unknown) => e)
    expect(hasCode(err, 'EVAL_ARTIFACT_IO_FAILED')).toBe(true)
    await missing.close?.()
  })
})
