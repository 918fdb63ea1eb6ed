import { Command, InvalidArgumentError } from 'commander'
import {
  addConfigOptions,
  type Chain,
  type ChainConnectConfig,
  createDevChain,
  createLogger,
  DEFAULT_CHAIN_URLS,
  DEFAULT_DEV_BLOCK_TIME_MS,
  DEFAULT_DEV_CHAIN_HOST,
  DEFAULT_DEV_CHAIN_PORT,
  DEFAULT_WALLETS_PATH,
  devChainAdmin,
  type Hotkey,
  hotkeyFromUri,
  type Logger,
  loadConfig,
  loadHotkey,
  openChain,
  typedAction,
} from '#protocol'
import { nodeConfigSchema } from '../options.js'

/** Default dev chain URL: a dev chain started by `kinitro chain dev` with its defaults. */
export const DEFAULT_DEV_CHAIN_URL = DEFAULT_CHAIN_URLS.dev

/** Output and lifecycle hooks; tests capture output and stop `chain dev` without signals. */
export interface ChainCommandInit {
  /** Command output. @default process.stdout */
  stdout?: (text: string) => void
  /** Logger for `chain dev`. @default pino at info on stderr */
  logger?: Logger
  /** `chain dev` runs until this aborts. @default until SIGINT or SIGTERM */
  stopSignal?: AbortSignal
  /** Called with the URL once `chain dev` listens. @default no-op */
  onListening?: (url: string) => void
}

type ConnOpts = { config?: string; json?: boolean } & Record<string, unknown>
type KeyOpts = { uri?: string; wallet?: string; hotkey?: string; walletsPath: string }

const int =
  (name: string, min = 0) =>
  (v: string) => {
    const n = Number(v)
    if (!Number.isSafeInteger(n) || n < min) throw new InvalidArgumentError(`${name} must be an integer ≥ ${min}`)
    return n
  }
const intList = (name: string) => (v: string) => v.split(',').map((x) => int(name)(x.trim()))
const rao = (v: string) => {
  if (!/^\d+$/.test(v)) throw new InvalidArgumentError('amount must be an integer number of rao')
  return BigInt(v)
}
const show = (value: unknown): string =>
  JSON.stringify(
    value,
    (_k, v: unknown) =>
      typeof v === 'bigint' ? v.toString() : v instanceof Uint8Array ? Buffer.from(v).toString('hex') : v,
    2,
  )

// Which chain and subnet come from the node's config (TOML < KINITRO_* env < flags), so
// `kinitro chain … --config node.toml` talks to the chain the node uses.
function connOptions(cmd: Command): Command {
  return addConfigOptions(cmd, nodeConfigSchema, ['netuid', 'chain']).option('--json', 'print JSON')
}

/** The chain a command's config names: kind, endpoint (per-kind default) and netuid. */
export function chainConfigFrom(opts: Record<string, unknown>): ChainConnectConfig {
  const { config, json: _json, ...flags } = opts
  const { config: cfg } = loadConfig(nodeConfigSchema, { file: typeof config === 'string' ? config : undefined, flags })
  return { kind: cfg.chain.kind, url: cfg.chain.url ?? DEFAULT_CHAIN_URLS[cfg.chain.kind], netuid: cfg.netuid }
}

function keyOptions(cmd: Command): Command {
  return cmd
    .option('--uri <suri>', 'secret URI of the signing hotkey, e.g. //Alice (dev accounts)')
    .option('--wallet <name>', 'btcli wallet name of the signing hotkey')
    .option('--hotkey <name>', 'btcli hotkey name')
    .option('--wallets-path <dir>', 'wallets directory', DEFAULT_WALLETS_PATH)
}

async function signer(o: KeyOpts): Promise<Hotkey> {
  if (o.uri !== undefined) return hotkeyFromUri(o.uri)
  if (o.wallet === undefined || o.hotkey === undefined)
    throw new InvalidArgumentError('give --uri, or --wallet and --hotkey, for the signing hotkey')
  return loadHotkey({ wallet: o.wallet, hotkey: o.hotkey, path: o.walletsPath })
}

async function withChain<T>(o: ConnOpts, fn: (chain: Chain) => Promise<T>): Promise<T> {
  const chain = await openChain(chainConfigFrom(o))
  try {
    return await fn(chain)
  } finally {
    await chain.close()
  }
}

function waitForStop(signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (signal !== undefined) {
      if (signal.aborted) resolve()
      else signal.addEventListener('abort', () => resolve(), { once: true })
      return
    }
    process.once('SIGINT', () => resolve())
    process.once('SIGTERM', () => resolve())
  })
}

/** `kinitro chain …`: run the embedded dev chain and inspect or write to a chain. */
export function chainCommand(init: ChainCommandInit = {}): Command {
  const out = init.stdout ?? ((t: string) => void process.stdout.write(t))
  const chain = new Command('chain').description('the embedded dev chain and chain inspection')
  // Actions take their parsed options first; typed errors become "error CODE" + "how to fix", exit 1.
  const action = <T>(fn: (o: T, cmd: Command) => Promise<void>) =>
    typedAction(function (this: Command, ...args: unknown[]) {
      return fn({ ...this.opts<T & object>(), args: args.slice(0, -2) } as T, this)
    })

  chain
    .command('dev')
    .description('run the embedded dev chain until SIGINT/SIGTERM')
    .option('--port <n>', 'TCP port', int('port'), DEFAULT_DEV_CHAIN_PORT)
    .option('--host <addr>', 'listen address (the admin API is unauthenticated)', DEFAULT_DEV_CHAIN_HOST)
    .option(
      '--block-time <ms>',
      'milliseconds between blocks; 0 = only on admin advance',
      int('block time'),
      DEFAULT_DEV_BLOCK_TIME_MS,
    )
    .option('--data <file>', 'SQLite file that keeps the chain across restarts', ':memory:')
    .action(
      action<{ port: number; host: string; blockTime: number; data: string }>(async (o) => {
        const logger = init.logger ?? createLogger({ level: 'info' })
        const dev = await createDevChain({ port: o.port, host: o.host, blockTimeMs: o.blockTime, path: o.data, logger })
        out(`dev chain listening on ${dev.url} (block time ${o.blockTime} ms, data ${o.data})\n`)
        init.onListening?.(dev.url)
        await waitForStop(init.stopSignal)
        await dev.close()
      }),
    )

  connOptions(chain.command('metagraph').description('list the subnet neurons')).action(
    action<ConnOpts>((o) =>
      withChain(o, async (c) => {
        const mg = await c.metagraph()
        if (o.json) return void out(`${show(mg)}\n`)
        out(`netuid ${mg.netuid} at block ${mg.block}: ${mg.neurons.length} neurons\n`)
        for (const n of mg.neurons)
          out(`${n.uid}\t${n.hotkey}\tstake=${n.stake}\tpermit=${n.validatorPermit}\tlastUpdate=${n.lastUpdate}\n`)
      }),
    ),
  )

  connOptions(chain.command('commitments').description('list the subnet commitments')).action(
    action<ConnOpts>((o) =>
      withChain(o, async (c) => {
        const list = await c.commitments()
        if (o.json) return void out(`${show(list)}\n`)
        for (const e of list) out(`${e.hotkey}\tblock=${e.block}\t${new TextDecoder().decode(e.data)}\n`)
      }),
    ),
  )

  keyOptions(
    connOptions(chain.command('commit').description('set the signing hotkey commitment').argument('<text>')),
  ).action(
    action<ConnOpts & KeyOpts & { args: [string] }>(async (o) => {
      const hotkey = await signer(o)
      await withChain(o, async (c) => {
        const receipt = await c.setCommitment(hotkey, new TextEncoder().encode(o.args[0]))
        out(o.json ? `${show(receipt)}\n` : `committed at block ${receipt.blockNumber}\n`)
      })
    }),
  )

  const weights = chain.command('weights').description('read or set weights')
  connOptions(weights.command('show').description('weights rows as stored on chain')).action(
    action<ConnOpts>((o) =>
      withChain(o, async (c) => {
        const rows = await c.weights()
        if (o.json) return void out(`${show([...rows])}\n`)
        for (const [uid, row] of rows) out(`${uid}\t${row.map(([u, w]) => `${u}:${w}`).join(' ')}\n`)
      }),
    ),
  )
  keyOptions(connOptions(weights.command('set').description('set weights (commit-reveal off)')))
    .requiredOption('--uids <list>', 'comma-separated uids', intList('uid'))
    .requiredOption('--weights <list>', 'comma-separated u16 weights', intList('weight'))
    .option('--version-key <n>', 'weights version key', rao, 0n)
    .action(
      action<ConnOpts & KeyOpts & { uids: number[]; weights: number[]; versionKey: bigint }>(async (o) => {
        const hotkey = await signer(o)
        await withChain(o, async (c) => {
          const receipt = await c.setWeights(hotkey, { uids: o.uids, weights: o.weights, versionKey: o.versionKey })
          out(o.json ? `${show(receipt)}\n` : `weights set at block ${receipt.blockNumber}\n`)
        })
      }),
    )

  addAdmin(chain, out, action)
  return chain
}

type ActionFactory = <T>(
  fn: (o: T, cmd: Command) => Promise<void>,
) => (this: Command, ...args: unknown[]) => Promise<void>

// Dev chain admin operations (fund, register, stake, advance); only the dev chain has them.
function addAdmin(chain: Command, out: (t: string) => void, action: ActionFactory): void {
  const admin = chain.command('admin').description('dev chain admin: fund, register, stake, advance blocks')
  const url = (cmd: Command) =>
    cmd
      .option('--chain-url <url>', 'dev chain URL', DEFAULT_DEV_CHAIN_URL)
      .option('--netuid <n>', 'subnet id', int('netuid'), 1)
  type A = { chainUrl: string; netuid: number; args: string[] }
  url(admin.command('fund').argument('<account>').argument('<rao>')).action(
    action<A>(async (o) => void out(`balance ${await devChainAdmin(o.chainUrl).fund(o.args[0]!, rao(o.args[1]!))}\n`)),
  )
  url(admin.command('register').argument('<hotkey>').option('--coldkey <ss58>')).action(
    action<A & { coldkey?: string }>(async (o) => {
      out(`uid ${await devChainAdmin(o.chainUrl).register(o.netuid, o.args[0]!, o.coldkey)}\n`)
    }),
  )
  url(admin.command('stake').argument('<hotkey>').argument('<rao>')).action(
    action<A>(
      async (o) =>
        void out(`stake ${await devChainAdmin(o.chainUrl).addStake(o.netuid, o.args[0]!, rao(o.args[1]!))}\n`),
    ),
  )
  url(admin.command('advance').argument('[blocks]', 'blocks to produce', '1')).action(
    action<A>(
      async (o) =>
        void out(`head ${(await devChainAdmin(o.chainUrl).advance(int('blocks', 1)(o.args[0] ?? '1'))).number}\n`),
    ),
  )
}
