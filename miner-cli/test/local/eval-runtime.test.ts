import { spawnSync } from 'node:child_process'
import { cpSync, existsSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { addEvalCommands } from '../../src/cli/eval.js'
import { addInitCommands } from '../../src/cli/init.js'
import { hasPython, runMiner, tempDir } from './helpers.js'

// These tests keep the caller's PATH: they are about the interpreter and sandbox this machine really has.
const miner = (argv: string[], cwd: string) => runMiner([addInitCommands, addEvalCommands], argv, { cwd })

function pythonExecutable(): string | undefined {
  const r = spawnSync('python3', ['-c', 'import sys; print(sys.executable)'], { encoding: 'utf8' })
  return r.status === 0 ? realpathSync(r.stdout.trim()) : undefined
}
const isRoot = process.getuid?.() === 0
const pythonUnderRoot = hasPython && isRoot && (pythonExecutable()?.startsWith('/root/') ?? false)
const hasBwrap = existsSync('/usr/bin/bwrap')

describe('kinitro miner eval: runtime problems a miner can hit', () => {
  let tmp: ReturnType<typeof tempDir>
  let dir: string
  beforeAll(async () => {
    tmp = tempDir('eval-runtime')
    expect((await miner(['init', 'p'], tmp.dir)).code).toBe(0)
    dir = join(tmp.dir, 'p')
  })
  afterAll(() => tmp.cleanup())

  it.skipIf(!pythonUnderRoot)(
    'as root with a python under /root first on PATH: the sandboxed policy runs the system python it can read',
    async () => {
      const r = await miner(['eval', '--tasks', 'mujoco/reach-v1', '--episodes', '1', '--max-steps', '5'], dir)
      expect(r.code, r.err).toBe(0)
    },
  )

  it.skipIf(!isRoot)(
    'an interpreter the sandbox user cannot read: says so, and --as-current-user runs it',
    async () => {
      // A private (0700) folder holding the interpreter, as a pyenv build under /root is.
      const hidden = mkdtempSync(join(tmpdir(), 'kinitro-hidden-'))
      try {
        const exe = join(hidden, 'python3')
        writeFileSync(exe, '#!/bin/sh\nexec /usr/bin/python3 "$@"\n', { mode: 0o755 })
        const manifest = JSON.parse(readFileSync(join(dir, 'kinitro.json'), 'utf8')) as { entry: string[] }
        const copy = join(tmp.dir, 'hidden-python')
        cpSync(dir, copy, { recursive: true })
        writeFileSync(
          join(copy, 'kinitro.json'),
          JSON.stringify({ ...manifest, entry: [exe, ...manifest.entry.slice(1)] }),
        )
        const args = ['eval', '--tasks', 'mujoco/reach-v1', '--episodes', '1', '--max-steps', '5']
        const refused = await miner(args, copy)
        expect(refused.errorCode).toBe('MINER_EVAL_INTERPRETER_UNREACHABLE')
        expect(refused.err).toContain('--as-current-user')
        const mine = await miner([...args, '--as-current-user'], copy)
        expect(mine.code, mine.err).toBe(0)
      } finally {
        rmSync(hidden, { recursive: true, force: true })
      }
    },
  )

  it.skipIf(hasBwrap)('--sandbox bubblewrap without bubblewrap fails with what to install', async () => {
    const r = await miner(['eval', '--tasks', 'mujoco/reach-v1', '--episodes', '1', '--sandbox', 'bubblewrap'], dir)
    expect(r.errorCode).toBe('MINER_EVAL_SANDBOX_UNAVAILABLE')
    expect(r.err).toContain('apt-get install bubblewrap')
  })
})
