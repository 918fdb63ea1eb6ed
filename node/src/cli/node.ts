import { Command } from 'commander'
import { addConfigOptions, describeConfig, loadConfig, redactSecrets, runUntilStopped, typedAction } from '#protocol'
import { nodeConfigSchema } from '../options.js'
import { runNode } from './node-run.js'

/** Collect `--config` and setting flags from a command into loader sources. */
function sourcesFrom(cmd: Command): { file?: string; flags: Record<string, unknown> } {
  const { config, ...flags } = cmd.opts<Record<string, unknown>>()
  return { file: typeof config === 'string' ? config : undefined, flags }
}

/** `kinitro node …`: the validator node. */
export function nodeCommand(): Command {
  const node = new Command('node').description('run a validator node on the mesh')

  const config = addConfigOptions(
    new Command('config').description('print the effective node configuration and where each value came from'),
    nodeConfigSchema,
  )
    .option('--json', 'print JSON')
    .action(
      typedAction(function (this: Command) {
        const { json } = this.opts<{ json?: boolean }>()
        const loaded = loadConfig(nodeConfigSchema, sourcesFrom(this))
        // Printed configs end up in bug reports: no credentials in URLs or secret-named values.
        const cfg = redactSecrets(loaded.config)
        const { origin } = loaded
        if (json) {
          console.log(JSON.stringify({ config: cfg, origin }, null, 2))
          return
        }
        for (const key of describeConfig(nodeConfigSchema)) {
          const value = key.path.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], cfg)
          console.log(`${key.path} = ${JSON.stringify(value)}  (${origin[key.path] ?? 'default'}; ${key.env})`)
        }
      }),
    )
  node.addCommand(config)

  const run = addConfigOptions(
    new Command('run').description(
      'run the validator: follow the chain, evaluate assigned jobs, gossip results, set weights (--light: verify and set weights only)',
    ),
    nodeConfigSchema,
  ).action(
    typedAction(async function (this: Command) {
      const { config: cfg } = loadConfig(nodeConfigSchema, sourcesFrom(this))
      const running = await runNode(cfg)
      // Graceful shutdown: stop claiming, release running jobs to the queue, close the mesh and store.
      await runUntilStopped(() => running.stop())
    }),
  )
  node.addCommand(run)
  return node
}
