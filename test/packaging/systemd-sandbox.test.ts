import { readFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { createDevChain, type DevChain, generateMnemonic, hotkeyFromMnemonic } from '#protocol'
import { REPO_ROOT } from '../utils/spawn.js'
import { makeTempDir, type TempDir } from '../utils/temp-dir.js'
import { type EmulatedRun, emulationMissing, killEmulated, mainPid, runEmulated } from './hardening.js'
import {
  allowedSyscalls,
  parseEnvFile,
  parseUnit,
  splitCommand,
  syscallGroups,
  tracedCalls,
  type UnitFile,
  value,
  values,
} from './unit-file.js'

// The units' ExecStart= lines run as their service would, in an emulation of the unit's sandbox built from
// its own settings (hardening.ts says which ones and why not the rest), against a real dev chain. Each run
// is traced: every system call made must pass the unit's SystemCallFilter= and every socket its
// RestrictAddressFamilies=, so tightening either past what the code needs fails here, not in production.

const SYSTEMD = join(REPO_ROOT, 'packaging', 'systemd')
const CONFIG = join(REPO_ROOT, 'packaging', 'config')
const KINITRO_BIN = join(REPO_ROOT, 'bin', 'kinitro.mjs')
const missing = emulationMissing()
if (missing !== undefined) console.warn(`systemd sandbox emulation skipped: ${missing}`)

function loadUnit(role: 'node' | 'indexer'): UnitFile {
  return parseUnit(readFileSync(join(SYSTEMD, `kinitro-${role}.service`), 'utf8'))
}

/** The ExecStart= argv with the config path pointed at the repository's example (the unit's /etc file). */
function execStart(unit: UnitFile, role: string): string[] {
  return splitCommand(value(unit, 'Service', 'ExecStart') as string).map((w) =>
    w === `/etc/kinitro/${role}.toml` ? join(CONFIG, `${role}.toml`) : w,
  )
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.on('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0))
    })
  })
}

/** Poll `url` until it answers at all (any status): the process is up and serving. */
async function firstAnswer(url: string, run: EmulatedRun, guardMs = 60_000): Promise<Response> {
  const deadline = Date.now() + guardMs
  while (Date.now() < deadline) {
    if (run.child.exitCode !== null) throw new Error(`service exited ${run.child.exitCode}:\n${run.stderr()}`)
    try {
      return await fetch(url)
    } catch {
      await new Promise((r) => setTimeout(r, 250))
    }
  }
  throw new Error(`${url} never answered; stderr:\n${run.stderr()}`)
}

/** System calls and socket families the trace shows outside what the unit allows. */
function outsideUnit(unit: UnitFile, traceFile: string): { syscalls: string[]; families: string[] } {
  const traced = tracedCalls(traceFile)
  const allowed = allowedSyscalls(values(unit, 'Service', 'SystemCallFilter'), syscallGroups())
  const families = new Set((value(unit, 'Service', 'RestrictAddressFamilies') ?? '').split(/\s+/))
  return {
    syscalls: [...traced.syscalls].filter((s) => !allowed.has(s)).sort(),
    families: [...traced.families].filter((f) => !families.has(f)).sort(),
  }
}

describe.skipIf(missing !== undefined)('systemd units, run in an emulation of their sandbox', () => {
  let tmp: TempDir
  let dev: DevChain
  const runs: EmulatedRun[] = []

  beforeAll(async () => {
    tmp = makeTempDir('kinitro-unit-')
    // The emulated service reaches the chain over loopback: the network namespace is not emulated.
    dev = await createDevChain({ blockTimeMs: 250 })
  }, 60_000)

  afterEach(async () => {
    for (const run of runs.splice(0)) await killEmulated(run)
  })

  afterAll(async () => {
    await dev?.close()
    tmp?.cleanup()
  })

  function start(unit: UnitFile, argv: string[], env: Record<string, string>, trace: string): EmulatedRun {
    const run = runEmulated(unit, argv, { env, traceFile: tmp.file(trace), kinitroBin: KINITRO_BIN })
    runs.push(run)
    return run
  }

  it('the node starts as its unit runs it, serves /health and stops cleanly on SIGTERM', async () => {
    const unit = loadUnit('node')
    // A validator with stake: the node refuses to join the mesh without a permit.
    const mnemonic = generateMnemonic()
    const hotkey = await hotkeyFromMnemonic(mnemonic)
    await dev.admin.register(1, hotkey.ss58)
    await dev.admin.fund(hotkey.ss58, 2_000_000_000_000n)
    await dev.admin.addStake(1, hotkey.ss58, 1_000_000_000_000n)
    // Permits are granted at the subnet's epoch: run one now rather than wait a tempo of blocks.
    const { tempo } = await dev.admin.setHyperparameters(1, {})
    await dev.admin.advance(tempo + 1)
    const port = await freePort()
    const run = start(
      unit,
      execStart(unit, 'node'),
      {
        ...parseEnvFile(readFileSync(join(CONFIG, 'node.env'), 'utf8')),
        KINITRO_HOTKEY_MNEMONIC: mnemonic,
        KINITRO_CHAIN_KIND: 'dev',
        KINITRO_CHAIN_URL: dev.url,
        // StateDirectory= stand-ins inside the emulated private /tmp.
        KINITRO_DATA_DIR: '/tmp/state/node',
        KINITRO_WALLET_PATH: '/tmp/state/wallets',
        KINITRO_HEALTH_PORT: String(port),
        KINITRO_MESH_LISTEN: '/ip4/127.0.0.1/tcp/0',
      },
      'node.trace',
    )
    const res = await firstAnswer(`http://127.0.0.1:${port}/health`, run)
    // Alone on its mesh the node is unhealthy (503, no peers), but connected to the chain.
    expect((await res.json()) as { chainConnected: boolean }).toMatchObject({ chainConnected: true })
    process.kill(await mainPid(run), 'SIGTERM')
    expect(await run.exited).toEqual({ code: 0, signal: null })
    expect(outsideUnit(unit, tmp.file('node.trace'))).toEqual({ syscalls: [], families: [] })
  }, 120_000)

  it('the node’s policy sandbox (bubblewrap) works inside the unit', async () => {
    const unit = loadUnit('node')
    const run = start(
      unit,
      ['kinitro', 'env', 'run', 'mujoco/reach-v1', '--policy', 'random', '--sandbox', 'bubblewrap'].concat([
        '--episodes',
        '1',
        '--max-steps',
        '5',
        '--cameras',
        'none',
        '--json',
      ]),
      {},
      'sandbox.trace',
    )
    const exit = await run.exited
    expect(exit, run.stderr()).toEqual({ code: 0, signal: null })
    const outcome = JSON.parse(run.stdout()) as { isolation: string; episodes: { steps: number }[] }
    expect(outcome.isolation).toBe('bubblewrap')
    expect(outcome.episodes[0]?.steps).toBe(5)
    // The sandbox's calls (mount, pivot_root, unshare, netlink for its loopback) count: seccomp is inherited.
    expect(outsideUnit(unit, tmp.file('sandbox.trace'))).toEqual({ syscalls: [], families: [] })
  }, 120_000)

  it('why the node unit leaves ProtectKernelTunables off: with it, bubblewrap cannot mount /proc', async () => {
    const unit = loadUnit('node')
    unit.get('Service')?.push(['ProtectKernelTunables', 'yes'])
    const run = start(
      unit,
      ['kinitro', 'env', 'run', 'mujoco/reach-v1', '--policy', 'random', '--sandbox', 'bubblewrap', '--json'],
      {},
      'tunables.trace',
    )
    expect((await run.exited).code).toBe(1)
    expect(run.stderr()).toContain('EVAL_RUNTIME_SANDBOX_UNAVAILABLE')
    expect(run.stderr()).toMatch(/Can't mount proc/)
  }, 120_000)

  it('the indexer starts as its unit runs it, answers /health 200 and stops cleanly on SIGTERM', async () => {
    const unit = loadUnit('indexer')
    const port = await freePort()
    const run = start(
      unit,
      execStart(unit, 'indexer'),
      {
        ...parseEnvFile(readFileSync(join(CONFIG, 'indexer.env'), 'utf8')),
        KINITRO_CHAIN_KIND: 'dev',
        KINITRO_CHAIN_URL: dev.url,
        KINITRO_DATA_DIR: '/tmp/state/indexer',
        KINITRO_HTTP_PORT: String(port),
      },
      'indexer.trace',
    )
    const res = await firstAnswer(`http://127.0.0.1:${port}/health`, run)
    expect(res.status).toBe(200)
    process.kill(await mainPid(run), 'SIGTERM')
    expect(await run.exited).toEqual({ code: 0, signal: null })
    expect(outsideUnit(unit, tmp.file('indexer.trace'))).toEqual({ syscalls: [], families: [] })
    // RestrictNamespaces=yes: the indexer never creates or joins a namespace.
    const traced = tracedCalls(tmp.file('indexer.trace')).syscalls
    expect(['unshare', 'setns'].filter((s) => traced.has(s))).toEqual([])
  }, 120_000)
})
