import { request } from 'node:http'
import type { PolicyEndpoint } from '../policy/types.js'

/** One `GET` answer, body capped. */
export interface HttpAnswer {
  status: number
  body: string
}

const MAX_BODY = 64 * 1024

/**
 * A minimal GET over TCP or a Unix socket; the runtimes only need `/health` and must not depend on the
 * policy client, which lives in another folder and may evolve independently.
 */
export function httpGet(endpoint: PolicyEndpoint, path: string, timeoutMs: number, signal?: AbortSignal) {
  return new Promise<HttpAnswer>((resolve, reject) => {
    const url = new URL(path, endpoint.url)
    const req = request(
      {
        ...(endpoint.socketPath ? { socketPath: endpoint.socketPath } : { host: url.hostname, port: url.port }),
        path: url.pathname + url.search,
        method: 'GET',
        headers: { host: url.host, connection: 'close' },
        timeout: timeoutMs,
        signal,
      },
      (res) => {
        let body = ''
        res.setEncoding('utf8')
        res.on('data', (chunk: string) => {
          if (body.length < MAX_BODY) body += chunk
        })
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: body.slice(0, MAX_BODY) }))
        res.on('error', reject)
      },
    )
    req.on('timeout', () => req.destroy(new Error(`GET ${path} timed out after ${timeoutMs} ms`)))
    req.on('error', reject)
    req.end()
  })
}

/** Options of {@link waitHealthy}. */
export interface WaitHealthyOptions {
  /** Give up after this long. */
  deadlineMs: number
  /** Time between probes. @default 100 */
  intervalMs?: number
  /** Per-probe timeout. @default 2000 */
  probeTimeoutMs?: number
  signal?: AbortSignal
  /** Stops polling early (the process already exited): return its reason. */
  gaveUp?: () => string | undefined
}

/** The outcome of {@link waitHealthy}: healthy, or why not. */
export type HealthResult = { ok: true } | { ok: false; reason: string; aborted?: boolean; gaveUp?: boolean }

/** Polls `GET /health` until it answers 2xx, the deadline passes, the signal aborts, or `gaveUp` says stop. */
export async function waitHealthy(endpoint: PolicyEndpoint, opts: WaitHealthyOptions): Promise<HealthResult> {
  const deadline = Date.now() + opts.deadlineMs
  const interval = opts.intervalMs ?? 100
  let last = 'no answer yet'
  for (;;) {
    if (opts.signal?.aborted) return { ok: false, reason: 'aborted', aborted: true }
    const stop = opts.gaveUp?.()
    if (stop !== undefined) return { ok: false, reason: stop, gaveUp: true }
    const left = deadline - Date.now()
    if (left <= 0) return { ok: false, reason: `not healthy within ${opts.deadlineMs} ms (last: ${last})` }
    try {
      const res = await httpGet(endpoint, '/health', Math.min(opts.probeTimeoutMs ?? 2_000, left), opts.signal)
      if (res.status >= 200 && res.status < 300) return { ok: true }
      last = `status ${res.status}`
    } catch (err) {
      last = err instanceof Error ? err.message : String(err)
    }
    await sleep(Math.min(interval, Math.max(0, deadline - Date.now())), opts.signal)
  }
}

/** A sleep that ends early (without throwing) when `signal` aborts, and leaves no timer behind. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve()
    const done = () => {
      clearTimeout(timer)
      signal?.removeEventListener('abort', done)
      resolve()
    }
    const timer = setTimeout(done, ms)
    signal?.addEventListener('abort', done, { once: true })
  })
}
