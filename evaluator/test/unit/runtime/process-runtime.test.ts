import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { RuntimeError } from '../../../src/runtime/errors.js'
import { httpGet } from '../../../src/runtime/health.js'
import type { ProcessPolicyHandle } from '../../../src/runtime/process-handle.js'
import { createProcessRuntime } from '../../../src/runtime/process-runtime.js'
import type { Runtime } from '../../../src/runtime/types.js'
import { postJson } from '../../compliance/runtime.suite.js'
import { bwrapUnusable, groupAlive, POLICIES_DIR, ROOMY, recordingLogger } from './helpers.js'

const skipBwrap = await bwrapUnusable()
const modes = [
  { sandbox: 'none' as const, isolation: 'process' },
  ...(skipBwrap ? [] : [{ sandbox: 'bubblewrap' as const, isolation: 'bubblewrap' }]),
]
if (skipBwrap) console.warn(`bubblewrap cases skipped: ${skipBwrap}`)

const source = (command: string[]) => ({ dir: POLICIES_DIR, command, label: 'test' })

describe.each(modes)('process runtime, sandbox=$sandbox', ({ sandbox, isolation }) => {
  const runtime: Runtime = createProcessRuntime({ sandbox, startTimeoutMs: 10_000 })
  afterAll(() => runtime.close())

  it('starts a good policy that answers /health and /act through its endpoint; stop frees everything', async () => {
    const handle = (await runtime.start(source(['node', 'echo.mjs', '{port}']), ROOMY)) as ProcessPolicyHandle
    expect(handle.isolation).toBe(isolation)
    if (isolation === 'bubblewrap') {
      expect(handle.endpoint.url).toBe('http://policy')
      expect(handle.endpoint.socketPath).toMatch(/policy\.sock$/)
    }
    const health = await httpGet(handle.endpoint, '/health', 5_000)
    expect(health.status).toBe(200)
    expect(JSON.parse(health.body).status).toBe('healthy')
    const act = await postJson(handle.endpoint, '/act', { obs: { proprio: { ee_pos: [1, 2, 3] } } })
    expect(act.json).toMatchObject({ action: { continuous: { ee_twist: [0.1, 0.1, 0.1] } } })
    // Output travels through a pipe, independently of the HTTP answer: wait for it (bounded).
    await expect.poll(() => handle.logs(), { timeout: 5_000 }).toContain('act [1,2,3]')

    const pid = handle.pid as number
    const socketPath = handle.endpoint.socketPath
    expect(groupAlive(pid)).toBe(true)
    await handle.stop()
    await handle.stop() // idempotent
    expect(groupAlive(pid)).toBe(false)
    if (socketPath) expect(existsSync(socketPath)).toBe(false)
    expect((await handle.exited).reason).toBeUndefined()
  })

  it('reports a crash through exited with policy_crashed and keeps its output', async () => {
    const handle = await runtime.start(source(['node', 'crash.mjs', '{port}', '300']), ROOMY)
    const exit = await handle.exited
    expect(exit.reason).toBe('policy_crashed')
    expect(await handle.logs()).toContain('policy giving up')
    await handle.stop()
  })

  it('rejects with policy_health_failed when the policy never becomes healthy, within the deadline', async () => {
    const rt = createProcessRuntime({ sandbox, startTimeoutMs: 1_000 })
    const t0 = Date.now()
    const err = await rt.start(source(['node', 'unhealthy.mjs', '{port}']), ROOMY).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(RuntimeError)
    expect((err as RuntimeError).code).toBe('EVAL_RUNTIME_POLICY_UNHEALTHY')
    expect((err as RuntimeError).meta.failure).toBe('policy_health_failed')
    expect(Date.now() - t0).toBeLessThan(10_000)
    await rt.close()
  })

  it('rejects with policy_start_failed and the output when the entry point exits at once', async () => {
    const err = await runtime.start(source(['node', 'exits-at-once.mjs']), ROOMY).catch((e: unknown) => e)
    expect((err as RuntimeError).code).toBe('EVAL_RUNTIME_POLICY_START_FAILED')
    expect((err as RuntimeError).meta.failure).toBe('policy_start_failed')
    expect((err as RuntimeError).meta.logs).toContain('cannot load model')
  })

  it('kills a memory hog at its address-space limit (policy_resource_limit)', async () => {
    const handle = await runtime.start(source(['node', 'hostile.mjs', '{port}', 'memory']), {
      ...ROOMY,
      memoryMiB: 1024,
    })
    const exit = await handle.exited
    expect(exit.reason).toBe('policy_resource_limit')
    await handle.stop()
  })

  it('kills a CPU spinner at its CPU-time limit (policy_resource_limit)', async () => {
    const handle = await runtime.start(source(['node', 'hostile.mjs', '{port}', 'cpu']), { ...ROOMY, cpuSeconds: 1 })
    const exit = await handle.exited
    expect(exit.reason).toBe('policy_resource_limit')
    expect(exit.signal === 'SIGXCPU' || exit.code === 128 + 24).toBe(true)
    await handle.stop()
  })

  it('kills a policy at its wall clock (policy_episode_deadline)', async () => {
    const handle = await runtime.start(source(['node', 'hostile.mjs', '{port}', 'sleep']), {
      ...ROOMY,
      wallClockMs: 1_000,
    })
    const exit = await handle.exited
    expect(exit.reason).toBe('policy_episode_deadline')
    await handle.stop()
  })

  it('bounds a fork bomb by the process-count limit and leaves nothing behind', async () => {
    const maxProcesses = 40
    const handle = (await runtime.start(source(['node', 'hostile.mjs', '{port}', 'fork']), {
      ...ROOMY,
      maxProcesses,
    })) as ProcessPolicyHandle
    // The bomb tries 400 spawns; wait until every attempt has an outcome (bounded: does not hang).
    let count = { started: 0, failed: 0, lastError: '' }
    for (let i = 0; i < 100 && count.started + count.failed < 400; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50))
      count = JSON.parse((await httpGet(handle.endpoint, '/count', 5_000)).body)
    }
    expect(count.started).toBeLessThan(maxProcesses)
    expect(count.failed).toBeGreaterThan(0)
    expect(count.lastError).toBe('EAGAIN')
    const pid = handle.pid as number
    await handle.stop()
    expect(groupAlive(pid)).toBe(false)
  })
})

describe('process runtime sandbox selection', () => {
  it('falls back to a plain process under auto with a loud warning when bwrap is unusable', async () => {
    const logger = recordingLogger()
    const rt = createProcessRuntime({ sandbox: 'auto', bwrapPath: '/nonexistent/bwrap', logger })
    const handle = await rt.start(source(['node', 'echo.mjs', '{port}']), ROOMY)
    expect(handle.isolation).toBe('process')
    expect(logger.lines.some((l) => l.level === 'warn' && l.msg.startsWith('SANDBOX UNAVAILABLE'))).toBe(true)
    await rt.close()
  })

  it("fails with EVAL_RUNTIME_SANDBOX_UNAVAILABLE under 'bubblewrap' when bwrap is unusable", async () => {
    const rt = createProcessRuntime({ sandbox: 'bubblewrap', bwrapPath: '/nonexistent/bwrap' })
    const err = await rt.start(source(['node', 'echo.mjs', '{port}']), ROOMY).catch((e: unknown) => e)
    expect((err as RuntimeError).code).toBe('EVAL_RUNTIME_SANDBOX_UNAVAILABLE')
    expect((err as RuntimeError).meta.failure).toBe('validator_sandbox_unavailable')
    await rt.close()
  })

  it.skipIf(process.getuid?.() !== 0)(
    'stages a copy of a policy dir the policy uid cannot read, and runs it from there',
    async () => {
      const { copyFile, mkdtemp, rm, stat } = await import('node:fs/promises')
      const { tmpdir } = await import('node:os')
      const dir = await mkdtemp(`${tmpdir()}/kinitro-private-`) // mode 0700: uid 65534 cannot enter
      expect((await stat(dir)).mode & 0o077).toBe(0)
      await copyFile(join(POLICIES_DIR, 'echo.mjs'), join(dir, 'echo.mjs'))
      const logger = recordingLogger()
      const rt = createProcessRuntime({ sandbox: 'none', logger })
      const handle = await rt.start({ dir, command: ['node', 'echo.mjs', '{port}'], label: 'private' }, ROOMY)
      try {
        expect(logger.lines.some((l) => l.msg.includes('staging a copy'))).toBe(true)
        const health = await fetch(`${handle.endpoint.url}/health`)
        expect(health.status).toBe(200)
      } finally {
        await rt.close()
        await rm(dir, { recursive: true })
      }
    },
  )

  it('logs the warning in plain-process mode', async () => {
    const logger = recordingLogger()
    const rt = createProcessRuntime({ sandbox: 'none', logger })
    const handle = await rt.start(source(['node', 'echo.mjs', '{port}']), ROOMY)
    expect(logger.lines.some((l) => l.level === 'warn' && l.msg.includes('without a sandbox'))).toBe(true)
    await handle.stop()
    await rt.close()
  })
})
