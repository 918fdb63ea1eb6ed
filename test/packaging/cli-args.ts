import type { Command } from 'commander'
import { createProgram } from '../../cli/index.js'

/** A `kinitro …` argv checked against the real command tree: where it lands and what it does not accept. */
export interface CliCheck {
  /** Subcommand names from the root, e.g. ['node', 'run']. */
  path: string[]
  /** Human-readable problems; empty when the command line would parse. */
  problems: string[]
  /** Option values by long flag, e.g. { '--config': '/etc/kinitro/node.toml' }. */
  options: Record<string, string | true>
}

/**
 * Check the arguments after `kinitro` without running anything: subcommands must exist and end at a
 * command with an action, and every flag must be one that command declares (with its value when it takes
 * one). The files we ship name commands in places no test would otherwise run (ExecStart=, CMD).
 */
export function checkKinitroArgs(args: readonly string[]): CliCheck {
  let command: Command = createProgram()
  const path: string[] = []
  const problems: string[] = []
  const options: Record<string, string | true> = {}
  let i = 0
  for (; i < args.length && !(args[i] as string).startsWith('-'); i++) {
    const next = command.commands.find((c) => c.name() === args[i] || c.aliases().includes(args[i] as string))
    if (next === undefined) break
    command = next
    path.push(next.name())
  }
  if (command.commands.length > 0) problems.push(`\`kinitro ${path.join(' ')}\` needs a subcommand`)
  for (; i < args.length; i++) {
    const arg = args[i] as string
    if (!arg.startsWith('-')) {
      problems.push(`unexpected argument ${arg}`)
      continue
    }
    const [flag, inline] = arg.split('=', 2) as [string, string | undefined]
    const option = command.options.find((o) => o.long === flag || o.short === flag)
    if (option === undefined) {
      problems.push(`\`kinitro ${path.join(' ')}\` has no option ${flag}`)
      continue
    }
    if (option.required || option.optional) {
      const v = inline ?? (option.required ? args[++i] : undefined)
      if (v === undefined) problems.push(`${flag} needs a value`)
      else options[flag] = v
    } else options[flag] = true
  }
  return { path, problems, options }
}
