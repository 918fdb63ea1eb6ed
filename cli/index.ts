/**
 * @packageDocumentation
 * The root `kinitro` command. It sits above the dependency graph (style.md §3): it composes each
 * component's exported commands, so components never import one another to build the CLI.
 */
import { existsSync, readFileSync } from 'node:fs'
import { Command } from 'commander'
import { envCommand } from '#evaluator'
import { auditCommand, indexerCommand } from '#indexer'
import { minerCommand } from '#miner'
import { chainCommand, competitionCommand, keysCommand, nodeCommand } from '#node'
import { scoreCommand } from '#protocol'
import { dbCommand } from './db.js'
import { devnetCommand } from './devnet/command.js'

// Run from source (cli/) or from the build (dist/cli/): the package root is one or two levels up.
function packageVersion(): string {
  for (const rel of ['../package.json', '../../package.json']) {
    const url = new URL(rel, import.meta.url)
    if (existsSync(url)) return (JSON.parse(readFileSync(url, 'utf8')) as { version: string }).version
  }
  return '0.0.0-unknown'
}

/** Build the `kinitro` program. Pure: no parsing, no I/O beyond reading the package version. */
export function createProgram(): Command {
  const program = new Command('kinitro')
    .description('Kinitro Mesh: trustworthy scores for robot-control policies on a Bittensor subnet')
    .version(packageVersion(), '-V, --version')
    .showHelpAfterError()
  program.addCommand(keysCommand())
  program.addCommand(scoreCommand())
  program.addCommand(nodeCommand())
  program.addCommand(chainCommand())
  program.addCommand(competitionCommand())
  program.addCommand(envCommand())
  program.addCommand(devnetCommand())
  program.addCommand(dbCommand())
  program.addCommand(indexerCommand())
  program.addCommand(auditCommand())
  program.addCommand(minerCommand())
  return program
}
