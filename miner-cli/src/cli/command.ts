import { Command } from 'commander'
import { addCommitCommands } from './commit.js'
import { addEvalCommands } from './eval.js'
import { addInitCommands } from './init.js'
import { type MinerIo, processIo } from './io.js'
import { addPackageCommands } from './package.js'
import { addStatusCommands } from './status.js'
import { addUploadCommands } from './upload.js'

/** What `kinitro miner` reads and writes; tests replace any part of it. */
export interface MinerCommandInit {
  io?: Partial<MinerIo>
}

/**
 * `kinitro miner …`: a miner's whole path in the order it is walked — init → eval → package → upload → commit
 * (→ verify) → status / explain. Each step writes what the next one reads under `<policy dir>/build/`, so the
 * commands chain without repeating flags.
 */
export function minerCommand(init: MinerCommandInit = {}): Command {
  const io: MinerIo = { ...processIo(), ...init.io }
  const miner = new Command('miner')
    .description('scaffold, evaluate, package, upload and commit a policy, then follow its scores')
    .addHelpText(
      'after',
      `
A new miner's path:
  kinitro miner init my-policy --repo alice/reach --competition <id>
  cd my-policy && kinitro miner eval          # the validators' evaluator, locally
  kinitro miner package                       # build/policy.tar.gz + manifest + SHA-256
  HF_TOKEN=… kinitro miner upload             # → build/upload.json (revision)
  kinitro miner commit --netuid N             # → on chain, signed by your hotkey
  kinitro miner verify && kinitro miner status --watch`,
    )
  addInitCommands(miner, io)
  addEvalCommands(miner, io)
  addPackageCommands(miner, io)
  addUploadCommands(miner, io)
  addCommitCommands(miner, io)
  addStatusCommands(miner, io)
  return miner
}
