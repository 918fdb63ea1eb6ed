import { createHash } from 'node:crypto'
import { createWriteStream } from 'node:fs'
import type { Writable } from 'node:stream'
import { finished } from 'node:stream/promises'
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3'
import { downloadFile, HubApiError } from '@huggingface/hub'
import { FetchError, fetchError } from './errors.js'
import type { ArtifactRef } from './types.js'

/** What every source needs to open a download. */
export interface SourceContext {
  fetch: typeof fetch
  hubUrl: string
  hfToken?: string
  s3?: () => S3Client
  maxDownloadBytes: number
  maxRedirects: number
  allowInsecureHttp: boolean
  signal: AbortSignal
}

/** The file a `kind: 'hf'` ref names when it names none. */
export const DEFAULT_HF_FILE = 'policy.tar.gz'

const REDIRECTS = new Set([301, 302, 303, 307, 308])

/** A human-readable name of the source, used in errors and logs. */
export function describeRef(ref: ArtifactRef): string {
  switch (ref.kind) {
    case 'hf':
      return `hf:${ref.repo}@${ref.revision}/${ref.file ?? DEFAULT_HF_FILE}`
    case 'https':
      return ref.url
    case 's3':
      return `s3://${ref.bucket}/${ref.key}`
  }
}

/** Opens the artifact's body. Size is checked up front where the server says it, and again while streaming. */
export async function openSource(ref: ArtifactRef, ctx: SourceContext): Promise<AsyncIterable<Uint8Array>> {
  const source = describeRef(ref)
  try {
    switch (ref.kind) {
      case 'hf':
        return await openHub(ref, ctx, source)
      case 'https':
        return await openHttps(ref.url, ctx, source)
      case 's3':
        return await openS3(ref.bucket, ref.key, ctx, source)
    }
  } catch (err) {
    throw networkError(err, source, ctx.signal)
  }
}

async function openHub(ref: Extract<ArtifactRef, { kind: 'hf' }>, ctx: SourceContext, source: string) {
  const guarded = boundedFetch(ctx, source)
  let blob: Blob | null
  try {
    blob = await downloadFile({
      repo: { type: 'model', name: ref.repo },
      path: ref.file ?? DEFAULT_HF_FILE,
      revision: ref.revision,
      hubUrl: ctx.hubUrl,
      ...(ctx.hfToken !== undefined && { accessToken: ctx.hfToken }),
      fetch: guarded,
      // Xet's chunked protocol is not needed for one archive: the resolve URL redirects to the plain bytes.
      xet: false,
    })
  } catch (err) {
    if (err instanceof HubApiError) throw statusError(err.statusCode, source, err.message)
    throw err
  }
  if (blob === null) throw fetchError('EVAL_FETCH_NOT_FOUND', source, 'no such file at this revision', { status: 404 })
  checkDeclaredSize(blob.size, ctx.maxDownloadBytes, source)
  return blob.stream() as unknown as AsyncIterable<Uint8Array>
}

async function openHttps(url: string, ctx: SourceContext, source: string) {
  const res = await boundedFetch(ctx, source)(url)
  if (!res.ok) {
    await res.body?.cancel()
    throw statusError(res.status, source, res.statusText)
  }
  const length = res.headers.get('content-length')
  if (length !== null) checkDeclaredSize(Number(length), ctx.maxDownloadBytes, source)
  if (!res.body) throw fetchError('EVAL_FETCH_UNAVAILABLE', source, 'response has no body')
  return res.body as unknown as AsyncIterable<Uint8Array>
}

async function openS3(bucket: string, key: string, ctx: SourceContext, source: string) {
  if (!ctx.s3) throw fetchError('EVAL_FETCH_CONFIG_INVALID', source, 'an s3 ref needs the fetcher s3 option')
  try {
    const res = await ctx.s3().send(new GetObjectCommand({ Bucket: bucket, Key: key }), { abortSignal: ctx.signal })
    if (res.ContentLength !== undefined) checkDeclaredSize(res.ContentLength, ctx.maxDownloadBytes, source)
    return res.Body as AsyncIterable<Uint8Array>
  } catch (err) {
    const e = err as { name?: string; $metadata?: { httpStatusCode?: number } }
    if (e.name === 'NoSuchKey' || e.name === 'NoSuchBucket') throw statusError(404, source, e.name)
    const status = e.$metadata?.httpStatusCode
    if (status !== undefined) throw statusError(status, source, e.name ?? 'error')
    throw err
  }
}

/**
 * `fetch` with redirects followed by hand: at most `maxRedirects`, never from https to http, and the
 * `Authorization` header dropped when a redirect leaves the origin (the hub redirects to a CDN with a signed
 * URL; the token must not follow it).
 */
export function boundedFetch(ctx: SourceContext, source: string): typeof fetch {
  return async (input, init) => {
    let url = new URL(input instanceof Request ? input.url : String(input))
    const headers = new Headers(init?.headers)
    for (let hop = 0; ; hop++) {
      checkScheme(url, ctx.allowInsecureHttp, source)
      const res = await ctx.fetch(url, { ...init, headers, redirect: 'manual', signal: ctx.signal })
      const location = res.headers.get('location')
      if (!REDIRECTS.has(res.status) || location === null) return res
      await res.body?.cancel()
      if (hop >= ctx.maxRedirects) {
        throw fetchError('EVAL_FETCH_UNAVAILABLE', source, `more than ${ctx.maxRedirects} redirects`)
      }
      const next = new URL(location, url)
      if (next.origin !== url.origin) headers.delete('authorization')
      url = next
    }
  }
}

function checkScheme(url: URL, allowInsecureHttp: boolean, source: string): void {
  if (url.protocol === 'https:') return
  if (url.protocol === 'http:' && allowInsecureHttp) return
  throw fetchError('EVAL_FETCH_INSECURE_URL', source, `refusing ${url.protocol} URL ${url.origin}`)
}

function checkDeclaredSize(size: number, max: number, source: string): void {
  if (Number.isFinite(size) && size > max) {
    throw fetchError('EVAL_FETCH_TOO_LARGE', source, `artifact is ${size} bytes, limit ${max}`, {
      expected: String(max),
      actual: String(size),
    })
  }
}

/** 401/403 → credentials; 404/410 → the reference is wrong; anything else → the host's problem. */
export function statusError(status: number, source: string, detail: string): FetchError {
  if (status === 401 || status === 403) {
    return fetchError('EVAL_FETCH_AUTH_FAILED', source, `HTTP ${status}: ${detail}`, { status })
  }
  if (status === 404 || status === 410) {
    return fetchError('EVAL_FETCH_NOT_FOUND', source, `HTTP ${status}: ${detail}`, { status })
  }
  return fetchError('EVAL_FETCH_UNAVAILABLE', source, `HTTP ${status}: ${detail}`, { status })
}

/** Maps a transport failure (DNS, refused connection, reset, timeout) to a typed error. */
export function networkError(err: unknown, source: string, signal: AbortSignal): FetchError {
  if (err instanceof FetchError) return err
  if (signal.aborted) return fetchError('EVAL_FETCH_UNAVAILABLE', source, 'timed out', {}, err)
  const cause = err instanceof Error && err.cause instanceof Error ? `: ${err.cause.message}` : ''
  const reason = `${err instanceof Error ? err.message : String(err)}${cause}`
  return fetchError('EVAL_FETCH_UNAVAILABLE', source, reason, {}, err)
}

/**
 * Streams `body` to `file`, hashing as it goes, and stops as soon as more than `maxBytes` arrived (a server
 * that lies about Content-Length, or sends none, gets cut off rather than filling the disk).
 */
export async function saveBody(
  body: AsyncIterable<Uint8Array>,
  file: string,
  maxBytes: number,
  source: string,
  signal: AbortSignal,
): Promise<{ sha256: string; bytes: number }> {
  const hash = createHash('sha256')
  const out: Writable = createWriteStream(file, { mode: 0o600 })
  let bytes = 0
  try {
    for await (const chunk of body) {
      bytes += chunk.length
      if (bytes > maxBytes) {
        throw fetchError('EVAL_FETCH_TOO_LARGE', source, `download passed ${maxBytes} bytes`, {
          expected: String(maxBytes),
          actual: `>${maxBytes}`,
        })
      }
      hash.update(chunk)
      if (!out.write(chunk)) await new Promise((resolve) => out.once('drain', resolve))
    }
    out.end()
    await finished(out)
  } catch (err) {
    out.destroy()
    // Stopping the iteration above cancels the HTTP body, so the server sees the connection dropped.
    throw networkError(err, source, signal)
  }
  return { sha256: hash.digest('hex'), bytes }
}
