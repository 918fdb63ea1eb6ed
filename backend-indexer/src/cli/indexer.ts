import { Command } from 'commander'
import { addConfigOptions, loadConfig, runUntilStopped, typedAction } from '#protocol'
import { indexerConfigSchema } from '../options.js'
import { indexerNodeKey, runIndexer } from './run.js'

function sourcesFrom(cmd: Command): { file?: string; flags: Record<string, unknown> } {
  const { config, ...flags } = cmd.opts<Record<string, unknown>>()
  return { file: typeof config === 'string' ? config : undefined, flags }
}

/** `kinitro indexer …`: the backend indexer (observer peer, REST, realtime feed, dashboard). */
export function indexerCommand(): Command {
  const indexer = new Command('indexer').description('run the backend indexer (REST, realtime feeds, dashboard)')

  const run = addConfigOptions(
    new Command('run').description(
      'observe the mesh (validated exactly as validators do), store it, recompute scores, and serve REST, /v1/feed and the dashboard',
    ),
    indexerConfigSchema,
  ).action(
    typedAction(async function (this: Command) {
      const { config } = loadConfig(indexerConfigSchema, sourcesFrom(this))
      const running = await runIndexer(config)
      process.stdout.write(`indexer: ${running.url()}  (dashboard at /, API at /v1, OpenAPI at /openapi.json)\n`)
      await runUntilStopped(() => running.stop())
    }),
  )
  indexer.addCommand(run)

  const peerId = addConfigOptions(
    new Command('peer-id').description(
      "print the observer's libp2p peer id (creating its key on first use): list it in validators' mesh.observers",
    ),
    indexerConfigSchema,
  ).action(
    typedAction(async function (this: Command) {
      const { config } = loadConfig(indexerConfigSchema, sourcesFrom(this))
      console.log((await indexerNodeKey(config)).peerId.toString())
    }),
  )
  indexer.addCommand(peerId)
  return indexer
}
