import { type ChildProcess, spawn, spawnSync } from 'node:child_process'
import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createPolicyClient, waitHealthy } from '../../../src/policy/client.js'
import { ARM, callError, makeObservation, TWO_CAMERAS } from './helpers.js'

const TEMPLATE = join(dirname(fileURLToPath(import.meta.url)), '../../../policies/python-template')
const PYTHON = 'python3'
const hasPython = spawnSync(PYTHON, ['--version']).status === 0
if (!hasPython) console.warn('python3 not found on PATH: skipping the Python template tests')

// A policy that proves the server decoded what it was sent: it reads a pixel, an image shape and a
// proprio value back into its action, and can be told to raise or to answer NaN.
const PROBE_POLICY = `
def load_model():
    pass

def reset(task_config):
    pass

def act(obs):
    mode = obs["extra"].get("mode")
    if mode == "raise":
        raise RuntimeError("probe asked to fail")
    rgb = obs["rgb"]["corner"].tolist()
    depth_shape = list(obs["depth"]["corner2"].shape)
    if mode == "nan":
        return [float("nan")] * 7
    return [rgb[1][0][2] / 255.0, depth_shape[0] / 100.0, depth_shape[2], obs["proprio"]["ee_pos"][2], 0, 0, 1]
`

interface Running {
  url: string
  child: ChildProcess
  stop(): Promise<void>
}

async function start(dir: string, extra: string[] = []): Promise<Running> {
  const child = spawn(PYTHON, ['server.py', '--port', '0', '--host', '127.0.0.1', ...extra], {
    cwd: dir,
    env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1', PYTHONUNBUFFERED: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let err = ''
  child.stderr?.on('data', (c: Buffer) => {
    err += c.toString()
  })
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const url = await new Promise<string>((resolve, reject) => {
    let out = ''
    child.stdout?.on('data', (c: Buffer) => {
      out += c.toString()
      const m = /listening on [^:]+:(\d+)/.exec(out)
      if (m) resolve(`http://127.0.0.1:${m[1]}`)
    })
    child.once('exit', (code) => reject(new Error(`server.py exited (${code}): ${err.slice(-500)}`)))
  })
  return {
    url,
    child,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM')
      await exited
    },
  }
}

describe.skipIf(!hasPython)('Python policy template (standard library only)', () => {
  let probeDir: string
  beforeAll(async () => {
    probeDir = await mkdtemp(join(tmpdir(), 'kinitro-pytemplate-'))
    await copyFile(join(TEMPLATE, 'server.py'), join(probeDir, 'server.py'))
    await writeFile(join(probeDir, 'policy.py'), PROBE_POLICY)
  })
  afterAll(async () => {
    await rm(probeDir, { recursive: true, force: true })
  })

  it('declares its entry point in kinitro.json', async () => {
    const manifest = JSON.parse(await readFile(join(TEMPLATE, 'kinitro.json'), 'utf8'))
    expect(manifest.entry).toEqual(['python3', 'server.py', '--port', '{port}'])
  })

  it('answers health, reset and 20 acts with two cameras through the client', async () => {
    const server = await start(TEMPLATE)
    const client = createPolicyClient({ url: server.url }, { limits: { actTimeoutMs: 5_000 } })
    try {
      const health = await waitHealthy(client, { deadlineMs: 10_000 })
      expect(health).toMatchObject({ status: 'healthy', modelLoaded: true })
      await client.reset({ envId: 'mujoco/reach-v1', taskName: 'reach' })
      const obs = makeObservation(TWO_CAMERAS)
      for (let i = 0; i < 20; i++) {
        const action = await client.act(obs, ARM)
        expect(action).toEqual({ continuous: { ee_twist: [0, 0, 0, 0, 0, 0], gripper: [0] }, discrete: {}, extra: {} })
      }
    } finally {
      client.close()
      await server.stop()
    }
  })

  it('decodes images and proprio; a flat answer is mapped, or sent raw and accepted by the client', async () => {
    const obs = makeObservation(TWO_CAMERAS)
    // rgb[1][0][2] is byte (84*3 + 2) of camera 0's pattern (i*31 + 0) & 0xff.
    const pixel = ((84 * 3 + 2) * 31) & 0xff
    const want = { ee_twist: [pixel / 255, 0.84, 1, 0.3, 0, 0], gripper: [1] }
    for (const flags of [[], ['--raw-actions']]) {
      const server = await start(probeDir, flags)
      const client = createPolicyClient({ url: server.url }, { limits: { actTimeoutMs: 5_000 } })
      try {
        await waitHealthy(client, { deadlineMs: 10_000 })
        const action = await client.act(obs, ARM)
        expect(action.continuous).toEqual(want)
        const raw = await fetch(`${server.url}/act`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            obs: { ...obs, rgb: { corner: { data: 'AAAA', shape: [1, 1, 3], dtype: 'uint8' } } },
          }),
        })
        expect(raw.status).toBe(500)
      } finally {
        client.close()
        await server.stop()
      }
    }
  })

  it('turns a raising or NaN-producing policy into HTTP 500, which the client reports as policy_http_error', async () => {
    const server = await start(probeDir)
    const client = createPolicyClient({ url: server.url }, { limits: { actTimeoutMs: 5_000 } })
    try {
      await waitHealthy(client, { deadlineMs: 10_000 })
      const raised = await callError(client.act(makeObservation(TWO_CAMERAS, { mode: 'raise' }), ARM))
      expect(raised.failure).toBe('policy_http_error')
      expect(raised.detail).toContain('probe asked to fail')
      const nan = await callError(client.act(makeObservation(TWO_CAMERAS, { mode: 'nan' }), ARM))
      expect(nan.failure).toBe('policy_http_error')
      // The server survives its policy's errors.
      expect((await client.act(makeObservation(TWO_CAMERAS), ARM)).continuous.gripper).toEqual([1])
    } finally {
      client.close()
      await server.stop()
    }
  })
})
