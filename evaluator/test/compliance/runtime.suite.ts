import { request } from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { PolicyEndpoint } from '../../src/policy/types.js'
import { RuntimeError } from '../../src/runtime/errors.js'
import { httpGet } from '../../src/runtime/health.js'
import type { PolicyHandle, PolicySource, ResourceLimits, Runtime } from '../../src/runtime/types.js'

/** What a runtime implementation supplies to the compliance suite. */
export interface RuntimeSuiteSetup {
  runtime: Runtime
  /** A well-behaved policy (the reference contract: /health, /reset, /act). Labels must be unique per call. */
  good(label: string): PolicySource
  /** A policy that exits before it is healthy. */
  broken(label: string): PolicySource
  /** A policy that never becomes healthy (for aborts mid-start). */
  slow(label: string): PolicySource
  limits: ResourceLimits
  /** True once nothing of the handle's policy is left running. */
  gone(handle: PolicyHandle): Promise<boolean>
  teardown?(): Promise<void>
}

/** POSTs JSON to a policy endpoint over TCP or its Unix socket. */
export function postJson(
  endpoint: PolicyEndpoint,
  path: string,
  body: unknown,
): Promise<{ status: number; json: unknown }> {
  const url = new URL(path, endpoint.url)
  const data = JSON.stringify(body)
  return new Promise((resolve, reject) => {
    const req = request(
      {
        ...(endpoint.socketPath ? { socketPath: endpoint.socketPath } : { host: url.hostname, port: url.port }),
        path: url.pathname,
        method: 'POST',
        headers: { host: url.host, 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) },
        timeout: 5_000,
      },
      (res) => {
        let text = ''
        res.on('data', (c: Buffer) => {
          text += c.toString('utf8')
        })
        res.on('end', () => {
          try {
            resolve({ status: res.statusCode ?? 0, json: JSON.parse(text) })
          } catch (err) {
            reject(err)
          }
        })
      },
    )
    req.on('timeout', () => req.destroy(new Error('timeout')))
    req.on('error', reject)
    req.end(data)
  })
}

/** `gone` for local runtimes: the policy no longer answers (process group dead, socket removed). */
export function unreachable(handle: PolicyHandle): Promise<boolean> {
  return httpGet(handle.endpoint, '/health', 1_000).then(
    () => false,
    () => true,
  )
}

/** The contract every {@link Runtime} must meet. */
export function runtimeSuite(name: string, setup: () => Promise<RuntimeSuiteSetup>): void {
  describe(`Runtime compliance: ${name}`, () => {
    let s: RuntimeSuiteSetup
    beforeAll(async () => {
      s = await setup()
    })
    afterAll(async () => {
      await s.runtime.close()
      await s.teardown?.()
    })

    it('starts a good policy that answers /reset and /act through its endpoint', async () => {
      const handle = await s.runtime.start(s.good('c-good'), s.limits)
      expect(typeof handle.isolation).toBe('string')
      const reset = await postJson(handle.endpoint, '/reset', { task_config: { env_id: 'reach' } })
      expect(reset.status).toBe(200)
      const act = await postJson(handle.endpoint, '/act', { obs: { proprio: { ee_pos: [0, 0, 0] } } })
      expect(act.status).toBe(200)
      expect(act.json).toHaveProperty('action')
      await handle.stop()
    })

    it('stop is idempotent and leaves nothing running', async () => {
      const handle = await s.runtime.start(s.good('c-stop'), s.limits)
      await Promise.all([handle.stop(), handle.stop()])
      await handle.stop()
      expect(await s.gone(handle)).toBe(true)
      await expect(handle.exited).resolves.toBeDefined()
    })

    it('a start failure rejects with a RuntimeError carrying a policy_* failure code', async () => {
      const err = await s.runtime.start(s.broken('c-broken'), s.limits).catch((e: unknown) => e)
      expect(err).toBeInstanceOf(RuntimeError)
      expect((err as RuntimeError).meta.failure).toMatch(/^policy_/)
    })

    it('an already-aborted signal rejects with EVAL_RUNTIME_ABORTED', async () => {
      const err = await s.runtime.start(s.good('c-pre-abort'), s.limits, AbortSignal.abort()).catch((e: unknown) => e)
      expect((err as RuntimeError).code).toBe('EVAL_RUNTIME_ABORTED')
      expect((err as RuntimeError).meta.failure).toBe('validator_cancelled')
    })

    it('aborting during start rejects promptly with EVAL_RUNTIME_ABORTED', async () => {
      const ctl = new AbortController()
      const timer = setTimeout(() => ctl.abort(), 300)
      const t0 = Date.now()
      const err = await s.runtime.start(s.slow('c-abort'), s.limits, ctl.signal).catch((e: unknown) => e)
      clearTimeout(timer)
      expect((err as RuntimeError).code).toBe('EVAL_RUNTIME_ABORTED')
      expect(Date.now() - t0).toBeLessThan(10_000)
    })

    it('close stops every policy it started and refuses new ones', async () => {
      const a = await s.runtime.start(s.good('c-close-a'), s.limits)
      const b = await s.runtime.start(s.good('c-close-b'), s.limits)
      await s.runtime.close()
      await Promise.all([a.exited, b.exited])
      expect(await s.gone(a)).toBe(true)
      expect(await s.gone(b)).toBe(true)
      const err = await s.runtime.start(s.good('c-after-close'), s.limits).catch((e: unknown) => e)
      expect((err as RuntimeError).code).toBe('EVAL_RUNTIME_CLOSED')
    })
  })
}
