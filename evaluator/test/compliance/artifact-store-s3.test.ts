import { afterAll, beforeAll } from 'vitest'
import { createS3ArtifactStore, S3_MIN_PART_BYTES, type S3ChecksumMode } from '../../src/artifacts/s3-store.js'
import { type S3rverHandle, startS3rver } from '../utils/s3rver.js'
import { artifactStoreSuite } from './artifact-store.suite.js'

let s3: S3rverHandle
beforeAll(async () => {
  s3 = await startS3rver()
})
afterAll(async () => {
  await s3?.stop()
})

const modes: [S3ChecksumMode, string][] = [
  ['WHEN_SUPPORTED', ''],
  ['WHEN_REQUIRED', 'kinitro/'],
]
for (const [checksumMode, prefix] of modes) {
  artifactStoreSuite(`s3 (s3rver, checksum ${checksumMode}, prefix "${prefix}")`, async () => {
    const bucket = `compliance-${checksumMode.toLowerCase().replace('_', '-')}`
    await s3.createBucket(bucket)
    const store = createS3ArtifactStore({
      bucket,
      prefix,
      endpoint: s3.endpoint,
      region: s3.region,
      forcePathStyle: true,
      credentials: s3.credentials,
      checksumMode,
      // The smallest legal part size, so the 12 MiB body goes up in three parts.
      partSizeBytes: S3_MIN_PART_BYTES,
    })
    return { store, teardown: async () => store.close?.() }
  })
}
