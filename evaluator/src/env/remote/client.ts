import { RemoteEnvCallError } from './errors.js'

/** A method as `GET /methods` lists it. */
export interface ContainerMethod {
  name: string
  signature?: string
  source?: string
}

export interface CallOptions {
  timeoutMs?: number
  signal?: AbortSignal
}

/** The affinetes env-container HTTP protocol (`reference/evaluator.md` §1.2), nothing more. */
export interface EnvContainerClient {
  readonly baseUrl: string
  health(opts?: CallOptions): Promise<void>
  methods(opts?: CallOptions): Promise<ContainerMethod[]>
  /** `POST /call {method, args, kwargs}` → `result`; throws {@link RemoteEnvCallError}. */
  call<T = unknown>(method: string, args?: unknown[], kwargs?: Record<string, unknown>, opts?: CallOptions): Promise<T>
}

/** Largest answer we read from a container (observations with two 84×84 cameras are ~130 KiB). */
const MAX_BODY_BYTES = 32 * 1024 * 1024

/** @param defaultTimeoutMs per-call deadline unless a call names its own. */
export function createEnvContainerClient(baseUrl: string, defaultTimeoutMs = 30_000): EnvContainerClient {
  const base = baseUrl.replace(/\/+$/, '')

  async function request(path: string, body: unknown, opts: CallOptions): Promise<unknown> {
    const timeout = AbortSignal.timeout(opts.timeoutMs ?? defaultTimeoutMs)
    const signal = opts.signal ? AbortSignal.any([opts.signal, timeout]) : timeout
    const label = path === '/call' ? String((body as { method: string }).method) : path
    let res: Response
    let text: string
    try {
      res = await fetch(`${base}${path}`, {
        method: body === undefined ? 'GET' : 'POST',
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal,
      })
      text = await res.text()
    } catch (err) {
      if (opts.signal?.aborted) throw new RemoteEnvCallError('validator_cancelled', label, 'cancelled')
      const reason = timeout.aborted
        ? 'timed out'
        : err instanceof Error
          ? `${err.message} ${String(err.cause ?? '')}`
          : String(err)
      throw new RemoteEnvCallError('env_unavailable', label, reason)
    }
    if (text.length > MAX_BODY_BYTES) throw new RemoteEnvCallError('env_error', label, 'answer too large')
    if (res.status !== 200)
      throw new RemoteEnvCallError('env_error', label, `HTTP ${res.status}: ${text.slice(0, 200)}`)
    try {
      return JSON.parse(text)
    } catch {
      throw new RemoteEnvCallError('env_error', label, `not JSON: ${text.slice(0, 80)}`)
    }
  }

  return {
    baseUrl: base,
    async health(opts = {}) {
      const body = (await request('/health', undefined, opts)) as { status?: unknown }
      if (body?.status !== 'ok' && body?.status !== 'healthy') {
        throw new RemoteEnvCallError('env_unavailable', '/health', `status ${String(body?.status)}`)
      }
    },
    async methods(opts = {}) {
      const body = (await request('/methods', undefined, opts)) as { methods?: unknown }
      if (!Array.isArray(body?.methods)) throw new RemoteEnvCallError('env_error', '/methods', 'no methods array')
      return body.methods.filter((m): m is ContainerMethod => typeof m?.name === 'string')
    },
    async call<T>(method: string, args: unknown[] = [], kwargs: Record<string, unknown> = {}, opts: CallOptions = {}) {
      const body = (await request('/call', { method, args, kwargs }, opts)) as {
        status?: unknown
        result?: unknown
      }
      if (body?.status !== 'success')
        throw new RemoteEnvCallError('env_error', method, `status ${String(body?.status)}`)
      return body.result as T
    },
  }
}
