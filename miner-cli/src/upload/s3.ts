import { createHash } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { HeadObjectCommand, type HeadObjectCommandOutput, PutObjectCommand, S3Client } from '@aws-sdk/client-s3'
import { defaultChecksumMode } from '#evaluator'
import { inspectArchive } from './archive.js'
import { UploadError, uploadError } from './errors.js'

/** User-metadata key of the SHA-256, the same one evaluator's S3 artifact store writes (`x-amz-meta-sha256`). */
const SHA256_METADATA = 'sha256'

/** What `upload.json` records after a bucket upload. */
export interface S3UploadReceipt {
  kind: 's3'
  bucket: string
  key: string
  /** `publicUrl` + key when the bucket is public (what validators download), else `s3://bucket/key`. */
  url: string
  sha256: string
  bytes: number
  /** ISO 8601. */
  uploadedAt: string
}

/** Static S3 credentials; R2 API tokens have the same two parts. */
export interface S3Credentials {
  accessKeyId: string
  secretAccessKey: string
  sessionToken?: string
}

/** Options of {@link uploadToS3}. */
export interface S3UploadOptions {
  archive: string
  bucket?: string
  /** Custom endpoint (R2: `https://<account>.r2.cloudflarestorage.com`); omit for AWS. */
  endpoint?: string
  /** @default 'auto' (R2's value) */
  region?: string
  /** Path-style URLs, for local S3 servers. @default false */
  forcePathStyle?: boolean
  /** Key prefix; a `/` is added when missing. @default 'kinitro/' */
  prefix?: string
  /** Public base URL of the bucket (R2: `https://pub-<id>.r2.dev`). */
  publicUrl?: string
  /** From {@link s3CredentialsFromEnv}; missing is `MINER_UPLOAD_S3_CONFIG_MISSING`. */
  credentials?: S3Credentials
  signal?: AbortSignal
  /** Notes for the miner (an upload skipped because the object is already there). */
  log?: (text: string) => void
}

/** `AWS_ACCESS_KEY_ID` / `AWS_SECRET_ACCESS_KEY` (+ `AWS_SESSION_TOKEN`), as every S3 tool reads them. */
export function s3CredentialsFromEnv(env: Readonly<Record<string, string | undefined>>): S3Credentials | undefined {
  const accessKeyId = env.AWS_ACCESS_KEY_ID?.trim()
  const secretAccessKey = env.AWS_SECRET_ACCESS_KEY?.trim()
  if (!accessKeyId || !secretAccessKey) return undefined
  const sessionToken = env.AWS_SESSION_TOKEN?.trim()
  return { accessKeyId, secretAccessKey, ...(sessionToken && { sessionToken }) }
}

/** The object key of an archive: content-addressed, so uploading the same bytes again lands on the same key. */
export function s3KeyFor(prefix: string, sha256: string): string {
  const p = prefix === '' || prefix.endsWith('/') ? prefix : `${prefix}/`
  // Short on purpose: a `k1u` commitment carries the URL in at most 80 bytes and the full digest beside it, so
  // 64 bits of the digest name the object without colliding and without costing safety.
  return `${p}${sha256.slice(0, S3_KEY_DIGEST_CHARS)}.tgz`
}

/** Hex characters of the archive digest in its object key. */
export const S3_KEY_DIGEST_CHARS = 16

/**
 * Uploads the archive to `<prefix><first 16 hex of sha256>.tgz` in a bucket the miner controls (S3 or R2). An object already
 * there with the same size and SHA-256 metadata is kept (nothing is sent); otherwise one PutObject of the bytes
 * (read into memory, so the SDK can retry it; validators cap archives at 512 MiB by default) with the
 * SHA-256 as `ChecksumSHA256` (servers that check it refuse corrupted bodies) and as metadata, then HeadObject
 * to confirm size and digest.
 *
 * @example
 * ```ts
 * await uploadToS3({ archive: 'build/policy.tar.gz', bucket: 'policies', endpoint, region: 'auto',
 *   publicUrl: 'https://pub-abc.r2.dev', credentials: s3CredentialsFromEnv(process.env) })
 * ```
 */
export async function uploadToS3(o: S3UploadOptions): Promise<S3UploadReceipt> {
  if (!o.bucket) {
    throw uploadError('MINER_UPLOAD_S3_CONFIG_MISSING', 's3', 'no bucket: set --s3-bucket or `[s3] bucket`')
  }
  if (!o.credentials) {
    const reason = 'no S3 credentials: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not both set'
    throw uploadError('MINER_UPLOAD_S3_CONFIG_MISSING', 's3', reason)
  }
  if (o.endpoint !== undefined && !URL.canParse(o.endpoint)) {
    throw uploadError('MINER_UPLOAD_S3_CONFIG_MISSING', 's3', `--s3-endpoint "${o.endpoint}" is not a URL`)
  }
  const archive = await inspectArchive(o.archive)
  const bucket = o.bucket
  const key = s3KeyFor(o.prefix ?? 'kinitro/', archive.sha256)
  const where = `s3://${bucket}/${key}`
  // Non-AWS endpoints get WHEN_REQUIRED: R2 rejected the SDK's default CRC32 headers (evaluator artifacts README).
  const mode = defaultChecksumMode(o.endpoint)
  const client = new S3Client({
    region: o.region ?? 'auto',
    ...(o.endpoint !== undefined && { endpoint: o.endpoint }),
    forcePathStyle: o.forcePathStyle ?? false,
    credentials: o.credentials,
    requestChecksumCalculation: mode,
    responseChecksumValidation: mode,
    // The SDK's warnings would go to the console; the CLI's stdout must stay clean for --json.
    logger: { debug: () => {}, info: () => {}, warn: (...m: unknown[]) => o.log?.(m.join(' ')), error: () => {} },
  })
  const send = { abortSignal: o.signal }
  const head = () => client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }), send)
  const matches = (h: HeadObjectCommandOutput) =>
    h.ContentLength === archive.bytes && h.Metadata?.[SHA256_METADATA] === archive.sha256
  try {
    const existing = await head().catch((err: unknown) => {
      if (status(err) === 404) return undefined
      throw err
    })
    if (existing && matches(existing)) {
      o.log?.(`${where} already holds these bytes; nothing sent`)
    } else {
      // Bytes, not a stream: the SDK retries a failed PUT only when it can resend the body.
      const body = await readFile(archive.path)
      if (createHash('sha256').update(body).digest('hex') !== archive.sha256) {
        throw uploadError('MINER_UPLOAD_VERIFY_FAILED', 'local', `${archive.path} changed while uploading`, { where })
      }
      await client.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: key,
          Body: body,
          ContentLength: archive.bytes,
          ContentType: 'application/gzip',
          ChecksumSHA256: Buffer.from(archive.sha256, 'hex').toString('base64'),
          Metadata: { [SHA256_METADATA]: archive.sha256 },
        }),
        send,
      )
      const stored = await head()
      if (!matches(stored)) {
        const seen = `${stored.ContentLength} bytes, sha256 ${stored.Metadata?.[SHA256_METADATA] ?? 'missing'}`
        const reason = `${where} holds ${seen} after the upload; sent ${archive.bytes} bytes, sha256 ${archive.sha256}`
        throw uploadError('MINER_UPLOAD_VERIFY_FAILED', 's3', reason, { where })
      }
    }
  } catch (err) {
    throw s3Failure(err, o, where)
  } finally {
    client.destroy()
  }
  const url = o.publicUrl === undefined ? where : `${o.publicUrl.replace(/\/+$/u, '')}/${key}`
  return {
    kind: 's3',
    bucket,
    key,
    url,
    sha256: archive.sha256,
    bytes: archive.bytes,
    uploadedAt: new Date().toISOString(),
  }
}

function status(err: unknown): number | undefined {
  return (err as { $metadata?: { httpStatusCode?: number } } | undefined)?.$metadata?.httpStatusCode
}

const AUTH_ERRORS = new Set([
  'AccessDenied',
  'InvalidAccessKeyId',
  'SignatureDoesNotMatch',
  'ExpiredToken',
  'Forbidden',
])

/** AWS SDK errors carry the S3 error code as `name` and the HTTP status in `$metadata`. */
function s3Failure(err: unknown, o: S3UploadOptions, where: string): unknown {
  if (err instanceof UploadError) return err
  if (!(err instanceof Error)) return err
  if (o.signal?.aborted || err.name === 'AbortError') {
    return uploadError('MINER_UPLOAD_ABORTED', 's3', 'the upload was cancelled', { where }, err)
  }
  const code = status(err)
  const extra = { where, ...(code !== undefined && { status: code }) }
  const said = `${err.name}${code === undefined ? '' : ` (${code})`}: ${err.message}`
  if (err.name === 'NoSuchBucket') {
    return uploadError(
      'MINER_UPLOAD_S3_BUCKET_NOT_FOUND',
      's3',
      `bucket ${o.bucket} does not exist (${said})`,
      extra,
      err,
    )
  }
  if (AUTH_ERRORS.has(err.name) || code === 401 || code === 403) {
    return uploadError('MINER_UPLOAD_S3_AUTH_FAILED', 's3', `the bucket refused the credentials (${said})`, extra, err)
  }
  const endpoint = o.endpoint ?? 'AWS S3'
  return uploadError('MINER_UPLOAD_S3_FAILED', 's3', `upload to ${endpoint} failed: ${said}`, extra, err)
}
