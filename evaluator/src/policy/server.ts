import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { performance } from 'node:perf_hooks'
import { PolicyError } from './errors.js'
import type { WireAction, WireObservation, WireResetRequest } from './wire.js'

/** What a TypeScript policy implements; `act` gets the wire observation (see `decodeObservation`). */
export interface ServedPolicy {
  /** Called on `POST /reset` with the reference `task_config` (never a seed or task id). */
  reset?(taskConfig: WireResetRequest['task_config']): void | Promise<void>
  /** Called on `POST /act`; may answer the reference flat array (7 numbers) instead of a `WireAction`. */
  act(obs: WireObservation): WireAction | number[] | Promise<WireAction | number[]>
  /** Reported as `model_loaded` on `/health`. @default true */
  isLoaded?(): boolean
}

export interface ServePolicyOptions {
  /** @default 0 (the OS picks) */
  port?: number
  /** @default '127.0.0.1' */
  host?: string
  /** Listen on a Unix socket instead of TCP (what a bubblewrap bridge connects to). */
  socketPath?: string
  /** Largest request body. @default SERVE_BODY_LIMIT */
  bodyLimit?: number
}

export interface ServedPolicyHandle {
  /** `http://host:port` (or `http://policy` for a Unix socket). */
  url: string
  port: number
  socketPath?: string
  close(): Promise<void>
}

/**
 * Two 84×84 cameras with RGB (28 KiB base64 each) and float32 depth (37 KiB base64 each) are ~130 KiB of
 * JSON; 4 MiB leaves room for larger cameras without letting a caller exhaust memory.
 */
export const SERVE_BODY_LIMIT = 4 * 1024 * 1024

class HttpFailure extends Error {
  readonly status: number
  constructor(status: number, message: string) {
    super(message)
    this.status = status
  }
}

function readBody(req: http.IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? 0)
    if (declared > limit) return reject(new HttpFailure(413, 'request body too large'))
    const chunks: Buffer[] = []
    let size = 0
    req.on('data', (c: Buffer) => {
      size += c.length
      if (size > limit) {
        reject(new HttpFailure(413, 'request body too large'))
        req.destroy()
      } else chunks.push(c)
    })
    req.on('end', () => resolve(Buffer.concat(chunks, size)))
    req.on('error', reject)
  })
}

async function readJson(req: http.IncomingMessage, limit: number): Promise<Record<string, unknown>> {
  const raw = await readBody(req, limit)
  let parsed: unknown
  try {
    parsed = JSON.parse(raw.toString('utf8'))
  } catch {
    throw new HttpFailure(400, 'body is not JSON')
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new HttpFailure(422, 'body is not a JSON object')
  }
  return parsed as Record<string, unknown>
}

function send(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body)
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) })
  res.end(text)
}

/**
 * Serves a policy over the reference contract: `GET /health` → `{status, model_loaded, uptime_seconds}`,
 * `POST /reset` → `{status: 'ok', episode_id: null}`, `POST /act` → `{action}`; a throwing policy answers
 * 500 `{detail}` like the reference FastAPI template. The TypeScript miner template and tests build on it.
 */
export async function servePolicy(policy: ServedPolicy, opts: ServePolicyOptions = {}): Promise<ServedPolicyHandle> {
  const started = performance.now()
  const limit = opts.bodyLimit ?? SERVE_BODY_LIMIT

  async function route(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0]
    if (req.method === 'GET' && path === '/health') {
      return send(res, 200, {
        status: 'healthy',
        model_loaded: policy.isLoaded?.() ?? true,
        uptime_seconds: (performance.now() - started) / 1000,
      })
    }
    if (req.method === 'POST' && path === '/reset') {
      const body = await readJson(req, limit)
      const cfg = (body.task_config ?? {}) as WireResetRequest['task_config']
      await policy.reset?.(cfg)
      return send(res, 200, { status: 'ok', episode_id: null })
    }
    if (req.method === 'POST' && path === '/act') {
      const body = await readJson(req, limit)
      if (typeof body.obs !== 'object' || body.obs === null) throw new HttpFailure(422, 'body has no "obs" object')
      const action = await policy.act(body.obs as WireObservation)
      return send(res, 200, { action })
    }
    throw new HttpFailure(404, 'not found')
  }

  const server = http.createServer((req, res) => {
    route(req, res).catch((err: unknown) => {
      if (res.headersSent || res.destroyed) return
      const status = err instanceof HttpFailure ? err.status : 500
      send(res, status, { detail: err instanceof Error ? err.message : String(err) })
    })
  })
  // Longer than any client's idle gap between steps, so the evaluator's keep-alive socket is never cut
  // under a request in flight.
  server.keepAliveTimeout = 65_000
  server.headersTimeout = 66_000

  await new Promise<void>((resolve, reject) => {
    const onError = (err: Error) =>
      reject(
        new PolicyError({
          code: 'EVAL_POLICY_LISTEN_FAILED',
          host: opts.socketPath ?? opts.host ?? '127.0.0.1',
          port: opts.port ?? 0,
          reason: err.message,
        }),
      )
    server.once('error', onError)
    const ready = () => {
      server.off('error', onError)
      resolve()
    }
    if (opts.socketPath !== undefined) server.listen(opts.socketPath, ready)
    else server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', ready)
  })

  let url = 'http://policy'
  let port = 0
  if (opts.socketPath === undefined) {
    const addr = server.address() as AddressInfo
    port = addr.port
    const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address
    url = `http://${host}:${port}`
  }
  let closing: Promise<void> | undefined
  const handle: ServedPolicyHandle = {
    url,
    port,
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      })
      return closing
    },
  }
  if (opts.socketPath !== undefined) handle.socketPath = opts.socketPath
  return handle
}
