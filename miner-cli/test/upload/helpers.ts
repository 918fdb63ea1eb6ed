import { createHash } from 'node:crypto'
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Command, CommanderError } from 'commander'
import { packPolicyDir } from '#evaluator'
import type { MinerIo } from '../../src/cli/io.js'
import { addUploadCommands } from '../../src/cli/upload.js'

export function sha256(b: Uint8Array): string {
  return createHash('sha256').update(b).digest('hex')
}

/**
 * A policy project folder with `build/policy.tar.gz` in it, as `kinitro miner package` leaves it: a real
 * .tar.gz of `server.py` (printing `marker`) and a weights file, so validators' fetcher can unpack it.
 */
export async function packagedProject(marker = 'cli'): Promise<{ dir: string; archive: Buffer }> {
  const dir = await mkdtemp(join(tmpdir(), 'kinitro-upload-'))
  const src = join(dir, 'src')
  await mkdir(join(src, 'weights'), { recursive: true })
  await writeFile(join(src, 'server.py'), `print("${marker}")\n`)
  await writeFile(join(src, 'weights', 'model.bin'), Buffer.alloc(4096, 7))
  const { bytes: archive } = await packPolicyDir(src)
  await mkdir(join(dir, 'build'))
  await writeFile(join(dir, 'build', 'policy.tar.gz'), archive)
  return { dir, archive }
}

/** What one `kinitro miner upload …` run printed, and how it ended. */
export interface UploadRun {
  out: string[]
  err: string[]
  /** Set when the command failed: commander's code (the error code for typed errors) and exit code. */
  failure?: { code: string; exitCode: number; message: string }
}

/**
 * Runs `kinitro miner upload <args>` in-process through commander with `exitOverride`, so a failure is an
 * exception carrying the exit code instead of `process.exit`. `env` replaces the process's entirely: HOME
 * points into the project so no real token file on this machine is ever read.
 */
export async function runUpload(args: string[], cwd: string, env: Record<string, string> = {}): Promise<UploadRun> {
  const run: UploadRun = { out: [], err: [] }
  const io: MinerIo = {
    out: (t) => run.out.push(t),
    err: (t) => run.err.push(t),
    isTTY: false,
    env: { HOME: join(cwd, 'home'), ...env },
    cwd,
  }
  const program = new Command('kinitro').exitOverride()
  program.configureOutput({ writeOut: (t) => run.out.push(t), writeErr: (t) => run.err.push(t) })
  const miner = program.command('miner')
  addUploadCommands(miner, io)
  try {
    await program.parseAsync(['miner', 'upload', ...args], { from: 'user' })
  } catch (err) {
    if (!(err instanceof CommanderError)) throw err
    run.failure = { code: err.code, exitCode: err.exitCode, message: err.message }
  }
  return run
}
