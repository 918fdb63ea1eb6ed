import { createServer, type Server } from 'node:http'
import { createServer as createTcpServer } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RuntimeError } from '../../../src/runtime/errors.js'
import { addressRejection, createRemoteRuntime } from '../../../src/runtime/remote-runtime.js'
import { ROOMY } from './helpers.js'

let healthy: Server
let sick: Server
let base = ''
let sickBase = ''
let hits = 0

beforeAll(async () => {
  healthy = createServer((req, res) => {
    hits++
    res.end(req.url === '/miner/health' ? '{"status":"healthy"}' : 'nope')
  })
  sick = createServer((_req, res) => {
    res.writeHead(503)
    res.end()
  })
  await new Promise<void>((resolve) => healthy.listen(0, '127.0.0.1', resolve))
  await new Promise<void>((resolve) => sick.listen(0, '127.0.0.1', resolve))
  base = `http://127.0.0.1:${(healthy.address() as { port: number }).port}`
  sickBase = `http://127.0.0.1:${(sick.address() as { port: number }).port}`
})
afterAll(async () => {
  await new Promise((resolve) => healthy.close(resolve))
  await new Promise((resolve) => sick.close(resolve))
})

const source = (url: string) => ({ dir: '', command: [], label: 'remote', url })
const fast = { allowLoopback: true, attempts: 2, retryDelayMs: 50, healthTimeoutMs: 1_000 }

async function freeClosedPort(): Promise<number> {
  const s = createTcpServer()
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve))
  const port = (s.address() as { port: number }).port
  await new Promise((resolve) => s.close(resolve))
  return port
}

describe('remote runtime', () => {
  it('starts by checking /health under the committed path; isolation is remote; stop is a no-op', async () => {
    const rt = createRemoteRuntime(fast)
    const before = hits
    const handle = await rt.start(source(`${base}/miner/`), ROOMY)
    expect(handle.isolation).toBe('remote')
    expect(handle.endpoint.url).toBe(`${base}/miner`)
    expect(hits).toBe(before + 1)
    await handle.stop()
    await handle.stop()
    expect(await handle.exited).toEqual({ code: null, signal: null })
    await rt.close()
  })

  it('an endpoint that answers unhealthy on every attempt is policy_health_failed', async () => {
    const err = (await createRemoteRuntime(fast)
      .start(source(sickBase), ROOMY)
      .catch((e: unknown) => e)) as RuntimeError
    expect(err.code).toBe('EVAL_RUNTIME_POLICY_UNHEALTHY')
    expect(err.meta.failure).toBe('policy_health_failed')
  })

  it('an endpoint that never accepts a connection is network_remote_unreachable', async () => {
    const port = await freeClosedPort()
    const err = (await createRemoteRuntime(fast)
      .start(source(`http://127.0.0.1:${port}`), ROOMY)
      .catch((e: unknown) => e)) as RuntimeError
    expect(err.code).toBe('EVAL_RUNTIME_REMOTE_UNREACHABLE')
    expect(err.meta.failure).toBe('network_remote_unreachable')
  })

  it.each([['file:///etc/passwd'], ['ftp://example.com/x'], ['not a url'], ['http://user:pw@example.com/']])(
    'rejects %s',
    async (url) => {
      const err = (await createRemoteRuntime(fast)
        .start(source(url), ROOMY)
        .catch((e: unknown) => e)) as RuntimeError
      expect(err.code).toBe('EVAL_RUNTIME_REMOTE_URL_REJECTED')
    },
  )

  it('refuses loopback and private addresses unless allowed (SSRF)', async () => {
    const strict = createRemoteRuntime({ attempts: 1 })
    for (const url of [
      base,
      'http://localhost:1/',
      'http://[::1]:1/',
      'http://10.1.2.3/',
      'http://169.254.169.254/',
      'http://[::ffff:192.168.1.1]/',
    ]) {
      const err = (await strict.start(source(url), ROOMY).catch((e: unknown) => e)) as RuntimeError
      expect(err.code, url).toBe('EVAL_RUNTIME_REMOTE_URL_REJECTED')
    }
    expect(addressRejection('8.8.8.8', {})).toBeUndefined()
    expect(addressRejection('10.0.0.1', { allowPrivate: true })).toBeUndefined()
    expect(addressRejection('127.0.0.1', { allowPrivate: true })).toBeDefined()
  })
})
