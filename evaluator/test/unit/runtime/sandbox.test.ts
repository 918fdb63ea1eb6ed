import { existsSync, promises as fs } from 'node:fs'
import { createServer, type Server } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RuntimeError } from '../../../src/runtime/errors.js'
import { httpGet } from '../../../src/runtime/health.js'
import { createProcessRuntime } from '../../../src/runtime/process-runtime.js'
import type { PolicyHandle } from '../../../src/runtime/types.js'
import { bwrapUnusable, POLICIES_DIR, ROOMY } from './helpers.js'

const skip = await bwrapUnusable()
const REPO_FILE = fileURLToPath(new URL('../../../../package.json', import.meta.url))

describe.skipIf(skip !== undefined)(`bubblewrap sandbox${skip ? ` (skipped: ${skip})` : ''}`, () => {
  const runtime = createProcessRuntime({ sandbox: 'bubblewrap', startTimeoutMs: 10_000 })
  let tcp: Server
  let tcpPort = 0
  let accepted = 0
  let hostDir = ''
  let handle: PolicyHandle
  let probe: Record<string, unknown>

  beforeAll(async () => {
    hostDir = await fs.mkdtemp(join(tmpdir(), 'kinitro-sandbox-test-'))
    await fs.chmod(hostDir, 0o777)
    tcp = createServer((socket) => {
      accepted++
      socket.destroy()
    })
    await new Promise<void>((resolve) => tcp.listen(0, '127.0.0.1', resolve))
    tcpPort = (tcp.address() as { port: number }).port
    handle = await runtime.start(
      { dir: POLICIES_DIR, command: ['node', 'echo.mjs', '{port}'], label: 'probe', env: { POLICY_MODE: 'probe' } },
      ROOMY,
    )
    const query = new URLSearchParams({ tcp: `127.0.0.1:${tcpPort}`, hostDir, repoFile: REPO_FILE })
    probe = JSON.parse((await httpGet(handle.endpoint, `/probe?${query}`, 10_000)).body)
  })

  afterAll(async () => {
    await runtime.close()
    await new Promise((resolve) => tcp.close(resolve))
    await fs.rm(hostDir, { recursive: true, force: true })
  })

  it('blocks outbound network: neither a host TCP server nor the internet is reachable', () => {
    expect(probe.tcpHost).not.toBe('connected')
    expect(probe.tcpInternet).not.toBe('connected')
    expect(accepted).toBe(0)
  })

  it('makes writes outside scratch fail: policy dir, /usr, host temp dir', async () => {
    expect(probe.writePolicyDir).toBe('EROFS')
    expect(probe.writeUsr).toBe('EROFS')
    // The host temp dir is not mounted: /tmp inside is the sandbox's own tmpfs.
    expect(existsSync(join(hostDir, 'written-by-policy'))).toBe(false)
    expect(existsSync(join(POLICIES_DIR, 'written-by-policy'))).toBe(false)
    expect(probe.writeScratch).toBe('ok')
    expect(probe.writeTmp).toBe('ok')
  })

  it('cannot read host files that are not mounted (/root, the repository)', () => {
    expect(probe.readRoot).toBe('ENOENT')
    expect(probe.readRepo).toBe('ENOENT')
  })

  it.skipIf(process.getuid?.() !== 0)('sees itself as nobody while the host runs it as a pooled uid', () => {
    expect(probe.uid).toBe(65_534)
  })

  it('runs in its own pid namespace with a cleared environment', () => {
    expect(probe.pid as number).toBeLessThanOrEqual(3)
    expect(probe.processes as number).toBeLessThan(10)
    expect(probe.cwd).toBe('/policy')
    expect(probe.env).toEqual(expect.arrayContaining(['HOME', 'PATH', 'PORT', 'POLICY_MODE']))
    expect((probe.env as string[]).filter((k) => !['HOME', 'PATH', 'PORT', 'POLICY_MODE', 'PWD'].includes(k))).toEqual(
      [],
    )
  })

  it('mounts an interpreter that lives outside /usr (pyenv) read-only when the sandbox may read it', async () => {
    const rt = createProcessRuntime({ sandbox: 'bubblewrap', runAsUid: null, startTimeoutMs: 15_000 })
    const py = await rt.start({ dir: POLICIES_DIR, command: ['python3', 'echo.py', '{port}'], label: 'py' }, ROOMY)
    const health = JSON.parse((await httpGet(py.endpoint, '/health', 5_000)).body)
    expect(health.status).toBe('healthy')
    await expect.poll(() => py.logs(), { timeout: 5_000 }).toContain('python policy listening')
    await rt.close()
  })

  it.skipIf(
    process.getuid?.() !== 0 || !(process.env.PATH ?? '').includes('/root/') || !existsSync('/usr/bin/python3'),
  )(
    'skips a python the sandbox uid cannot read (pyenv under /root first on PATH) for the next one on PATH',
    async () => {
      const py = await runtime.start(
        { dir: POLICIES_DIR, command: ['python3', 'echo.py', '{port}'], label: 'py' },
        ROOMY,
      )
      const health = JSON.parse((await httpGet(py.endpoint, '/health', 5_000)).body)
      expect(health.status).toBe('healthy')
      await py.stop()
    },
  )

  it.skipIf(process.getuid?.() !== 0)('refuses an interpreter the sandbox uid cannot read', async () => {
    // A private (0700) folder, as a pyenv build under /root is; nothing else on PATH to fall back to.
    const hidden = await fs.mkdtemp(join(tmpdir(), 'kinitro-hidden-'))
    try {
      const exe = join(hidden, 'python3')
      await fs.writeFile(exe, '#!/bin/sh\nexec /usr/bin/python3 "$@"\n', { mode: 0o755 })
      const err = await runtime
        .start({ dir: POLICIES_DIR, command: [exe, 'echo.py', '{port}'], label: 'py' }, ROOMY)
        .catch((e: unknown) => e)
      expect((err as RuntimeError).code).toBe('EVAL_RUNTIME_INTERPRETER_UNREACHABLE')
    } finally {
      await fs.rm(hidden, { recursive: true, force: true })
    }
  })
})
