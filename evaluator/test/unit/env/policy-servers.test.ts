import { type ChildProcess, spawn } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { createInterface } from 'node:readline'
import { afterAll, describe, expect, it } from 'vitest'
import { createMujocoEnvironmentFactory } from '../../../src/env/mujoco/index.js'
import { encodeObservation, type WireAction } from '../../../src/policy/wire.js'
import { task } from './helpers.js'

const POLICIES = resolve(import.meta.dirname, '../../../policies')

/** Starts `node server.mjs --port 0` inside the policy folder, as a sandbox would; resolves with its base URL. */
function startServer(name: string, children: ChildProcess[]): Promise<string> {
  const child = spawn(process.execPath, ['server.mjs', '--port', '0'], {
    cwd: join(POLICIES, name),
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  children.push(child)
  let err = ''
  child.stderr!.on('data', (d: Buffer) => {
    err += d.toString()
  })
  return new Promise((res, rej) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(line)
      if (m) res(m[1]!)
    })
    child.on('exit', (code) => rej(new Error(`${name} server exited (${code}): ${err}`)))
  })
}

async function post(url: string, body: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const r = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })
  return { status: r.status, json: (await r.json()) as Record<string, unknown> }
}

describe('sample policy artifacts', () => {
  const children: ChildProcess[] = []
  afterAll(async () => {
    await Promise.all(
      children.map(
        (c) =>
          new Promise<void>((res) => {
            if (c.exitCode !== null || c.signalCode !== null) return res()
            c.on('exit', () => res())
            c.kill('SIGTERM')
          }),
      ),
    )
  })

  it.each(['expert', 'random'])('%s folder is self-contained: node builtins and its own files only', (name) => {
    const dir = join(POLICIES, name)
    const files = readdirSync(dir).sort()
    expect(files).toEqual(['kinitro.json', 'policy.mjs', 'server.mjs'])
    for (const f of files.filter((x) => x.endsWith('.mjs'))) {
      const specifiers = [...readFileSync(join(dir, f), 'utf8').matchAll(/^import .* from '([^']+)'/gm)].map(
        (m) => m[1]!,
      )
      for (const s of specifiers) expect(s.startsWith('node:') || /^\.\/[\w-]+\.mjs$/.test(s)).toBe(true)
    }
    expect(JSON.parse(readFileSync(join(dir, 'kinitro.json'), 'utf8'))).toEqual({
      name,
      entry: ['node', 'server.mjs', '--port', '{port}'],
    })
  })

  it('random server answers /health, /reset and /act in the reference shapes; errors are 500 {detail}', async () => {
    const base = await startServer('random', children)
    const health = await fetch(`${base}/health`)
    expect(health.headers.get('connection')).toBe('keep-alive')
    const h = (await health.json()) as Record<string, unknown>
    expect(h).toMatchObject({ status: 'healthy', model_loaded: true })
    expect(typeof h.uptime_seconds).toBe('number')
    expect(await post(`${base}/reset`, { task_config: { env_id: 'mujoco/reach-v1' } })).toEqual({
      status: 200,
      json: { status: 'ok', episode_id: null },
    })
    const act = await post(`${base}/act`, { obs: { proprio: {}, rgb: {}, depth: {} } })
    const action = act.json.action as WireAction
    expect(action.continuous!.ee_twist).toHaveLength(6)
    for (const x of action.continuous!.ee_twist!) expect(Math.abs(x)).toBeLessThanOrEqual(1)
    expect(action.continuous!.gripper![0]).toBeGreaterThanOrEqual(0)
    const bad = await fetch(`${base}/act`, { method: 'POST', body: '{not json' })
    expect(bad.status).toBe(500)
    expect(typeof ((await bad.json()) as { detail: unknown }).detail).toBe('string')
  })

  it('expert server solves a reach episode over HTTP from images alone', async () => {
    const base = await startServer('expert', children)
    const envId = 'mujoco/reach-v1'
    const env = await createMujocoEnvironmentFactory().create(envId)
    let obs = await env.reset(task(envId, 77))
    await post(`${base}/reset`, { task_config: { env_id: envId, env_name: 'mujoco', task_name: 'reach' } })
    let success = -1
    for (let t = 0; t < 150 && success < 0; t++) {
      const { json } = await post(`${base}/act`, { obs: encodeObservation(obs) })
      const a = json.action as WireAction
      const r = await env.step({ continuous: a.continuous ?? {}, discrete: {}, extra: {} })
      if (r.success) success = t
      obs = r.obs
    }
    await env.close()
    expect(success).toBeGreaterThanOrEqual(0)
  })
})
