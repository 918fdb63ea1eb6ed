import { type Command, CommanderError } from 'commander'

/** What one in-process command invocation printed and how it exited. */
export interface CommandRun {
  out: string
  err: string
  exitCode: number
}

/** Output writers a command factory takes (the CLI's `stdout`/`stderr` options). */
export interface CapturedIo {
  stdout: (text: string) => void
  stderr: (text: string) => void
}

/**
 * Build a command with captured output (`make`), run it on `args` in-process, and turn commander's exits
 * into results instead of ending the test process.
 */
export async function runCommand(make: (io: CapturedIo) => Command, args: string[]): Promise<CommandRun> {
  let out = ''
  let err = ''
  const cmd = make({ stdout: (t) => (out += t), stderr: (t) => (err += t) })
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
