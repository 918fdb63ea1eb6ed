import { Registry } from 'prom-client'
import { afterEach, describe, expect, it } from 'vitest'
import { createHealthServer, type HealthServer, type HealthStatus } from '../../../src/health/index.js'
import { failureParty, getNodeMetrics } from '../../../src/metrics.js'

const servers: HealthServer[] = []
afterEach(async () => {
  for (const s of servers.splice(0)) await s.stop()
})

async function serve(status: () => HealthStatus | Promise<HealthStatus>, register = new Registry()) {
  const server = createHealthServer({ port: 0, metricsRegister: register, status })
  servers.push(server)
  await server.start()
  return server
}

const healthy: HealthStatus = { chainConnected: true, meshPeers: 2, synced: true }

async function health(server: HealthServer): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${server.url}/health`)
  return { status: res.status, body: (await res.json()) as Record<string, unknown> }
}

describe('health server', () => {
  it('GET /health answers 200 when healthy and 503 with the reasons otherwise', async () => {
    let current: HealthStatus = healthy
    const server = await serve(() => current)
    await server.start() // idempotent
    expect(await health(server)).toEqual({
      status: 200,
      body: { healthy: true, reasons: [], chainConnected: true, meshPeers: 2, synced: true },
    })

    current = { chainConnected: false, meshPeers: 0, synced: false }
    const bad = await health(server)
    expect(bad.status).toBe(503)
    expect(bad.body.reasons).toEqual(['chain-disconnected', 'no-mesh-peers', 'not-synced'])

    current = { ...healthy, meshPeers: 0, aloneAllowed: true }
    expect((await health(server)).status, 'alone allowed').toBe(200)

    current = { ...healthy, checks: { canary: false, weights: true } }
    const check = await health(server)
    expect(check.status).toBe(503)
    expect(check.body.reasons).toEqual(['check:canary'])

    current = { ...healthy, checks: { canary: true } }
    expect((await health(server)).status).toBe(200)
  })

  it('a throwing status source is a 503 with status-unavailable, not a 500', async () => {
    const server = await serve(() => {
      throw new Error('mesh not built yet')
    })
    const r = await health(server)
    expect(r.status).toBe(503)
    expect(r.body.reasons).toEqual(['status-unavailable'])
  })

  it('GET /metrics exposes the node metrics as Prometheus text, hook gauges read at scrape', async () => {
    const register = new Registry()
    const metrics = getNodeMetrics(register)
    metrics.weightsSet.inc({ outcome: 'set' })
    metrics.weightsLastBlock.set(1234)
    metrics.episodes.inc({ party: failureParty('policy_timeout') })
    metrics.episodes.inc({ party: failureParty(null) })
    metrics.evaluationDuration.observe({ outcome: 'ok' }, 42)
    let pending = 3
    metrics.observeJobs(() => ({ pending, claimed: 1 }))
    metrics.observeStore(() => ({ log: 10, queue: 4, outbox: 0 }))
    const server = await serve(() => healthy, register)

    const res = await fetch(`${server.url}/metrics`)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toContain('text/plain')
    const text = await res.text()
    expect(text).toContain('kinitro_node_weights_set_total{outcome="set"} 1')
    expect(text).toContain('kinitro_node_weights_last_block 1234')
    expect(text).toContain('kinitro_node_episodes_total{party="policy"} 1')
    expect(text).toContain('kinitro_node_episodes_total{party="none"} 1')
    expect(text).toContain('kinitro_node_evaluation_duration_seconds_count{outcome="ok"} 1')
    expect(text).toContain('kinitro_node_jobs{state="pending"} 3')
    expect(text).toContain('kinitro_node_jobs{state="dead"} 0')
    expect(text).toContain('kinitro_node_store_rows{table="log"} 10')

    pending = 7
    expect(await (await fetch(`${server.url}/metrics`)).text()).toContain('kinitro_node_jobs{state="pending"} 7')
  })

  it('typed errors: a taken port is NODE_HEALTH_LISTEN_FAILED, a bad port NODE_HEALTH_BAD_OPTIONS', async () => {
    const first = await serve(() => healthy)
    const port = Number(new URL(first.url as string).port)
    const second = createHealthServer({ port, metricsRegister: new Registry(), status: () => healthy })
    servers.push(second)
    await expect(second.start()).rejects.toMatchObject({ code: 'NODE_HEALTH_LISTEN_FAILED' })
    expect(second.isStarted()).toBe(false)
    expect(() => createHealthServer({ port: 70000, metricsRegister: new Registry(), status: () => healthy })).toThrow(
      expect.objectContaining({ code: 'NODE_HEALTH_BAD_OPTIONS' }),
    )
    await first.stop()
    await first.stop() // idempotent
    expect(first.isStarted()).toBe(false)
    await expect(fetch(`http://127.0.0.1:${port}/health`)).rejects.toThrow()
  })
})

describe('failureParty', () => {
  it('maps failure codes to their closed party label', () => {
    expect(failureParty('env_unstable')).toBe('env')
    expect(failureParty('network_remote_unreachable')).toBe('network')
    expect(failureParty('validator_internal')).toBe('validator')
    expect(failureParty(undefined)).toBe('none')
  })
})
