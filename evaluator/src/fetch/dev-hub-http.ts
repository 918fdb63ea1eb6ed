import { createHash } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'

/** Request bodies the dev hub reads into memory; far above any policy archive a test or the devnet sends. */
export const DEV_HUB_MAX_BODY_BYTES = 1024 * 1024 * 1024

/** An error answer in the hub's shape: JSON `{ error }`, plus `X-Error-Code` where the hub sends one. */
export function json(res: ServerResponse, status: number, body: unknown, errorCode?: string): void {
  const headers: Record<string, string> = { 'content-type': 'application/json' }
  if (errorCode !== undefined) headers['x-error-code'] = errorCode
  const error = (body as { error?: unknown }).error
  // The hub repeats the message in a header; some clients only read headers on HEAD requests.
  if (typeof error === 'string') headers['x-error-message'] = encodeURIComponent(error)
  res.writeHead(status, headers)
  res.end(JSON.stringify(body))
}

/** Thrown by handlers to answer with a hub error; the router turns it into {@link json}. */
export class HubReply extends Error {
  readonly status: number
  readonly errorCode: string | undefined

  constructor(status: number, error: string, errorCode?: string) {
    super(error)
    this.status = status
    this.errorCode = errorCode
  }
}

/** The whole request body. Over `limit` is a 413, which the router sends as a hub error. */
export async function readBody(req: IncomingMessage, limit = DEV_HUB_MAX_BODY_BYTES): Promise<Buffer> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length
    if (size > limit) throw new HubReply(413, `request body over ${limit} bytes`)
    chunks.push(chunk)
  }
  return Buffer.concat(chunks)
}

/** The body as JSON; malformed JSON is the hub's 400. */
export async function readJson<T>(req: IncomingMessage): Promise<T> {
  const text = (await readBody(req)).toString('utf8')
  try {
    return JSON.parse(text) as T
  } catch {
    throw new HubReply(400, 'request body is not valid JSON')
  }
}

export function sha256(b: Uint8Array): string {
  return createHash('sha256').update(b).digest('hex')
}

/** `http://host:port` as the client addressed us, so URLs we hand out (LFS upload, commit) reach us back. */
export function baseUrl(req: IncomingMessage): string {
  return `http://${req.headers.host ?? '127.0.0.1'}`
}
