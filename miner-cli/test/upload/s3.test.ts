import { once } from 'node:events'
import { rm } from 'node:fs/promises'
import { createServer, type IncomingHttpHeaders, request } from 'node:http'
import { join } from 'node:path'
import { GetObjectCommand, HeadObjectCommand, S3Client } from '@aws-sdk/client-s3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { UploadError } from '../../src/upload/errors.js'
import { s3CredentialsFromEnv, uploadToS3 } from '../../src/upload/s3.js'
import { packagedProject, sha256 } from './helpers.js'
import { type LocalS3, startLocalS3 } from './s3rver.js'

const BUCKET = 'miner-policies'
let s3: LocalS3
let client: S3Client
let project: { dir: string; archive: Buffer }
let archivePath: string

beforeAll(async () => {
  s3 = await startLocalS3([BUCKET])
  client = new S3Client({ region: s3.region, endpoint: s3.endpoint, forcePathStyle: true, credentials: s3.credentials })
  project = await packagedProject('s3')
  archivePath = join(project.dir, 'build', 'policy.tar.gz')
})
afterAll(async () => {
  client?.destroy()
  await s3?.stop()
  await rm(project.dir, { recursive: true, force: true })
})

const target = () => ({
  archive: archivePath,
  bucket: BUCKET,
  endpoint: s3.endpoint,
  region: s3.region,
  forcePathStyle: true,
  credentials: s3.credentials,
})

async function failure(p: Promise<unknown>): Promise<UploadError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(err, 'upload should fail with an UploadError').toBeInstanceOf(UploadError)
  return err as UploadError
}

describe('uploadToS3 against s3rver', () => {
  it('puts the archive at <prefix><16 hex of sha256>.tgz with its digest as metadata; the bytes read back equal', async () => {
    const digest = sha256(project.archive)
    const receipt = await uploadToS3({ ...target(), prefix: 'kinitro/' })
    expect(receipt).toMatchObject({
      kind: 's3',
      bucket: BUCKET,
      key: `kinitro/${digest.slice(0, 16)}.tgz`,
      url: `s3://${BUCKET}/kinitro/${digest.slice(0, 16)}.tgz`,
      sha256: digest,
      bytes: project.archive.length,
    })
    const head = await client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: receipt.key }))
    expect(head.ContentLength).toBe(project.archive.length)
    expect(head.Metadata?.sha256).toBe(digest)
    const got = await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: receipt.key }))
    const bytes = await got.Body!.transformToByteArray()
    expect(sha256(bytes)).toBe(digest)
  })

  it('sends the digest as x-amz-checksum-sha256 and x-amz-meta-sha256 (s3rver ignores the checksum; AWS and R2 check it)', async () => {
    // A recording proxy in front of s3rver: SigV4 signs the Host header, which passes through unchanged.
    const puts: IncomingHttpHeaders[] = []
    const upstream = new URL(s3.endpoint)
    const proxy = createServer((req, res) => {
      if (req.method === 'PUT') puts.push(req.headers)
      const up = request({
        host: upstream.hostname,
        port: upstream.port,
        path: req.url,
        method: req.method,
        headers: req.headers,
      })
      up.on('response', (r) => {
        res.writeHead(r.statusCode ?? 500, r.headers)
        r.pipe(res)
      })
      req.pipe(up)
    }).listen(0, '127.0.0.1')
    await once(proxy, 'listening')
    try {
      const endpoint = `http://127.0.0.1:${(proxy.address() as { port: number }).port}`
      await uploadToS3({ ...target(), endpoint, prefix: 'checked/' })
      const digest = sha256(project.archive)
      expect(puts).toHaveLength(1)
      expect(puts[0]?.['x-amz-checksum-sha256']).toBe(Buffer.from(digest, 'hex').toString('base64'))
      expect(puts[0]?.['x-amz-meta-sha256']).toBe(digest)
    } finally {
      proxy.closeAllConnections()
      proxy.close()
    }
  })

  it('is idempotent: the same archive again lands on the same key and sends nothing', async () => {
    const notes: string[] = []
    const first = await uploadToS3({ ...target(), prefix: 'again' })
    const second = await uploadToS3({ ...target(), prefix: 'again', log: (t) => notes.push(t) })
    expect(second.key).toBe(first.key)
    expect(first.key).toBe(`again/${sha256(project.archive).slice(0, 16)}.tgz`)
    expect(notes.join('\n')).toContain('already holds these bytes')
  })

  it('returns the public URL validators download when publicUrl is set', async () => {
    const r = await uploadToS3({ ...target(), prefix: 'pub/', publicUrl: 'https://pub-123.r2.dev/' })
    expect(r.url).toBe(`https://pub-123.r2.dev/pub/${sha256(project.archive).slice(0, 16)}.tgz`)
  })

  it('says which setting is missing: bucket, credentials', async () => {
    const noBucket = await failure(uploadToS3({ ...target(), bucket: undefined }))
    expect(noBucket.code).toBe('MINER_UPLOAD_S3_CONFIG_MISSING')
    expect(noBucket.message).toContain('bucket')
    const noKeys = await failure(
      uploadToS3({ ...target(), credentials: s3CredentialsFromEnv({ AWS_ACCESS_KEY_ID: 'x' }) }),
    )
    expect(noKeys.code).toBe('MINER_UPLOAD_S3_CONFIG_MISSING')
    expect(noKeys.message).toContain('AWS_SECRET_ACCESS_KEY')
  })

  it('maps a bucket that does not exist and rejected credentials to their own codes', async () => {
    const nobucket = await failure(uploadToS3({ ...target(), bucket: 'no-such-bucket' }))
    expect(nobucket.meta).toMatchObject({ code: 'MINER_UPLOAD_S3_BUCKET_NOT_FOUND', status: 404 })
    const creds = { accessKeyId: 'AKIANOTAKEY', secretAccessKey: 'not-the-secret' }
    const denied = await failure(uploadToS3({ ...target(), credentials: creds }))
    expect(denied.meta).toMatchObject({ code: 'MINER_UPLOAD_S3_AUTH_FAILED', status: 403 })
    expect(denied.message).not.toContain('not-the-secret')
  })

  it('maps an unreachable endpoint to MINER_UPLOAD_S3_FAILED and a missing archive to ARCHIVE_MISSING', async () => {
    const down = await failure(uploadToS3({ ...target(), endpoint: 'http://127.0.0.1:9' }))
    expect(down.code).toBe('MINER_UPLOAD_S3_FAILED')
    const missing = await failure(uploadToS3({ ...target(), archive: join(project.dir, 'none.tar.gz') }))
    expect(missing.code).toBe('MINER_UPLOAD_ARCHIVE_MISSING')
  })

  it('reads credentials from AWS_* (session token optional, blanks are unset)', () => {
    expect(s3CredentialsFromEnv({ AWS_ACCESS_KEY_ID: 'a', AWS_SECRET_ACCESS_KEY: 'b' })).toEqual({
      accessKeyId: 'a',
      secretAccessKey: 'b',
    })
    expect(
      s3CredentialsFromEnv({ AWS_ACCESS_KEY_ID: 'a', AWS_SECRET_ACCESS_KEY: 'b', AWS_SESSION_TOKEN: 't' }),
    ).toEqual({ accessKeyId: 'a', secretAccessKey: 'b', sessionToken: 't' })
    expect(s3CredentialsFromEnv({ AWS_ACCESS_KEY_ID: ' ', AWS_SECRET_ACCESS_KEY: 'b' })).toBeUndefined()
  })
})
