import type { FailureCode, Logger } from '#protocol'
import { silentLogger } from '#protocol'
import type { Action, Observation } from '../env/types.js'
import { PolicyCallError, PolicyError, type PolicyOp, quoteBody } from './errors.js'
import { createPolicyTransport, type PolicyHttpResponse } from './http.js'
import {
  DEFAULT_POLICY_LIMITS,
  type PolicyClient,
  type PolicyEndpoint,
  type PolicyHealth,
  type PolicyLimits,
  type PolicyResetConfig,
} from './types.js'
import { validateActResponse } from './validate.js'
import { encodeObservation, type WireResetRequest } from './wire.js'

export interface PolicyClientOptions {
  /** Overrides of {@link DEFAULT_POLICY_LIMITS}. */
  limits?: Partial<PolicyLimits>
  logger?: Logger
}

/** A {@link PolicyClient} over HTTP that also reports how long its last call took. */
export interface HttpPolicyClient extends PolicyClient {
  readonly limits: Readonly<PolicyLimits>
  /** Request start to validated answer of the last successful call (or to the failure), in ms. */
  readonly lastLatencyMs: number
}

const HEALTHY = new Set(['healthy', 'ok'])

/** True when a `/health` answer means the policy is ready (`healthy` or `ok`, as the reference servers say). */
export function isHealthy(health: PolicyHealth): boolean {
  return HEALTHY.has(health.status)
}

function checkLimits(limits: PolicyLimits): void {
  for (const [key, value] of Object.entries(limits)) {
    if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
      throw new PolicyError({ code: 'EVAL_POLICY_BAD_LIMITS', key, value: Number(value) })
    }
  }
}

function isJson(contentType: string): boolean {
  const mime = contentType.split(';')[0]?.trim().toLowerCase() ?? ''
  return mime === 'application/json' || (mime.startsWith('application/') && mime.endsWith('+json'))
}

/** Parses a JSON answer or throws `failure` (bad response for /act, the op's own code otherwise). */
function parseJson(res: PolicyHttpResponse, op: PolicyOp, failure: FailureCode): unknown {
  if (!isJson(res.contentType)) {
    throw new PolicyCallError(failure, op, `content-type ${quoteBody(res.contentType, 60)}`, res.latencyMs)
  }
  try {
    return JSON.parse(res.body.toString('utf8'))
  } catch {
    throw new PolicyCallError(failure, op, `not JSON: ${quoteBody(res.body)}`, res.latencyMs)
  }
}

function httpStatusError(res: PolicyHttpResponse, op: PolicyOp, failure: FailureCode): PolicyCallError {
  return new PolicyCallError(failure, op, `HTTP ${res.status}: ${quoteBody(res.body)}`, res.latencyMs)
}

/** The reference's `env_name`: the family before the slash of an env id such as `mujoco/reach-v1`. */
function envName(envId: string): string {
  const slash = envId.indexOf('/')
  return slash > 0 ? envId.slice(0, slash) : envId
}

/**
 * A client for one policy server speaking the reference contract over a keep-alive connection (TCP, or the
 * Unix socket a sandbox bridges). Every failure rejects with a {@link PolicyCallError} whose `failure` is
 * the episode code: see the policy README table. Calls are meant to be sequential (one episode per policy).
 *
 * @example
 * ```ts
 * const client = createPolicyClient({ url: 'http://127.0.0.1:8000' })
 * await waitHealthy(client, { deadlineMs: 30_000 })
 * await client.reset({ envId: 'mujoco/reach-v1', taskName: 'reach' })
 * const action = await client.act(obs, { ee_twist: 6, gripper: 1 })
 * ```
 */
export function createPolicyClient(endpoint: PolicyEndpoint, opts: PolicyClientOptions = {}): HttpPolicyClient {
  const limits: PolicyLimits = { ...DEFAULT_POLICY_LIMITS, ...opts.limits }
  checkLimits(limits)
  const log = (opts.logger ?? silentLogger).child('evaluator:policy')
  const transport = createPolicyTransport(endpoint)
  let lastLatencyMs = Number.NaN

  async function call<T>(op: PolicyOp, run: () => Promise<T>): Promise<T> {
    try {
      return await run()
    } catch (err) {
      if (err instanceof PolicyCallError) {
        if (err.latencyMs !== undefined) lastLatencyMs = err.latencyMs
        log.debug('policy call failed', { op, failure: err.failure, detail: err.detail })
      }
      throw err
    }
  }

  async function health(signal?: AbortSignal): Promise<PolicyHealth> {
    return call('health', async () => {
      const res = await transport.request({
        op: 'health',
        method: 'GET',
        path: '/health',
        timeoutMs: limits.healthTimeoutMs,
        maxBytes: limits.maxResponseBytes,
        signal,
      })
      lastLatencyMs = res.latencyMs
      if (res.status < 200 || res.status > 299) throw httpStatusError(res, 'health', 'policy_health_failed')
      const body = parseJson(res, 'health', 'policy_health_failed') as Record<string, unknown> | null
      if (typeof body !== 'object' || body === null || typeof body.status !== 'string') {
        throw new PolicyCallError('policy_health_failed', 'health', 'answer has no string "status"', res.latencyMs)
      }
      const out: PolicyHealth = { status: body.status.slice(0, 64) }
      if (typeof body.model_loaded === 'boolean') out.modelLoaded = body.model_loaded
      if (typeof body.uptime_seconds === 'number') out.uptimeSeconds = body.uptime_seconds
      return out
    })
  }

  async function reset(config: PolicyResetConfig, signal?: AbortSignal): Promise<void> {
    // Built field by field so nothing else from the caller's config (a seed, a task id) can ride along.
    const wire: WireResetRequest = {
      task_config: { env_id: config.envId, env_name: envName(config.envId), task_name: config.taskName },
    }
    return call('reset', async () => {
      const res = await transport.request({
        op: 'reset',
        method: 'POST',
        path: '/reset',
        body: JSON.stringify(wire),
        timeoutMs: limits.resetTimeoutMs,
        maxBytes: limits.maxResponseBytes,
        signal,
      })
      lastLatencyMs = res.latencyMs
      if (res.status < 200 || res.status > 299) throw httpStatusError(res, 'reset', 'policy_reset_failed')
    })
  }

  async function act(
    obs: Observation,
    expected: Readonly<Record<string, number>>,
    signal?: AbortSignal,
  ): Promise<Action> {
    const body = JSON.stringify({ obs: encodeObservation(obs) })
    return call('act', async () => {
      const res = await transport.request({
        op: 'act',
        method: 'POST',
        path: '/act',
        body,
        timeoutMs: limits.actTimeoutMs,
        maxBytes: limits.maxResponseBytes,
        signal,
      })
      lastLatencyMs = res.latencyMs
      if (res.status < 200 || res.status > 299) throw httpStatusError(res, 'act', 'policy_http_error')
      const parsed = parseJson(res, 'act', 'policy_bad_response')
      try {
        return validateActResponse(parsed, expected)
      } catch (err) {
        if (err instanceof PolicyCallError) {
          throw new PolicyCallError(err.failure, 'act', err.detail, res.latencyMs)
        }
        throw err
      }
    })
  }

  return {
    endpoint,
    limits,
    get lastLatencyMs() {
      return lastLatencyMs
    },
    health,
    reset,
    act,
    close: () => transport.close(),
  }
}

export interface WaitHealthyOptions {
  /** Give up after this long (from the call). */
  deadlineMs: number
  /** Pause between probes. @default 100 */
  intervalMs?: number
  signal?: AbortSignal
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer)
      signal?.removeEventListener('abort', done)
      resolve()
    }
    const timer = setTimeout(done, ms)
    signal?.addEventListener('abort', done, { once: true })
  })
}

/**
 * Polls `GET /health` until the policy says it is healthy. Rejects with `policy_health_failed` (carrying the
 * last probe's reason) at the deadline, or `validator_cancelled` when `signal` aborts.
 */
export async function waitHealthy(client: PolicyClient, opts: WaitHealthyOptions): Promise<PolicyHealth> {
  const start = Date.now()
  const interval = opts.intervalMs ?? 100
  let last = 'no probe finished'
  for (;;) {
    if (opts.signal?.aborted) throw new PolicyCallError('validator_cancelled', 'health', 'aborted by the validator')
    const left = opts.deadlineMs - (Date.now() - start)
    if (left <= 0) break
    // Each probe gets at most what is left, so a hanging policy cannot stretch the deadline.
    const probe = AbortSignal.timeout(Math.max(1, left))
    const signal = opts.signal ? AbortSignal.any([opts.signal, probe]) : probe
    try {
      const h = await client.health(signal)
      if (isHealthy(h)) return h
      last = `status ${JSON.stringify(h.status)}`
    } catch (err) {
      if (!(err instanceof PolicyCallError)) throw err
      if (err.failure === 'validator_cancelled' && opts.signal?.aborted) throw err
      last = `${err.failure}: ${err.detail}`
    }
    await sleep(Math.min(interval, Math.max(0, opts.deadlineMs - (Date.now() - start))), opts.signal)
  }
  throw new PolicyCallError('policy_health_failed', 'health', `not healthy within ${opts.deadlineMs} ms (${last})`)
}
