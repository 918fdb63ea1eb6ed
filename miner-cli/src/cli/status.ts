import { type Command, Option } from 'commander'
import { addConfigOptions, decodeSs58, hasCode, typedAction } from '#protocol'
import { type MinerConfig, minerConfigFrom, minerConfigSchema } from '../config.js'
import { createIndexerClient } from '../status/client.js'
import { FAILED_EPISODE_SCAN } from '../status/constants.js'
import { StatusError } from '../status/errors.js'
import { formatStatus } from '../status/format.js'
import { formatExplanation } from '../status/format-explain.js'
import { minerStatus } from '../status/report.js'
import { watchMiner } from '../status/watch.js'
import { loadMinerHotkey } from '../wallet/hotkey.js'
import type { MinerIo } from './io.js'

type StatusOpts = { json?: boolean; watch?: boolean; until?: 'scored'; timeout?: number; episodes: number }
type ExplainOpts = { json?: boolean; competition?: string }

/** `kinitro miner status` and `kinitro miner explain`. */
export function addStatusCommands(miner: Command, io: MinerIo): void {
  addStatus(miner, io)
  addExplain(miner, io)
}

/** The hotkey argument (checked as SS58; no wallet needed), else the configured wallet's hotkey. */
async function targetHotkey(arg: string | undefined, config: MinerConfig, io: MinerIo): Promise<string> {
  if (arg !== undefined) {
    decodeSs58(arg)
    return arg
  }
  const { hotkey } = await loadMinerHotkey(config.wallet, io.env, { cwd: io.cwd, warn: io.err })
  return hotkey.ss58
}

function positiveNumber(name: string, integer: boolean) {
  return (v: string): number => {
    const n = Number(v)
    if (!(n > 0) || !Number.isFinite(n) || (integer && !Number.isInteger(n))) {
      throw new Error(`${name} must be a positive ${integer ? 'integer' : 'number'}, got ${JSON.stringify(v)}`)
    }
    return n
  }
}

function addStatus(miner: Command, io: MinerIo): void {
  const cmd = miner
    .command('status')
    .description(
      'where your policy stands, from the indexer: commitment, jobs per validator, per-task results with intervals, rank and weight, failure codes and what they mean',
    )
    .argument('[hotkey]', 'SS58 hotkey to look up; no wallet needed (default: the configured wallet’s hotkey)')
    .option('--json', 'print the status as one JSON object (with --watch: NDJSON, one object per line)')
    .option('--watch', 'then follow the realtime feed: one line per result, job, status or score change')
    .addOption(
      new Option('--until <event>', 'with --watch: stop once the event happens (scored: a score includes you)').choices(
        ['scored'],
      ),
    )
    .option(
      '--timeout <seconds>',
      'with --watch: stop after this long (with --until: exit 1 if it did not happen)',
      positiveNumber('--timeout', false),
    )
    .option(
      '--episodes <n>',
      'newest failed episodes to read for failure codes (at most 1000)',
      positiveNumber('--episodes', true),
      FAILED_EPISODE_SCAN,
    )
  addConfigOptions(cmd, minerConfigSchema, ['indexer', 'wallet'])
  cmd.addHelpText(
    'after',
    `
Examples:
  kinitro miner status                                  # your wallet's hotkey, indexer from kinitro-miner.toml
  kinitro miner status 5F… --indexer-url http://127.0.0.1:8080 --json
  kinitro miner status --watch --until scored --timeout 600   # wait for the first score, exit 1 on timeout`,
  )
  cmd.action(
    typedAction(async function (this: Command, hotkeyArg?: string) {
      const opts = this.opts<StatusOpts>()
      if ((opts.until !== undefined || opts.timeout !== undefined) && !opts.watch) {
        this.error('--until and --timeout only apply with --watch', { exitCode: 2, code: 'commander.invalidArgument' })
      }
      const config = minerConfigFrom(this, io)
      const hotkey = await targetHotkey(hotkeyArg, config, io)
      const client = createIndexerClient({ url: config.indexer.url })
      const scan = Math.min(opts.episodes, 1000)
      if (!opts.watch) {
        const status = await minerStatus(client, hotkey, scan)
        io.out(opts.json ? JSON.stringify(status, null, 2) : formatStatus(status))
        return
      }
      // Watching right after `commit`: the indexer may not have seen the commitment yet; the feed will say.
      const status = await minerStatus(client, hotkey, scan).catch((err: unknown) => {
        if (!hasCode(err, 'MINER_STATUS_NOT_FOUND')) throw err
        io.err(`the indexer does not know ${hotkey} yet (no commitment seen); waiting for it on the feed`)
        return null
      })
      if (opts.json) io.out(JSON.stringify({ type: 'snapshot', seq: 0, data: status }))
      else if (status !== null) io.out(formatStatus(status))
      const sigint = new AbortController()
      const onSigint = () => sigint.abort()
      process.once('SIGINT', onSigint)
      try {
        const outcome = await watchMiner({
          url: config.indexer.url,
          hotkey,
          ...(opts.until === undefined ? {} : { until: opts.until }),
          ...(opts.timeout === undefined ? {} : { timeoutMs: opts.timeout * 1000 }),
          json: opts.json === true,
          emit: io.out,
          onReady: () => io.err(`watching ${hotkey} on ${config.indexer.url} (Ctrl-C to stop)`),
          onNotice: io.err,
          signal: sigint.signal,
        })
        if (outcome === 'timeout' && opts.until !== undefined) {
          throw new StatusError(
            { code: 'MINER_STATUS_WATCH_TIMEOUT', hotkey, seconds: opts.timeout ?? 0, until: opts.until },
            `${hotkey} was not ${opts.until} within ${opts.timeout} s`,
          )
        }
      } finally {
        process.removeListener('SIGINT', onSigint)
      }
    }),
  )
}

function addExplain(miner: Command, io: MinerIo): void {
  const cmd = miner
    .command('explain')
    .description(
      'why your policy scored what it did: the comparison that decided each competition (task, margin, interval) and what it would take to win',
    )
    .argument('[hotkey]', 'SS58 hotkey to explain; no wallet needed (default: the configured wallet’s hotkey)')
    .option(
      '--competition <id>',
      'explain this competition only (default: policy.competition; absent: every competition you have results in)',
    )
    .option('--json', 'print the explanation as JSON (the indexer’s /v1/miners/<hotkey>/explain answer)')
  addConfigOptions(cmd, minerConfigSchema, ['indexer', 'wallet', 'policy.competition'])
  cmd.addHelpText(
    'after',
    `
Examples:
  kinitro miner explain                          # every competition you have results in
  kinitro miner explain 5F… --competition reach --indexer-url http://127.0.0.1:8080
  kinitro miner explain --json | jq '.competitions[0].subset.decisive'`,
  )
  cmd.action(
    typedAction(async function (this: Command, hotkeyArg?: string) {
      const opts = this.opts<ExplainOpts>()
      const config = minerConfigFrom(this, io)
      const hotkey = await targetHotkey(hotkeyArg, config, io)
      const client = createIndexerClient({ url: config.indexer.url })
      const view = await client.explain(hotkey, opts.competition ?? config.policy.competition)
      if (opts.json) {
        io.out(JSON.stringify(view, null, 2))
        return
      }
      io.out(
        [
          `scores at block ${view.block} (inputs ${view.inputsDigest.slice(0, 16)}…)`,
          ...view.competitions.map(formatExplanation),
        ].join('\n\n'),
      )
    }),
  )
}
