import { spawnSync } from 'node:child_process'
import { chmodSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Command, CommanderError } from 'commander'
import type { MinerIo } from '../../src/cli/io.js'

export interface MinerRun {
  out: string
  err: string
  /** 0 when the command returned; commander's exit code otherwise. */
  code: number
  /** The error code commander was given (`MINER_…` from a typed error or `this.error`). */
  errorCode?: string
}

type AddCommands = (miner: Command, io: MinerIo) => void

/** Runs `kinitro miner <argv>` with only the given command areas, capturing everything it prints. */
export async function runMiner(
  areas: AddCommands[],
  argv: string[],
  opts: { cwd: string; env?: Record<string, string | undefined>; isTTY?: boolean },
): Promise<MinerRun> {
  let out = ''
  let err = ''
  const io: MinerIo = {
    out: (t) => {
      out += `${t}\n`
    },
    err: (t) => {
      err += `${t}\n`
    },
    isTTY: opts.isTTY ?? false,
    env: opts.env ?? {},
    cwd: opts.cwd,
  }
  const miner = new Command('miner')
  for (const add of areas) add(miner, io)
  for (const c of [miner, ...miner.commands]) {
    c.exitOverride()
    c.configureOutput({ writeOut: (s) => (out += s), writeErr: (s) => (err += s) })
  }
  try {
    await miner.parseAsync(argv, { from: 'user' })
    return { out, err, code: 0 }
  } catch (e) {
    if (!(e instanceof CommanderError)) throw e
    return { out, err, code: e.exitCode, errorCode: e.code }
  }
}

/** A temp folder other users can enter (the runtime drops root to uid 65534), removed by the returned function. */
export function tempDir(prefix: string): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `kinitro-${prefix}-`))
  chmodSync(dir, 0o755)
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) }
}

/**
 * When the tests run as root, the runtime drops the policy to uid 65534, which cannot run an interpreter
 * installed under /root (pyenv). The system python in /usr/bin can: put it first, as a validator's operator
 * would (`MINER_EVAL_INTERPRETER_UNREACHABLE` says so).
 */
export function preferSystemPython(): void {
  process.env.PATH = `/usr/bin:${process.env.PATH ?? ''}`
}

export const hasPython = spawnSync('/usr/bin/env', ['python3', '--version']).status === 0
