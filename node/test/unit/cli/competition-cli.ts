import { competitionCommand } from '../../../src/cli/competition.js'
import { type CommandRun, runCommand } from './run-command.js'

/** `kinitro competition <args>` in-process from `cwd`, signing with `mnemonic` (`KINITRO_HOTKEY_MNEMONIC`). */
export function runCompetition(cwd: string, mnemonic: string | undefined, ...args: string[]): Promise<CommandRun> {
  const env = mnemonic === undefined ? {} : { KINITRO_HOTKEY_MNEMONIC: mnemonic }
  return runCommand((io) => competitionCommand({ ...io, env, cwd }), args)
}
