import { type Command, CommanderError } from 'commander'
import { competitionCommand } from '../../../src/cli/competition.js'

/** What one `kinitro competition …` invocation printed and how it exited. */
export interface CompetitionRun {
  out: string
  err: string
  exitCode: number
}

/**
 * `kinitro competition <args>` in-process from `cwd`, signing with `mnemonic` (`KINITRO_HOTKEY_MNEMONIC`);
 * commander's exits become results instead of ending the test process.
 */
export async function runCompetition(
  cwd: string,
  mnemonic: string | undefined,
  ...args: string[]
): Promise<CompetitionRun> {
  let out = ''
  let err = ''
  const cmd = competitionCommand({
    stdout: (t) => (out += t),
    stderr: (t) => (err += t),
    env: mnemonic === undefined ? {} : { KINITRO_HOTKEY_MNEMONIC: mnemonic },
    cwd,
  })
  const all = (c: Command): Command[] => [c, ...c.commands.flatMap(all)]
  for (const c of all(cmd))
    c.exitOverride().configureOutput({ writeErr: (t) => (err += t), writeOut: (t) => (out += t) })
  try {
    await cmd.parseAsync(args, { from: 'user' })
    return { out, err, exitCode: 0 }
  } catch (e) {
    if (e instanceof CommanderError) return { out, err, exitCode: e.exitCode }
    throw e
  }
}
