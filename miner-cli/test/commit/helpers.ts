import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Command, CommanderError } from 'commander'
import { packPolicyDir, samplePolicyDir } from '#evaluator'
import { generateMnemonic, type Hotkey, writeHotkeyFile } from '#protocol'
import { addCommitCommands } from '../../src/cli/commit.js'

/** A temp folder removed by `cleanup`. */
export function tempDir(prefix: string): { dir: string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) }
}

/** A btcli-format hotkey under `walletsDir/<wallet>/hotkeys/default`. */
export async function makeHotkey(walletsDir: string, wallet: string): Promise<Hotkey> {
  const { hotkey } = await writeHotkeyFile({
    wallet,
    hotkey: 'default',
    path: walletsDir,
    secret: { mnemonic: generateMnemonic() },
  })
  return hotkey
}

/** The expert sample policy packed the way `kinitro miner package` packs (deterministic tar.gz). */
export async function expertArchive(): Promise<{ bytes: Buffer; sha256: string }> {
  const packed = await packPolicyDir(samplePolicyDir('expert'))
  return { bytes: packed.bytes, sha256: packed.sha256 }
}

/** A policy folder whose `build/upload.json` is `receipt`. Returns the folder. */
export function policyFolder(root: string, name: string, receipt: Record<string, unknown>): string {
  const dir = join(root, name)
  mkdirSync(join(dir, 'build'), { recursive: true })
  writeFileSync(join(dir, 'build', 'upload.json'), JSON.stringify(receipt, null, 2))
  return dir
}

/** What one CLI run printed and how it ended. */
export interface RunResult {
  out: string
  err: string
  /** Undefined when the command succeeded. */
  exitCode?: number
  /** The error code commander was given (`MINER_…`), when it failed. */
  code?: string
}

/**
 * Run `kinitro miner <args>` in-process the way the root CLI does, with output captured and commander's
 * exits turned into a result (`exitOverride`).
 */
export async function runMiner(
  args: string[],
  io: { cwd: string; env?: Record<string, string | undefined> },
): Promise<RunResult> {
  const out: string[] = []
  const err: string[] = []
  const miner = new Command('miner')
    .exitOverride()
    .configureOutput({ writeOut: (s) => void out.push(s), writeErr: (s) => void err.push(s) })
  addCommitCommands(miner, {
    out: (t) => void out.push(`${t}\n`),
    err: (t) => void err.push(`${t}\n`),
    isTTY: false,
    env: io.env ?? {},
    cwd: io.cwd,
  })
  try {
    await miner.parseAsync(args, { from: 'user' })
    return { out: out.join(''), err: err.join('') }
  } catch (e) {
    if (!(e instanceof CommanderError)) throw e
    return { out: out.join(''), err: err.join(''), exitCode: e.exitCode, code: e.code }
  }
}
