import { createHash } from 'node:crypto'
import { createReadStream, createWriteStream } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3'
import { Upload } from '@aws-sdk/lib-storage'
import { type Logger, silentLogger } from '#protocol'
import { digestStream } from './digest-stream.js'
import { ArtifactError } from './errors.js'
import { assertValidKey, assertValidPrefix } from './keys.js'
import type { ArtifactInfo, ArtifactListOptions, ArtifactMeta, ArtifactOpOptions, ArtifactStore } from './types.js'

/** S3's minimum multipart part size (all parts but the last). */
export const S3_MIN_PART_BYTES = 5 * 1024 * 1024
/** Default part size: 8 MiB, the AWS CLI's default chunk size. */
export const S3_DEFAULT_PART_BYTES = 8 * 1024 * 1024
/** User-metadata key that carries the body's SHA-256 (sent as `x-amz-meta-sha256`). */
export const SHA256_METADATA_KEY = 'sha256'

/** How the SDK sends and checks CRC checksums; see README ("R2"). */
export type S3ChecksumMode = 'WHEN_SUPPORTED' | 'WHEN_REQUIRED'

/** Connection settings shared by the S3 store and the artifact fetcher. Plain data (structuredClone-safe). */
export interface S3ConnectionOptions {
  region: string
  /** Custom endpoint (R2, s3rver); omit for AWS. */
  endpoint?: string
  /** Path-style URLs (`endpoint/bucket/key`); needed by s3rver and most self-hosted servers. @default false */
  forcePathStyle?: boolean
  /** Static credentials; omit to use the SDK's default provider chain (env, profile, instance role). */
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string }
  /** @default 'WHEN_REQUIRED' when `endpoint` is set and not AWS, else 'WHEN_SUPPORTED' */
  checksumMode?: S3ChecksumMode
}

/** Options of {@link createS3ArtifactStore}. */
export interface S3ArtifactStoreInit extends S3ConnectionOptions {
  bucket: string
  /** Prepended to every key (e.g. `kinitro/`); listings strip it again. @default '' */
  prefix?: string
  /** Bodies of at least this size go up as multipart uploads of this part size (>= 5 MiB). @default 8 MiB */
  partSizeBytes?: number
  /** Parts uploaded in parallel. @default 4 */
  queueSize?: number
  /** @default silentLogger */
  logger?: Logger
}

/** The default checksum mode: R2 and other non-AWS servers rejected the SDK's CRC32 headers (README). */
export function defaultChecksumMode(endpoint: string | undefined): S3ChecksumMode {
  if (endpoint === undefined) return 'WHEN_SUPPORTED'
  const host = URL.canParse(endpoint) ? new URL(endpoint).hostname : ''
  return host === 'amazonaws.com' || host.endsWith('.amazonaws.com') ? 'WHEN_SUPPORTED' : 'WHEN_REQUIRED'
}

/** An `S3Client` for these settings. */
export function createS3Client(o: S3ConnectionOptions, store = 's3'): S3Client {
  if (!o.region) configInvalid(store, 'region', 'required (use "auto" for R2)')
  if (o.endpoint !== undefined && !URL.canParse(o.endpoint)) configInvalid(store, 'endpoint', 'not a URL')
  const mode = o.checksumMode ?? defaultChecksumMode(o.endpoint)
  return new S3Client({
    region: o.region,
    ...(o.endpoint !== undefined && { endpoint: o.endpoint }),
    forcePathStyle: o.forcePathStyle ?? false,
    ...(o.credentials !== undefined && { credentials: o.credentials }),
    requestChecksumCalculation: mode,
    responseChecksumValidation: mode,
  })
}

/**
 * Artifacts in an S3 bucket (AWS, Cloudflare R2, s3rver). Small bodies go up with one PutObject; bodies of at
 * least `partSizeBytes` use lib-storage's multipart `Upload` (failed uploads are aborted, not left as parts).
 * The SHA-256 travels as user metadata. A stream body of unknown digest is spooled to a temp file first,
 * because the metadata must be known when the upload starts.
 *
 * @example
 * ```ts
 * const store = createS3ArtifactStore({ bucket: 'kinitro', region: 'auto',
 *   endpoint: 'https://<account>.r2.cloudflarestorage.com', credentials: { accessKeyId, secretAccessKey } })
 * ```
 */
export function createS3ArtifactStore(init: S3ArtifactStoreInit): ArtifactStore {
  if (!init.bucket) configInvalid('s3', 'bucket', 'required')
  const partSize = init.partSizeBytes ?? S3_DEFAULT_PART_BYTES
  if (!Number.isInteger(partSize) || partSize < S3_MIN_PART_BYTES) configInvalid('s3', 'partSizeBytes', '>= 5 MiB')
  const prefix = init.prefix ?? ''
  if (prefix !== '') assertValidPrefix(prefix.endsWith('/') ? prefix : `${prefix}/`)
  return new S3ArtifactStore(init, createS3Client(init), partSize)
}

class S3ArtifactStore implements ArtifactStore {
  readonly kind = 's3'
  readonly #client: S3Client
  readonly #bucket: string
  readonly #prefix: string
  readonly #partSize: number
  readonly #queueSize: number
  readonly #log: Logger

  constructor(init: S3ArtifactStoreInit, client: S3Client, partSize: number) {
    this.#client = client
    this.#bucket = init.bucket
    this.#prefix = init.prefix ?? ''
    this.#partSize = partSize
    this.#queueSize = init.queueSize ?? 4
    this.#log = (init.logger ?? silentLogger).child('evaluator:artifacts:s3')
  }

  async put(key: string, body: Uint8Array | Readable, meta: ArtifactMeta = {}, opts: ArtifactOpOptions = {}) {
    assertValidKey(key)
    opts.signal?.throwIfAborted()
    if (body instanceof Uint8Array) return this.#putBytes(key, body, meta, opts)
    // Spool: the digest goes into the object's metadata, which S3 fixes when the upload starts.
    const dir = await mkdtemp(join(tmpdir(), 'kinitro-s3-'))
    try {
      const file = join(dir, 'body')
      const digest = digestStream()
      await this.#wrap('put', key, () =>
        pipeline(body, digest.stream, createWriteStream(file), { signal: opts.signal }),
      )
      const sha256 = this.#checkDigest(key, meta, digest.sha256())
      return await this.#upload(key, () => createReadStream(file), digest.size(), sha256, meta, opts)
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  }

  async get(key: string, opts: ArtifactOpOptions = {}): Promise<Uint8Array> {
    const res = await this.#getObject(key, opts)
    return this.#wrap('get', key, () =>
      (res.Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray(),
    )
  }

  async getStream(key: string, opts: ArtifactOpOptions = {}): Promise<Readable> {
    const res = await this.#getObject(key, opts)
    return res.Body as Readable
  }

  async head(key: string, opts: ArtifactOpOptions = {}): Promise<ArtifactInfo | undefined> {
    assertValidKey(key)
    try {
      const res = await this.#client.send(new HeadObjectCommand({ Bucket: this.#bucket, Key: this.#full(key) }), {
        abortSignal: opts.signal,
      })
      const metadata = { ...res.Metadata }
      const sha256 = metadata[SHA256_METADATA_KEY]
      delete metadata[SHA256_METADATA_KEY]
      const out: ArtifactInfo = { key, size: res.ContentLength ?? 0, metadata }
      if (sha256 !== undefined) out.sha256 = sha256
      if (res.ContentType !== undefined) out.contentType = res.ContentType
      return out
    } catch (err) {
      if (isNotFound(err)) return undefined
      throw this.#ioError('head', key, err)
    }
  }

  async *list(prefix: string, opts: ArtifactListOptions = {}): AsyncIterable<ArtifactInfo> {
    assertValidPrefix(prefix)
    let token: string | undefined
    do {
      const page = await this.#wrap('list', prefix, () =>
        this.#client.send(
          new ListObjectsV2Command({
            Bucket: this.#bucket,
            Prefix: this.#full(prefix),
            ContinuationToken: token,
            ...(opts.pageSize !== undefined && { MaxKeys: opts.pageSize }),
          }),
          { abortSignal: opts.signal },
        ),
      )
      for (const o of page.Contents ?? []) {
        if (o.Key === undefined) continue
        yield { key: o.Key.slice(this.#prefix.length), size: o.Size ?? 0, metadata: {} }
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined
    } while (token !== undefined)
  }

  async delete(key: string, opts: ArtifactOpOptions = {}): Promise<void> {
    assertValidKey(key)
    await this.#wrap('delete', key, () =>
      this.#client.send(new DeleteObjectCommand({ Bucket: this.#bucket, Key: this.#full(key) }), {
        abortSignal: opts.signal,
      }),
    )
  }

  uri(key: string): string {
    assertValidKey(key)
    return `s3://${this.#bucket}/${this.#full(key)}`
  }

  async close(): Promise<void> {
    this.#client.destroy()
  }

  #full(key: string): string {
    return this.#prefix + key
  }

  #checkDigest(key: string, meta: ArtifactMeta, actual: string): string {
    if (meta.sha256 !== undefined && meta.sha256.toLowerCase() !== actual) {
      throw new ArtifactError(
        { code: 'EVAL_ARTIFACT_DIGEST_MISMATCH', store: this.kind, key, expected: meta.sha256, actual },
        'body does not match meta.sha256',
      )
    }
    return actual
  }

  async #putBytes(key: string, body: Uint8Array, meta: ArtifactMeta, opts: ArtifactOpOptions) {
    const sha256 = this.#checkDigest(key, meta, createHash('sha256').update(body).digest('hex'))
    return this.#upload(key, () => Readable.from([Buffer.from(body)]), body.length, sha256, meta, opts, body)
  }

  async #upload(
    key: string,
    open: () => Readable,
    size: number,
    sha256: string,
    meta: ArtifactMeta,
    opts: ArtifactOpOptions,
    bytes?: Uint8Array,
  ): Promise<ArtifactInfo> {
    const params = {
      Bucket: this.#bucket,
      Key: this.#full(key),
      Metadata: { ...meta.metadata, [SHA256_METADATA_KEY]: sha256 },
      ...(meta.contentType !== undefined && { ContentType: meta.contentType }),
    }
    if (size < this.#partSize) {
      // Bytes, never a stream: with a stream body the SDK sends aws-chunked encoding with a trailing CRC,
      // which s3rver stored verbatim inside the object. Below one part size the body fits in memory anyway.
      const body = bytes ?? (await this.#wrap('put', key, () => buffer(open())))
      await this.#wrap('put', key, () =>
        this.#client.send(new PutObjectCommand({ ...params, Body: body }), { abortSignal: opts.signal }),
      )
    } else {
      const upload = new Upload({
        client: this.#client,
        params: { ...params, Body: open() },
        partSize: this.#partSize,
        queueSize: this.#queueSize,
        leavePartsOnError: false,
      })
      const onAbort = () => void upload.abort().catch(() => {})
      opts.signal?.addEventListener('abort', onAbort, { once: true })
      try {
        await this.#wrap('put', key, () => upload.done())
      } finally {
        opts.signal?.removeEventListener('abort', onAbort)
      }
    }
    this.#log.debug('artifact stored', { key, size, multipart: size >= this.#partSize })
    const out: ArtifactInfo = { key, size, sha256, metadata: { ...meta.metadata } }
    if (meta.contentType !== undefined) out.contentType = meta.contentType
    return out
  }

  async #getObject(key: string, opts: ArtifactOpOptions) {
    assertValidKey(key)
    try {
      return await this.#client.send(new GetObjectCommand({ Bucket: this.#bucket, Key: this.#full(key) }), {
        abortSignal: opts.signal,
      })
    } catch (err) {
      if (isNotFound(err)) {
        throw new ArtifactError({ code: 'EVAL_ARTIFACT_NOT_FOUND', store: this.kind, key }, `no artifact at ${key}`)
      }
      throw this.#ioError('get', key, err)
    }
  }

  async #wrap<T>(op: string, key: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn()
    } catch (err) {
      throw this.#ioError(op, key, err)
    }
  }

  #ioError(op: string, key: string, err: unknown): Error {
    if (err instanceof ArtifactError) return err
    if (err instanceof Error && err.name === 'AbortError') return err
    const status = (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode
    const reason = `${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}${status ? ` (HTTP ${status})` : ''}`
    return new ArtifactError(
      { code: 'EVAL_ARTIFACT_IO_FAILED', store: this.kind, op, key, reason },
      `s3 ${op} failed: ${reason}`,
      { cause: err },
    )
  }
}

async function buffer(stream: Readable): Promise<Uint8Array> {
  const chunks: Buffer[] = []
  for await (const c of stream) chunks.push(c as Buffer)
  return Buffer.concat(chunks)
}

/** HeadObject answers a bare 404 (`NotFound`); GetObject answers `NoSuchKey`. A missing bucket is a config error. */
export function isNotFound(err: unknown): boolean {
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number } } | undefined
  if (e?.name === 'NoSuchBucket') return false
  return e?.name === 'NotFound' || e?.name === 'NoSuchKey' || e?.$metadata?.httpStatusCode === 404
}

function configInvalid(store: string, field: string, reason: string): never {
  throw new ArtifactError(
    { code: 'EVAL_ARTIFACT_CONFIG_INVALID', store, field, reason },
    `${store} store option ${field}: ${reason}`,
  )
}
