import { mkdtemp, rm } from 'node:fs/promises'
import http from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { hasCode } from '#protocol'
import { createPolicyClient } from '../../../src/policy/client.js'
import { SERVE_BODY_LIMIT, servePolicy } from '../../../src/policy/server.js'
import { encodeObservation } from '../../../src/policy/wire.js'
import { makeObservation, TWO_CAMERAS } from './helpers.js'

function post(url: string, path: string, body: string): Promise<{ status: number; json: unknown; type: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      `${url}${path}`,
      { method: 'POST', headers: { 'content-type': 'application/json' } },
      (res) => {
        const chunks: Buffer[] = []
        res.on('data', (c: Buffer) => chunks.push(c))
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            type: String(res.headers['content-type']),
            json: JSON.parse(Buffer.concat(chunks).toString() || 'null'),
          }),
        )
      },
    )
    req.on('error', reject)
    req.end(body)
  })
}

describe('servePolicy', () => {
  it('implements /health, /reset and /act like the reference template', async () => {
    const resets: unknown[] = []
    const served = await servePolicy({
      reset: (cfg) => void resets.push(cfg),
      act: (obs) => ({ continuous: { ee_twist: [obs.proprio.gripper?.[0] ?? -1, 0, 0, 0, 0, 0], gripper: [1] } }),
    })
    try {
      const health = await (await fetch(`${served.url}/health`)).json()
      expect(health).toMatchObject({ status: 'healthy', model_loaded: true })
      const cfg = { env_id: 'mujoco/reach-v1', env_name: 'mujoco', task_name: 'reach' }
      expect((await post(served.url, '/reset', JSON.stringify({ task_config: cfg }))).json).toEqual({
        status: 'ok',
        episode_id: null,
      })
      expect(resets).toEqual([cfg])
      const body = JSON.stringify({ obs: encodeObservation(makeObservation(TWO_CAMERAS)) })
      expect(body.length).toBeLessThan(SERVE_BODY_LIMIT)
      const act = await post(served.url, '/act', body)
      expect(act.type).toBe('application/json')
      expect(act.json).toEqual({ action: { continuous: { ee_twist: [0, 0, 0, 0, 0, 0], gripper: [1] } } })
    } finally {
      await served.close()
    }
  })

  it('answers 500 {detail} when the policy throws, 400 on bad JSON, 404 elsewhere, 413 past the body limit', async () => {
    const served = await servePolicy(
      {
        act: () => {
          throw new Error('model exploded')
        },
      },
      { bodyLimit: 1024 },
    )
    try {
      expect(await post(served.url, '/act', '{"obs":{}}')).toMatchObject({
        status: 500,
        json: { detail: 'model exploded' },
      })
      expect((await post(served.url, '/act', '{nope')).status).toBe(400)
      expect((await post(served.url, '/nowhere', '{}')).status).toBe(404)
      expect((await post(served.url, '/act', JSON.stringify({ obs: { pad: 'x'.repeat(4096) } }))).status).toBe(413)
    } finally {
      await served.close()
    }
  })

  it('serves over a Unix socket for the sandbox bridge', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kinitro-serve-'))
    const socketPath = join(dir, 'p.sock')
    const served = await servePolicy({ act: () => [0, 0, 0, 0, 0, 0, 1] }, { socketPath })
    const client = createPolicyClient({ url: served.url, socketPath })
    try {
      expect(served.url).toBe('http://policy')
      expect((await client.act(makeObservation(), { ee_twist: 6, gripper: 1 })).continuous.gripper).toEqual([1])
    } finally {
      client.close()
      await served.close()
      await rm(dir, { recursive: true, force: true })
    }
  })

  it('reports a port it cannot bind as EVAL_POLICY_LISTEN_FAILED', async () => {
    const first = await servePolicy({ act: () => ({}) })
    try {
      await expect(servePolicy({ act: () => ({}) }, { port: first.port })).rejects.toSatisfy((err) =>
        hasCode(err, 'EVAL_POLICY_LISTEN_FAILED'),
      )
    } finally {
      await first.close()
    }
  })
})
