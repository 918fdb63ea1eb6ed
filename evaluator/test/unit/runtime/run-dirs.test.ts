import { type ChildProcess, spawn } from 'node:child_process'
import { once } from 'node:events'
import { chmodSync, chownSync, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'
import { makeTempDir, type TempDir } from '../../../../test/utils/temp-dir.js'
import { createProcessRuntime } from '../../../src/runtime/process-runtime.js'
import { pidAlive, runDirOwner, runDirPrefix, sweepStaleRunDirs } from '../../../src/runtime/run-dirs.js'
import { POLICIES_DIR, ROOMY, recordingLogger } from './helpers.js'

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url))
const HELPER = fileURLToPath(new URL('./start-and-hang.ts', import.meta.url))
const isRoot = process.getuid?.() === 0

/** The pid of a process that has exited: what a SIGKILLed validator leaves its run dirs named after. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' })
  await once(child, 'exit')
  return child.pid as number
}

let tmp: TempDir | undefined
const children: ChildProcess[] = []
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL')
  tmp?.cleanup()
  tmp = undefined
})

/** A scratch root the policy's pooled uid can traverse (the runtime drops root). */
function scratchRoot(): string {
  tmp = makeTempDir('kinitro-run-dirs-')
  chmodSync(tmp.dir, 0o711)
  return tmp.dir
}

/** A run dir with a file in it, as a policy leaves one. */
function runDir(root: string, name: string): string {
  const dir = join(root, name)
  mkdirSync(join(dir, 'scratch'), { recursive: true })
  writeFileSync(join(dir, 'scratch', 'model.bin'), 'x')
  return dir
}

describe('run dir names', () => {
  it('carry the owner pid; other kinitro-policy-* names are not run dirs', () => {
    expect(runDirPrefix(4242)).toBe('kinitro-policy-4242-')
    expect(runDirPrefix()).toBe(`kinitro-policy-${process.pid}-`)
    expect(runDirOwner('kinitro-policy-4242-aB3xYz')).toBe(4242)
    for (const name of [
      'kinitro-policy-aB3xYz', // pid-less, from builds before the sweep: owner unknown
      'kinitro-policy-client-aB3xYz',
      'kinitro-policy-bench-aB3xYz',
      'kinitro-policy-0-aB3xYz',
      'kinitro-policy-4242-aB3x',
      'kinitro-policy-4242-aB3xYz-extra',
      'kinitro-policy-12345678901-aB3xYz',
      'kinitro-spec-4242-aB3xYz',
    ]) {
      expect(runDirOwner(name), name).toBeUndefined()
    }
  })

  it('pidAlive: this process is, an exited one is not', async () => {
    expect(pidAlive(process.pid)).toBe(true)
    expect(pidAlive(1)).toBe(true) // EPERM as non-root still means alive
    expect(pidAlive(await deadPid())).toBe(false)
  })
})

describe('sweepStaleRunDirs', () => {
  it('removes the run dirs of dead pids only, logs one info line with the count, and is idempotent', async () => {
    const root = scratchRoot()
    const dead = await deadPid()
    const stale = [runDir(root, `${runDirPrefix(dead)}aaaaaa`), runDir(root, `${runDirPrefix(dead)}bbbbbb`)]
    if (isRoot) {
      // As the runtime leaves them: scratch owned by the policy's uid, private to it.
      chownSync(join(stale[0] as string, 'scratch'), 200_000, 200_000)
      chmodSync(join(stale[0] as string, 'scratch'), 0o700)
    }
    const kept = [
      runDir(root, `${runDirPrefix()}cccccc`), // ours: alive
      runDir(root, `${runDirPrefix(1)}dddddd`), // another live process
      runDir(root, 'kinitro-policy-eeeeee'),
      runDir(root, 'kinitro-policy-client-ffffff'),
      runDir(root, `kinitro-other-${dead}-gggggg`),
    ]
    writeFileSync(join(root, `${runDirPrefix(dead)}hhhhhh`), 'a file, not a run dir')
    kept.push(join(root, `${runDirPrefix(dead)}hhhhhh`))

    const log = recordingLogger()
    const result = await sweepStaleRunDirs(root, log)
    expect(result.removed.sort()).toEqual([...stale].sort())
    expect(result.denied).toEqual([])
    for (const d of stale) expect(existsSync(d), d).toBe(false)
    for (const d of kept) expect(existsSync(d), d).toBe(true)
    expect(log.lines).toEqual([
      { level: 'info', msg: 'removed stale policy run dirs of dead processes', ctx: { count: 2, root } },
    ])

    const again = recordingLogger()
    expect(await sweepStaleRunDirs(root, again)).toEqual({ removed: [], denied: [] })
    expect(again.lines).toEqual([])
  })

  it('a dir this user may not remove is a warning, not a failure; the rest is still removed', async () => {
    const root = scratchRoot()
    const dead = await deadPid()
    const locked = runDir(root, `${runDirPrefix(dead)}aaaaaa`)
    const free = runDir(root, `${runDirPrefix(dead)}bbbbbb`)
    const log = recordingLogger()
    const { rm } = await import('node:fs/promises')
    const result = await sweepStaleRunDirs(root, log, {
      // What fs.rm does as a non-root validator on a dir a root run left (files of the policy's uid).
      remove: async (path) => {
        if (path === locked)
          throw Object.assign(new Error(`EACCES: permission denied, rmdir '${path}'`), { code: 'EACCES' })
        await rm(path, { recursive: true, force: true })
      },
    })
    expect(result).toEqual({ removed: [free], denied: [locked] })
    expect(existsSync(locked)).toBe(true)
    expect(existsSync(free)).toBe(false)
    expect(log.lines.map((l) => [l.level, l.msg])).toEqual([
      ['info', 'removed stale policy run dirs of dead processes'],
      ['warn', 'stale policy run dirs not removable by this user; remove them as root'],
    ])
    expect(log.lines[1]?.ctx).toEqual({ count: 1, dirs: [locked] })
  })

  it('an unreadable scratch root is a warning, not a failure', async () => {
    const log = recordingLogger()
    expect(await sweepStaleRunDirs('/nonexistent/kinitro-scratch', log)).toEqual({ removed: [], denied: [] })
    expect(log.lines.map((l) => l.level)).toEqual(['warn'])
  })
})

describe('the process runtime', () => {
  it('names run dirs after its process, and its first start sweeps those a SIGKILLed validator left', {
    timeout: 120_000,
  }, async () => {
    const root = scratchRoot()
    // A validator process (os.tmpdir() = root) that starts a policy and is then SIGKILLed: no stop(), no rm.
    const child = spawn(
      process.execPath,
      ['--import', './compat/promise-with-resolvers.mjs', '--import', 'tsx', '--conditions=source', HELPER, 'none'],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, TMPDIR: root } },
    )
    children.push(child)
    await new Promise<string>((resolve, reject) => {
      createInterface({ input: child.stdout as NodeJS.ReadableStream }).once('line', resolve)
      child.once('exit', (code) => reject(new Error(`helper exited with ${code} before starting the policy`)))
    })
    const ownedBy = (pid: number) => readdirSync(root).filter((n) => n.startsWith(runDirPrefix(pid)))
    const leaked = ownedBy(child.pid as number)
    expect(leaked).toHaveLength(1)
    const exited = once(child, 'exit')
    child.kill('SIGKILL')
    await exited
    expect(ownedBy(child.pid as number), 'left behind by the kill').toEqual(leaked)
    const other = runDir(root, 'kinitro-policy-client-ffffff')

    const log = recordingLogger()
    const rt = createProcessRuntime({ sandbox: 'none', scratchRoot: root, logger: log, startTimeoutMs: 20_000 })
    try {
      const handle = await rt.start({ dir: POLICIES_DIR, command: ['node', 'echo.mjs', '{port}'], label: 't' }, ROOMY)
      expect(ownedBy(child.pid as number), 'swept at the first start').toEqual([])
      expect(ownedBy(process.pid), 'this runtime runs one policy').toHaveLength(1)
      expect(existsSync(other)).toBe(true)
      const infos = log.lines.filter((l) => l.msg === 'removed stale policy run dirs of dead processes')
      expect(infos).toEqual([
        { level: 'info', msg: 'removed stale policy run dirs of dead processes', ctx: { count: 1, root } },
      ])
      await handle.stop()
      expect(ownedBy(process.pid), 'stop() removes its run dir').toEqual([])
    } finally {
      await rt.close()
    }
  })
})
