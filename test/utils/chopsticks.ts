import { type ChildProcess, execFile, spawn } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { join, resolve } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { promisify } from 'node:util'
import { REPO_ROOT } from './spawn.js'

/**
 * Chopsticks runs real Subtensor runtimes offline (shared/fixtures/chain/README.md). It declares node ≥ 22
 * and weighs ~270 MB, so it is not a project dependency: it is installed on first use into `.cache/` (which
 * is gitignored) and runs under node 20 fine (reference/chain.md §8).
 */
export const CHOPSTICKS_VERSION = '1.5.1'

/** The shared chain fixtures; absent in a user's fresh clone, present in CI. */
export const CHAIN_FIXTURES_DIR = resolve(REPO_ROOT, '../shared/fixtures/chain')

/** Where chopsticks gets installed. */
export const CHOPSTICKS_DIR = join(REPO_ROOT, '.cache/chopsticks')

const LOCK_DIR = join(REPO_ROOT, '.cache/chopsticks.lock')
// The install took ~80 s here (fixtures README); a lock older than this belongs to a dead installer.
const STALE_LOCK_MS = 10 * 60_000
// Boot took 2–4 s (spec 293) to ~20 s (raonet) here; this only guards against a hung process.
const BOOT_GUARD_MS = 120_000
// SIGTERM normally ends it at once; a node stuck building a block gets SIGKILL after this.
const STOP_GRACE_MS = 5_000

/** True when the fixtures folder exists, so the chopsticks tier should run. */
export function hasChainFixtures(): boolean {
  return existsSync(join(CHAIN_FIXTURES_DIR, 'chopsticks-offline.cjs'))
}

function installed(): boolean {
  const pkg = join(CHOPSTICKS_DIR, 'node_modules/@acala-network/chopsticks/package.json')
  if (!existsSync(pkg)) return false
  return (JSON.parse(readFileSync(pkg, 'utf8')) as { version?: string }).version === CHOPSTICKS_VERSION
}

/**
 * Install chopsticks once into `.cache/chopsticks/`. Parallel test files serialise on a lock directory
 * (mkdir is atomic); a waiter re-checks after the holder finishes, so only one `npm install` runs.
 */
export async function ensureChopsticks(): Promise<string> {
  mkdirSync(join(REPO_ROOT, '.cache'), { recursive: true })
  while (!installed()) {
    try {
      mkdirSync(LOCK_DIR)
    } catch {
      if (Date.now() - statSync(LOCK_DIR, { throwIfNoEntry: false })!.mtimeMs > STALE_LOCK_MS) {
        rmSync(LOCK_DIR, { recursive: true, force: true })
      }
      await sleep(1_000)
      continue
    }
    try {
      if (!installed()) {
        mkdirSync(CHOPSTICKS_DIR, { recursive: true })
        writeFileSync(join(CHOPSTICKS_DIR, 'package.json'), '{"private":true}\n')
        await promisify(execFile)(
          'npm',
          [
            'install',
            '--prefix',
            CHOPSTICKS_DIR,
            '--no-save',
            '--no-audit',
            '--no-fund',
            `@acala-network/chopsticks@${CHOPSTICKS_VERSION}`,
          ],
          { cwd: REPO_ROOT, maxBuffer: 64 * 1024 * 1024 },
        )
      }
    } finally {
      rmSync(LOCK_DIR, { recursive: true, force: true })
    }
  }
  return CHOPSTICKS_DIR
}

/** A free TCP port on 127.0.0.1 (the OS picks; released before chopsticks binds it). */
export async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((res) => server.listen(0, '127.0.0.1', res))
  const { port } = server.address() as { port: number }
  await new Promise<void>((res) => server.close(() => res()))
  return port
}

/** A running chopsticks node. */
export interface ChopsticksNode {
  url: string
  port: number
  /** Everything it printed, for failure messages. */
  output(): string
  stop(): Promise<void>
}

/**
 * Boot the raw chain spec `specFile` (a name in the fixtures folder) with the fixtures' offline wrapper,
 * instant block building, on a free port. Resolves once the RPC server listens.
 */
export async function startChopsticks(specFile: string): Promise<ChopsticksNode> {
  const dir = await ensureChopsticks()
  const port = await freePort()
  const args = [
    join(CHAIN_FIXTURES_DIR, 'chopsticks-offline.cjs'),
    '--chain-spec',
    join(CHAIN_FIXTURES_DIR, specFile),
    '--host',
    '127.0.0.1',
    '--port',
    String(port),
    '--build-block-mode',
    'Instant',
    '--allow-unresolved-imports',
  ]
  const child: ChildProcess = spawn(process.execPath, args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  const exited = new Promise<void>((res) => child.on('exit', () => res()))
  // If the test worker goes away before teardown (vitest ends forks when the file is done), take the node along.
  const reap = (): void => {
    child.kill('SIGKILL')
  }
  process.once('exit', reap)
  await new Promise<void>((res, rej) => {
    const guard = setTimeout(
      () => rej(new Error(`chopsticks did not listen within ${BOOT_GUARD_MS} ms:\n${out}`)),
      BOOT_GUARD_MS,
    )
    const onData = (d: Buffer): void => {
      out += d.toString()
      if (out.includes('RPC listening on')) {
        clearTimeout(guard)
        res()
      }
    }
    child.stdout?.on('data', onData)
    child.stderr?.on('data', onData)
    void exited.then(() => {
      clearTimeout(guard)
      rej(new Error(`chopsticks exited during boot:\n${out.slice(-4000)}`))
    })
  })
  return {
    url: `ws://127.0.0.1:${port}`,
    port,
    output: () => out,
    async stop() {
      process.off('exit', reap)
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM')
      const grace = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS)
      await exited
      clearTimeout(grace)
    },
  }
}
