// A real node:http server speaking the affinetes env-container protocol (POST /call, GET /methods,
// GET /health; errors as HTTP 500, unknown method 404) around an in-process environment factory (the
// toy env by default). It offers both shapes: the step-driven methods (env/remote STEP_DRIVEN_METHODS)
// and the reference container-driven `evaluate`, which runs the loop and calls the policy over HTTP.
import { createHash } from 'node:crypto'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { createToyEnvironmentFactory } from '../../src/env/toy/index.js'
import type { Environment, EnvironmentFactory } from '../../src/env/types.js'
import { decodeObservation, encodeObservation, type WireAction } from '../../src/policy/wire.js'

export interface EnvContainerStandinOptions {
  factory?: EnvironmentFactory
  /** Methods to leave out of the Actor (unknown → 404, and absent from /methods). */
  hide?: readonly string[]
  /** Methods that answer HTTP 500 with a traceback, like a raising Actor. */
  failing?: readonly string[]
  /** Delay every /call by this much (for timeouts). */
  delayMs?: number
}

export interface EnvContainerStandin {
  url: string
  /** Every method called, in order. */
  calls: string[]
  /** Every kwargs/args body received, for seed-leak checks. */
  bodies: string[]
  close(): Promise<void>
}

type Handler = (args: unknown[], kwargs: Record<string, unknown>) => Promise<unknown>

const b64 = (u: Uint8Array) => Buffer.from(u.buffer, u.byteOffset, u.byteLength).toString('base64')

async function postJson(url: string, body: unknown, timeoutMs: number): Promise<unknown> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(timeoutMs),
  })
  if (res.status !== 200) throw Object.assign(new Error(`HTTP ${res.status}`), { code: 'policy_http_error' })
  return res.json()
}

export async function startEnvContainerStandin(opts: EnvContainerStandinOptions = {}): Promise<EnvContainerStandin> {
  const factory = opts.factory ?? createToyEnvironmentFactory()
  const sessions = new Map<string, Environment>()
  let nextSession = 1
  const calls: string[] = []
  const bodies: string[] = []

  const session = (id: unknown): Environment => {
    const env = sessions.get(String(id))
    if (!env) throw new Error(`KeyError: session ${String(id)}`)
    return env
  }

  const actor: Record<string, Handler> = {
    list_environments: async () => factory.list().map((s) => s.envId),
    env_spec: async ([envId]) => {
      const s = factory.list().find((x) => x.envId === envId)
      if (!s) throw new Error(`ValueError: unknown env ${String(envId)}`)
      return {
        env_id: s.envId,
        family: s.family,
        description: s.description,
        max_steps: s.maxSteps,
        control_hz: s.controlHz,
        cameras: s.cameras,
        action_keys: s.actionKeys,
        proprio_keys: s.proprioKeys,
        simulator: s.simulator,
      }
    },
    open_session: async ([envId]) => {
      const id = `s${nextSession++}`
      sessions.set(id, await factory.create(String(envId)))
      return id
    },
    reset: async ([id, cfg]) => {
      const env = session(id)
      const c = cfg as { env_id: string; task_id: string; seed: number; params: Record<string, string> }
      const obs = await env.reset({ envId: c.env_id, taskId: c.task_id, seed: c.seed, params: c.params ?? {} })
      return { obs: encodeObservation(obs), state: b64(env.stateBytes()) }
    },
    step: async ([id, action]) => {
      const env = session(id)
      const a = action as WireAction
      const r = await env.step({ continuous: a.continuous ?? {}, discrete: a.discrete ?? {}, extra: a.extra ?? {} })
      return {
        obs: encodeObservation(r.obs),
        reward: r.reward,
        done: r.done,
        success: r.success,
        info: r.info,
        state: b64(env.stateBytes()),
      }
    },
    close_session: async ([id]) => {
      await sessions.get(String(id))?.close()
      sessions.delete(String(id))
      return null
    },
    // The reference container-driven shape: the container holds the loop and calls the policy.
    evaluate: async (_args, kw) => {
      const envId = String(kw.env_id)
      const seed = Number(kw.seed ?? kw.task_id)
      const baseUrl = String(kw.base_url).replace(/\/+$/, '')
      const maxSteps = Number(kw.max_timesteps ?? 500)
      const actTimeoutMs = Number(kw.action_timeout ?? 0.5) * 1000
      const t0 = Date.now()
      const env = await factory.create(envId)
      let steps = 0
      let totalReward = 0
      let success = false
      let last = false
      const times: number[] = []
      let link = Buffer.alloc(0)
      const extra = () => ({
        task_id: kw.task_id,
        seed,
        env_id: envId,
        timesteps: steps,
        total_reward: totalReward,
        mean_action_time: times.length ? times.reduce((a, b) => a + b, 0) / times.length : 0,
        max_action_time: times.length ? Math.max(...times) : 0,
        final_state_hash: link.toString('hex'),
        success_at_end: last,
        simulator: env.spec.simulator,
        base_url: baseUrl,
      })
      try {
        const name = envId.slice(envId.lastIndexOf('/') + 1).replace(/-v\d+$/, '')
        await postJson(
          `${baseUrl}/reset`,
          { task_config: { env_id: envId, env_name: envId.split('/')[0], task_name: name } },
          5_000,
        )
        let obs = await env.reset({ envId, taskId: String(kw.task_id), seed, params: {} })
        link = createHash('sha256').update(env.stateBytes()).digest()
        for (let t = 0; t < Math.min(maxSteps, env.spec.maxSteps); t++) {
          const a0 = Date.now()
          let answer: { action?: WireAction }
          try {
            answer = (await postJson(`${baseUrl}/act`, { obs: encodeObservation(obs) }, actTimeoutMs)) as {
              action?: WireAction
            }
          } catch (err) {
            const code = (err as Error).name === 'TimeoutError' ? 'policy_timeout' : 'policy_http_error'
            return {
              task_name: `robotics:${envId}`,
              score: 0,
              success: false,
              time_taken: (Date.now() - t0) / 1000,
              error: `Action failed at step ${t}: ${String(err)}`,
              extra: { ...extra(), failure_code: code },
            }
          }
          times.push((Date.now() - a0) / 1000)
          const a = answer.action ?? {}
          const r = await env.step({ continuous: a.continuous ?? {}, discrete: a.discrete ?? {}, extra: a.extra ?? {} })
          link = createHash('sha256').update(link).update(env.stateBytes()).digest()
          steps++
          totalReward += r.reward
          last = r.success
          success ||= r.success
          obs = decodeObservation(encodeObservation(r.obs))
          if (r.done) break
        }
        return {
          task_name: `robotics:${envId}`,
          score: success ? 1 : 0,
          success,
          time_taken: (Date.now() - t0) / 1000,
          extra: extra(),
        }
      } finally {
        await env.close()
      }
    },
    cleanup: async () => null,
  }
  for (const h of opts.hide ?? []) delete actor[h]

  const send = (res: http.ServerResponse, status: number, body: unknown) => {
    const text = JSON.stringify(body)
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) })
    res.end(text)
  }

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', async () => {
      if (req.method === 'GET' && req.url === '/health') return send(res, 200, { status: 'ok' })
      if (req.method === 'GET' && req.url === '/methods') {
        return send(res, 200, {
          methods: Object.keys(actor).map((name) => ({ name, signature: '(...)', source: 'Actor' })),
        })
      }
      if (req.method !== 'POST' || req.url !== '/call') return send(res, 404, { detail: 'Not Found' })
      const raw = Buffer.concat(chunks).toString('utf8')
      bodies.push(raw)
      let body: { method?: string; args?: unknown[]; kwargs?: Record<string, unknown> }
      try {
        body = JSON.parse(raw)
      } catch {
        return send(res, 422, { detail: 'invalid JSON' })
      }
      const method = String(body.method)
      calls.push(method)
      if (opts.delayMs) await new Promise((r) => setTimeout(r, opts.delayMs))
      const handler = actor[method]
      if (!handler) return send(res, 404, { detail: `Method '${method}' not found` })
      if (opts.failing?.includes(method))
        return send(res, 500, { detail: 'Traceback (most recent call last):\n  RuntimeError: boom' })
      try {
        send(res, 200, { status: 'success', result: await handler(body.args ?? [], body.kwargs ?? {}) })
      } catch (err) {
        send(res, 500, { detail: `Traceback (most recent call last):\n  ${String(err)}` })
      }
    })
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    bodies,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections()
        server.close(() => r())
      }),
  }
}
