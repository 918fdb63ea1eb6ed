import { mkdtemp, rm } from 'node:fs/promises'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { hasCode } from '#protocol'
import { createPolicyClient, isHealthy, waitHealthy } from '../../../src/policy/client.js'
import { servePolicy } from '../../../src/policy/server.js'
import type { PolicyResetConfig } from '../../../src/policy/types.js'
import { decodeObservation, type WireObservation } from '../../../src/policy/wire.js'
import { goodPolicy, recordingPolicy, scriptedPolicy } from '../../utils/bad-policies.js'
import { ARM, callError, makeObservation, TWO_CAMERAS } from './helpers.js'

let dir: string
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kinitro-policy-client-'))
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

describe('createPolicyClient against a good policy', () => {
  it('round-trips an observation with two cameras and returns the validated action', async () => {
    const seen: WireObservation[] = []
    const served = await servePolicy({
      act(obs) {
        seen.push(obs)
        return { continuous: { ee_twist: [0.5, -0.5, 1, 0, 0, -1], gripper: [1] }, discrete: { mode: 2 } }
      },
    })
    const client = createPolicyClient({ url: served.url })
    try {
      const obs = makeObservation(TWO_CAMERAS, { task_prompt: 'reach the goal' })
      const action = await client.act(obs, ARM)
      expect(action).toEqual({
        continuous: { ee_twist: [0.5, -0.5, 1, 0, 0, -1], gripper: [1] },
        discrete: { mode: 2 },
        extra: {},
      })
      const wire = seen[0] as WireObservation
      expect(Object.keys(wire).sort()).toEqual(['cam_extrinsics', 'cam_intrinsics', 'depth', 'extra', 'proprio', 'rgb'])
      expect(wire.rgb.corner?.shape).toEqual([84, 84, 3])
      expect(wire.depth.corner2?.dtype).toBe('float32')
      expect(decodeObservation(wire)).toEqual(obs)
      expect(client.lastLatencyMs).toBeGreaterThan(0)
    } finally {
      client.close()
      await served.close()
    }
  })

  it('sends /reset with only env_id, env_name and task_name, even when the caller passes more', async () => {
    const rec = await recordingPolicy()
    const client = createPolicyClient(rec.endpoint)
    try {
      const config = { envId: 'mujoco/push-v1', taskName: 'push', seed: 12345, taskId: 'push-3' }
      await client.reset(config as PolicyResetConfig)
      const req = rec.recorded[0]
      expect(req?.head).toMatch(/^POST \/reset HTTP\/1\.1/)
      expect(req?.head.toLowerCase()).toContain('content-type: application/json')
      expect(JSON.parse(String(req?.body))).toEqual({
        task_config: { env_id: 'mujoco/push-v1', env_name: 'mujoco', task_name: 'push' },
      })
    } finally {
      client.close()
      await rec.close()
    }
  })

  it('reads /health, and only healthy/ok count as healthy', async () => {
    const served = await servePolicy({ act: () => ({}), isLoaded: () => false })
    const client = createPolicyClient({ url: served.url })
    try {
      const h = await client.health()
      expect(h.status).toBe('healthy')
      expect(h.modelLoaded).toBe(false)
      expect(typeof h.uptimeSeconds).toBe('number')
      expect(isHealthy(h)).toBe(true)
      expect(isHealthy({ status: 'ok' })).toBe(true)
      expect(isHealthy({ status: 'loading' })).toBe(false)
    } finally {
      client.close()
      await served.close()
    }
  })

  it('keeps one connection alive across an episode of calls', async () => {
    const policy = await goodPolicy()
    const client = createPolicyClient(policy.endpoint)
    try {
      await client.health()
      await client.reset({ envId: 'mujoco/reach-v1', taskName: 'reach' })
      const obs = makeObservation()
      for (let i = 0; i < 25; i++) await client.act(obs, ARM)
      expect(policy.requests['/act']).toBe(25)
      expect(policy.totalConnections()).toBe(1)
    } finally {
      client.close()
      await policy.close()
    }
  })

  it('retries once on a fresh connection when a pooled socket turns out to be closed', async () => {
    // Answers the first request on each connection, then drops the connection at its second request:
    // what a server closing idle keep-alive sockets looks like to a client that races it.
    const perSocket = new WeakMap<object, number>()
    let acts = 0
    const server = http.createServer((req, res) => {
      const n = (perSocket.get(req.socket) ?? 0) + 1
      perSocket.set(req.socket, n)
      if (n > 1) return void req.socket.destroy()
      req.resume()
      req.on('end', () => {
        acts++
        res.writeHead(200, { 'content-type': 'application/json' })
        res.end(JSON.stringify({ action: { continuous: { ee_twist: [0, 0, 0, 0, 0, 0], gripper: [0] } } }))
      })
    })
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    const client = createPolicyClient({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` })
    try {
      for (let i = 0; i < 3; i++) await client.act(makeObservation(), ARM)
      expect(acts).toBe(3)
    } finally {
      client.close()
      server.closeAllConnections()
      await new Promise((r) => server.close(r))
    }
  })

  it('speaks over a Unix socket with the endpoint URL as Host', async () => {
    const socketPath = join(dir, 'policy.sock')
    const hosts: string[] = []
    const server = http.createServer((req, res) => {
      hosts.push(String(req.headers.host))
      req.resume()
      req.on('end', () => {
        res.writeHead(200, { 'content-type': 'application/json' })
        res.end(req.url === '/act' ? '{"action":[0.1,0.2,0.3,0.4,0.5,0.6,1]}' : '{"status":"ok"}')
      })
    })
    await new Promise<void>((r) => server.listen(socketPath, r))
    const client = createPolicyClient({ url: 'http://policy', socketPath })
    try {
      await client.reset({ envId: 'mujoco/reach-v1', taskName: 'reach' })
      const action = await client.act(makeObservation(), ARM)
      expect(action.continuous).toEqual({ ee_twist: [0.1, 0.2, 0.3, 0.4, 0.5, 0.6], gripper: [1] })
      expect(hosts).toEqual(['policy', 'policy'])
    } finally {
      client.close()
      server.closeAllConnections()
      await new Promise((r) => server.close(r))
    }
  })

  it('accepts the flat-array fallback only for ee_twist[6] + gripper[1]', async () => {
    const served = await servePolicy({ act: () => [0, 0, 0, 0, 0, 0, 1] })
    const client = createPolicyClient({ url: served.url })
    try {
      const ok = await client.act(makeObservation(), ARM)
      expect(ok.continuous.gripper).toEqual([1])
      const err = await callError(client.act(makeObservation(), { joint_pos_target: 7 }))
      expect(err.failure).toBe('policy_invalid_action')
    } finally {
      client.close()
      await served.close()
    }
  })
})

describe('cancellation and startup', () => {
  it('a caller abort → validator_cancelled, and an aborted signal sends nothing', async () => {
    const policy = await scriptedPolicy(() => {})
    const client = createPolicyClient(policy.endpoint, { limits: { actTimeoutMs: 60_000 } })
    try {
      const ctl = new AbortController()
      const pending = callError(client.act(makeObservation(), ARM, ctl.signal))
      setTimeout(() => ctl.abort(), 50)
      expect((await pending).failure).toBe('validator_cancelled')
      const before = policy.requests['/act']
      const err = await callError(client.act(makeObservation(), ARM, AbortSignal.abort()))
      expect(err.failure).toBe('validator_cancelled')
      expect(policy.requests['/act']).toBe(before)
    } finally {
      client.close()
      await policy.close()
    }
  })

  it('waitHealthy returns once a loading policy turns healthy', async () => {
    let probes = 0
    const policy = await scriptedPolicy(() => {}, {
      health: (_q, res) => {
        probes++
        res.writeHead(200, { 'content-type': 'application/json' })
        res.end(JSON.stringify({ status: probes < 4 ? 'loading' : 'ok' }))
      },
    })
    const client = createPolicyClient(policy.endpoint)
    try {
      const h = await waitHealthy(client, { deadlineMs: 10_000, intervalMs: 10 })
      expect(h.status).toBe('ok')
      expect(probes).toBe(4)
    } finally {
      client.close()
      await policy.close()
    }
  })

  it('waitHealthy stops at once when the caller aborts', async () => {
    const policy = await scriptedPolicy(() => {}, { health: () => {} })
    const client = createPolicyClient(policy.endpoint)
    try {
      const ctl = new AbortController()
      setTimeout(() => ctl.abort(), 50)
      const err = await callError(waitHealthy(client, { deadlineMs: 60_000, signal: ctl.signal }))
      expect(err.failure).toBe('validator_cancelled')
    } finally {
      client.close()
      await policy.close()
    }
  })

  it('rejects a malformed endpoint or limits with operator errors', () => {
    const bad = (f: () => unknown, code: string) => {
      try {
        f()
      } catch (err) {
        return hasCode(err, code)
      }
      return false
    }
    expect(bad(() => createPolicyClient({ url: 'not a url' }), 'EVAL_POLICY_BAD_ENDPOINT')).toBe(true)
    expect(bad(() => createPolicyClient({ url: 'https://x' }), 'EVAL_POLICY_BAD_ENDPOINT')).toBe(true)
    expect(
      bad(() => createPolicyClient({ url: 'http://x' }, { limits: { actTimeoutMs: 0 } }), 'EVAL_POLICY_BAD_LIMITS'),
    ).toBe(true)
  })
})
