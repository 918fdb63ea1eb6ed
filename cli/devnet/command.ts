import { type ChildProcess, spawn } from 'node:child_process'
import { createWriteStream, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { Command, InvalidArgumentError, Option } from 'commander'
import { startDevHub } from '#evaluator'
import { bootstrapSubnet, freePort, prepareValidator } from '#node'
import {
  type Chain,
  createNodeKey,
  EXIT_WITH_PARENT_ENV,
  hotkeyFromMnemonic,
  loadNodeKey,
  saveNodeKey,
  typedAction,
  writeHotkeyFile,
} from '#protocol'
import { checkResumable, type DevnetChainRecord, openDevnetChain } from './chain.js'
import { createEventLog } from './events.js'
import { parseMinerList } from './miner-list.js'
import { publishSampleMiner } from './sample-miners.js'

/**
 * The devnet hub's one write token, printed at start: miners upload to `devnet/<name>` with
 * `HF_TOKEN=hf_devnet`, as they would to their own namespace on huggingface.co.
 */
export const DEVNET_HUB_TOKEN = 'hf_devnet'
const DEVNET_HUB_NAMESPACE = 'devnet'

/**
 * The devnet's sample miners by default, in commit order. The mediocre reach specialist commits before the
 * expert and keeps reach by the first-commit rule; the expert takes push and button-press; random gets the
 * floor: weights rank expert > mediocre > random (`kinitro score simulate` on this scenario: 65535 > 3263 > 1200).
 */
export const DEVNET_MINERS = ['random', 'mediocre', 'expert'] as const
/** The devnet competition's tasks by default: the three the sample policies tell apart. */
export const DEVNET_TASKS = ['mujoco/reach-v1', 'mujoco/push-v1', 'mujoco/button-press-v1'] as const
/** Where a devnet keeps its state when neither --data-dir nor this variable says otherwise: `.kinitro-devnet`. */
export const DEVNET_DATA_DIR_ENV = 'KINITRO_DEVNET_DATA_DIR'

/** How long node processes get to stop after SIGTERM before the devnet kills them. */
const STOP_GRACE_MS = 20_000

/** What a devnet keeps in `<dataDir>/devnet.json` so a second run resumes it. */
interface DevnetState {
  netuid: number
  ports: { chain: number; hub: number; validators: number[]; health: number[]; indexer?: number; indexerMesh?: number }
  keys: { owner: string; validators: string[]; miners: string[] }
  manifest: string
  /** Absent in state files from before `--chain-url`: the embedded chain. */
  chain?: DevnetChainRecord
}

export interface DevnetOptions {
  dataDir: string
  /** A chopsticks ws:// endpoint serving a Subtensor runtime; absent: the embedded dev chain. */
  chainUrl?: string
  validators: number
  miners: string[]
  tasks: string[]
  fresh: boolean
  blockMs: number
  cycleBlocks: number
  weightsInterval: number
  /** Validators' `canaryIntervalBlocks`; undefined: the node's default. */
  canaryInterval?: number
  /** Stop (exit 0) once every validator has set weights on chain: the CI-friendly one-cycle run. */
  exitAfterWeights: boolean
  /** Give up after this many seconds (0 = run until Ctrl-C). */
  timeout: number
  /** Start the backend indexer (an observer peer) with its dashboard. */
  indexer: boolean
  /** Episodes per task in the devnet competition. @default 2 (bootstrapSubnet's) */
  episodes?: number
  /** Step limit per episode in the devnet competition. @default 100 (bootstrapSubnet's) */
  maxSteps?: number
  /** Append timed milestones (JSON lines, see events.ts) to this file. */
  events?: string
}

function int(min: number, max: number) {
  return (v: string): number => {
    const n = Number(v)
    if (!Number.isInteger(n) || n < min || n > max) throw new InvalidArgumentError(`an integer ${min}…${max}`)
    return n
  }
}

function wsUrl(v: string): string {
  if (!/^wss?:\/\/\S+$/u.test(v)) throw new InvalidArgumentError('a ws:// or wss:// URL of a chopsticks node')
  return v
}

function toml(obj: Record<string, unknown>, prefix = ''): string {
  const scalars: string[] = []
  const tables: string[] = []
  for (const [k, v] of Object.entries(obj)) {
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
      tables.push(`\n[${prefix}${k}]\n${toml(v as Record<string, unknown>, `${prefix}${k}.`)}`)
    } else scalars.push(`${k} = ${JSON.stringify(v)}`)
  }
  return `${scalars.join('\n')}${tables.join('')}\n`
}

/** The command that starts a node process: the same Node, flags and entry point as this process. */
function processArgs(group: 'node' | 'indexer', configFile: string): { cmd: string; args: string[] } {
  return {
    cmd: process.execPath,
    args: [...process.execArgv, resolve(process.argv[1] as string), group, 'run', '--config', configFile],
  }
}

/**
 * `kinitro devnet`: a dev chain, the sample miners' artifacts on a local hub, a subnet with an owner and
 * a competition, and N validator nodes as separate processes; prints where everything runs and the
 * first cycle's progress until weights are on chain.
 */
export async function runDevnet(o: DevnetOptions, out: (line: string) => void): Promise<number> {
  const dataDir = resolve(o.dataDir)
  if (o.fresh) rmSync(dataDir, { recursive: true, force: true })
  mkdirSync(join(dataDir, 'logs'), { recursive: true })
  // After --fresh: an events file inside the data dir survives the wipe.
  const event = createEventLog(o.events === undefined ? undefined : resolve(o.events))
  const statePath = join(dataDir, 'devnet.json')
  const prior: DevnetState | undefined = existsSync(statePath)
    ? (JSON.parse(readFileSync(statePath, 'utf8')) as DevnetState)
    : undefined
  if (prior !== undefined && prior.ports.validators.length !== o.validators) {
    throw new InvalidArgumentError(
      `the devnet in ${dataDir} has ${prior.ports.validators.length} validators; pass --fresh to start over with ${o.validators}`,
    )
  }
  const netuid = prior?.netuid ?? 1
  const ports = prior?.ports ?? {
    chain: await freePort(),
    hub: await freePort(),
    validators: await Promise.all(Array.from({ length: o.validators }, () => freePort())),
    health: await Promise.all(Array.from({ length: o.validators }, () => freePort())),
  }
  ports.indexer ??= await freePort()
  ports.indexerMesh ??= await freePort()
  const net = await openDevnetChain({
    ...(o.chainUrl === undefined ? {} : { chainUrl: o.chainUrl }),
    dataDir,
    port: ports.chain,
    blockMs: o.blockMs,
    out,
  })
  const chain = await net.client(netuid).catch(async (err: unknown) => {
    await net.close()
    throw err
  })
  const hub = await startDevHub({ port: ports.hub, users: { [DEVNET_HUB_TOKEN]: DEVNET_HUB_NAMESPACE } })
  const children: ChildProcess[] = []
  const names: string[] = []
  /** Start one `kinitro <group> run` process; stdin is a pipe it watches (it exits when we die). */
  const launch = (name: string, group: 'node' | 'indexer', configFile: string): void => {
    const { cmd, args } = processArgs(group, configFile)
    const log = createWriteStream(join(dataDir, 'logs', `${name}.log`), { flags: 'a' })
    const child = spawn(cmd, args, {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, [EXIT_WITH_PARENT_ENV]: '1' },
      // Its own process group: a terminal's Ctrl-C reaches only the devnet, which then stops each process
      // once with SIGTERM. Sharing the group, a process got SIGINT and SIGTERM, took the second as "force"
      // and skipped its graceful stop. If the devnet dies, the closed stdin pipe stops it.
      detached: true,
    })
    child.stdout?.pipe(log)
    child.stderr?.pipe(log)
    children.push(child)
    names.push(name)
    if (child.pid !== undefined) event({ event: 'process-started', name, pid: child.pid })
  }
  const stopAll = async (): Promise<void> => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGTERM')
    // A node's graceful stop waits for the job it is running to be released; past the grace period the
    // devnet kills it (its SQLite state is crash-safe, so nothing committed is lost).
    const grace = setTimeout(() => {
      for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL')
    }, STOP_GRACE_MS)
    await Promise.all(
      children.map((c) =>
        c.exitCode === null && c.signalCode === null ? new Promise((r) => c.once('exit', r)) : Promise.resolve(),
      ),
    )
    clearTimeout(grace)
    for (const [i, c] of children.entries()) {
      const how = c.signalCode === null ? `exit ${c.exitCode}` : `killed by ${c.signalCode}`
      out(`${names[i]} stopped (${how})`)
    }
    await hub.stop()
    await chain.close()
    await net.close()
    out('devnet stopped')
  }
  let publishedCount = 0
  try {
    if (prior !== undefined) {
      const first = await hotkeyFromMnemonic(prior.keys.validators[0] as string)
      await checkResumable(prior.chain ?? { kind: 'dev' }, net, chain, first.ss58, dataDir)
    }
    const subnet = await bootstrapSubnet({
      admin: net.admin,
      chain,
      netuid,
      validators: o.validators,
      miners: o.miners,
      tasks: o.tasks,
      hub,
      // The miner CLI's own path: package, upload to the hub, commit with the miner's hotkey.
      publishMiner: async (m) => {
        const published = await publishSampleMiner({
          ...m,
          chain,
          hubUrl: hub.url,
          token: DEVNET_HUB_TOKEN,
          workDir: join(dataDir, 'miners'),
        })
        event({
          event: 'miner-published',
          index: publishedCount++,
          policy: m.policy,
          hotkey: m.hotkey.ss58,
          commitment: published.commitment,
        })
        return published
      },
      cycleLengthBlocks: o.cycleBlocks,
      ...(o.episodes === undefined ? {} : { episodesPerTask: o.episodes }),
      ...(o.maxSteps === undefined ? {} : { maxSteps: o.maxSteps }),
      ...(prior === undefined
        ? {}
        : { keys: prior.keys, manifest: new Uint8Array(Buffer.from(prior.manifest, 'hex')) }),
    })
    const state: DevnetState = {
      netuid,
      ports,
      keys: {
        owner: subnet.owner.mnemonic,
        validators: subnet.validators.map((v) => v.mnemonic),
        miners: subnet.miners.map((m) => m.mnemonic),
      },
      manifest: Buffer.from(subnet.manifest).toString('hex'),
      chain: net.kind === 'dev' ? { kind: 'dev' } : { kind: net.kind, url: net.url },
    }
    net.startBlocks()
    writeFileSync(statePath, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 })
    const head = (await chain.head()).number
    const wallets = join(dataDir, 'wallets')
    const prepared = []
    for (const [i, v] of subnet.validators.entries()) {
      const dir = join(dataDir, `validator-${i}`)
      mkdirSync(dir, { recursive: true, mode: 0o700 })
      const keyFile = join(dir, 'node.key')
      const nodeKey = existsSync(keyFile) ? await loadNodeKey(keyFile) : undefined
      const p = await prepareValidator({
        netuid,
        hotkey: v.hotkey,
        head,
        port: ports.validators[i] as number,
        ...(nodeKey === undefined ? {} : { nodeKey }),
      })
      if (nodeKey === undefined) await saveNodeKey(keyFile, p.nodeKey)
      await writeHotkeyFile({
        wallet: `validator-${i}`,
        hotkey: 'default',
        path: wallets,
        secret: { mnemonic: v.mnemonic },
        force: true,
      })
      prepared.push(p)
    }
    writeFileSync(
      join(dataDir, 'peers.hex'),
      `${prepared.map((p) => Buffer.from(p.record).toString('hex')).join('\n')}\n`,
    )
    writeFileSync(join(dataDir, 'competitions.hex'), `${Buffer.from(subnet.manifest).toString('hex')}\n`)
    // The indexer is an observer: validators admit its peer id without a peer record.
    const indexerDir = join(dataDir, 'indexer')
    mkdirSync(indexerDir, { recursive: true, mode: 0o700 })
    const indexerKeyFile = join(indexerDir, 'node.key')
    if (!existsSync(indexerKeyFile)) await saveNodeKey(indexerKeyFile, await createNodeKey())
    const observers = o.indexer ? [(await loadNodeKey(indexerKeyFile)).peerId.toString()] : []
    for (const [i] of subnet.validators.entries()) {
      const dir = join(dataDir, `validator-${i}`)
      const config = {
        netuid,
        dataDir: dir,
        chain: { kind: net.kind, url: net.url },
        wallet: { name: `validator-${i}`, hotkey: 'default', path: wallets },
        mesh: {
          listen: [(prepared[i] as { listen: string }).listen],
          peerRecords: join(dataDir, 'peers.hex'),
          manifests: join(dataDir, 'competitions.hex'),
          observers,
        },
        weights: { intervalBlocks: o.weightsInterval },
        ...(o.canaryInterval === undefined ? {} : { canaryIntervalBlocks: o.canaryInterval }),
        health: { port: ports.health[i] },
        evaluator: { fetch: { hubUrl: hub.url, allowInsecureHttp: true } },
      }
      const file = join(dir, 'config.toml')
      writeFileSync(file, toml(config))
      launch(`validator-${i}`, 'node', file)
    }
    const indexerUrl = `http://127.0.0.1:${ports.indexer}`
    if (o.indexer) {
      const file = join(indexerDir, 'config.toml')
      writeFileSync(
        file,
        toml({
          netuid,
          dataDir: indexerDir,
          chain: { kind: net.kind, url: net.url },
          http: { port: ports.indexer },
          mesh: { listen: [`/ip4/127.0.0.1/tcp/${ports.indexerMesh}`], peerRecords: join(dataDir, 'peers.hex') },
          artifacts: { roots: subnet.validators.map((_, i) => join(dataDir, `validator-${i}`)) },
        }),
      )
      launch('indexer', 'indexer', file)
    }
    out(net.describe(netuid))
    out(`artifact hub   ${hub.url}  (uploads: HF_TOKEN=${DEVNET_HUB_TOKEN}, repos under ${DEVNET_HUB_NAMESPACE}/)`)
    for (const [i, v] of subnet.validators.entries()) {
      out(
        `validator-${i}    ${v.hotkey.ss58}  mesh ${(prepared[i] as { listen: string }).listen}  health http://127.0.0.1:${ports.health[i]}/health`,
      )
    }
    const uids = new Map((await chain.metagraph()).neurons.map((n) => [n.hotkey, n.uid]))
    for (const m of subnet.miners) {
      out(`miner ${m.policy.padEnd(8)} uid ${uids.get(m.hotkey.ss58)}  ${m.hotkey.ss58}  ${m.commitment}`)
    }
    if (o.indexer) {
      out(
        `dashboard      ${indexerUrl}/  (REST ${indexerUrl}/v1, OpenAPI ${indexerUrl}/openapi.json, feed ws://127.0.0.1:${ports.indexer}/v1/feed)`,
      )
    }
    out(`data dir       ${dataDir}  (logs in logs/)`)
    event({ event: 'banner-printed' })
    return await watch(
      o,
      chain,
      ports.health,
      subnet.miners.length,
      { children, names },
      out,
      o.indexer ? indexerUrl : undefined,
      (block) => event({ event: 'cycle-complete', block }),
    )
  } finally {
    await stopAll()
  }
}

interface NodeProgress {
  jobsDone: number
  lastSetBlock: number | null
}

async function progressOf(healthPort: number): Promise<NodeProgress | undefined> {
  try {
    const res = await fetch(`http://127.0.0.1:${healthPort}/status`, { signal: AbortSignal.timeout(2000) })
    if (!res.ok) return undefined
    const s = (await res.json()) as { queue?: { done?: number }; weights?: { lastSetBlock?: number | null } | null }
    return { jobsDone: s.queue?.done ?? 0, lastSetBlock: s.weights?.lastSetBlock ?? null }
  } catch {
    return undefined // still starting, or busy: the next poll asks again
  }
}

/**
 * Print progress (jobs evaluated per node, weights on chain) until the first cycle is complete: every
 * node evaluated its jobs for every miner and then set weights. Weights set earlier may come from a
 * partial view (the node says so in its log); the cycle is complete only after the evaluations.
 */
async function watch(
  o: DevnetOptions,
  chain: Chain,
  healthPorts: readonly number[],
  miners: number,
  procs: { children: ChildProcess[]; names: string[] },
  out: (line: string) => void,
  indexerUrl: string | undefined,
  onComplete: (block: number) => void = () => undefined,
): Promise<number> {
  const { children, names } = procs
  const ac = new AbortController()
  const onSignal = () => ac.abort()
  process.once('SIGINT', onSignal)
  process.once('SIGTERM', onSignal)
  const started = Date.now()
  let last = ''
  let evaluatedAt: number | undefined
  let announced = false
  try {
    while (!ac.signal.aborted) {
      const dead = children.findIndex((c) => c.exitCode !== null)
      if (dead >= 0) {
        out(`${names[dead]} exited (code ${children[dead]?.exitCode}); see logs/${names[dead]}.log`)
        return 1
      }
      const head = (await chain.head()).number
      const progress = await Promise.all(healthPorts.map(progressOf))
      const rows = await chain.weights().catch(() => new Map<number, Array<[number, number]>>())
      const line = `jobs done ${progress.map((p) => p?.jobsDone ?? '-').join('/')}, weights on chain from ${rows.size}/${healthPorts.length} validators`
      if (line !== last) {
        last = line
        out(`block ${head}: ${line}`)
      }
      // Each miner's job has min(3, N) replicas (the default `jobs.replicas`).
      const done = progress.reduce((sum, p) => sum + (p?.jobsDone ?? 0), 0)
      if (evaluatedAt === undefined && done >= miners * Math.min(3, healthPorts.length)) {
        evaluatedAt = head
        out(`block ${head}: every node evaluated every miner; waiting for the weights that follow`)
      }
      const complete =
        evaluatedAt !== undefined &&
        progress.every((p) => p?.lastSetBlock != null && p.lastSetBlock > (evaluatedAt as number))
      if (complete && !announced) {
        announced = true
        onComplete(head)
        out(`block ${head}: first cycle complete; weights on chain:`)
        for (const [uid, row] of rows) out(`  uid ${uid} → ${row.map(([u, w]) => `${u}:${w}`).join(' ')}`)
        if (indexerUrl !== undefined) {
          // The indexer scores from the same signed results a moment later: give it up to 30 s to rank everyone.
          let lines: string[] = []
          for (let i = 0; i < 30 && !ac.signal.aborted; i++) {
            lines = await leaderboardLines(indexerUrl)
            if (lines.length > miners) break
            await new Promise((r) => setTimeout(r, 1000))
          }
          for (const line of lines) out(line)
        }
        if (o.exitAfterWeights) return 0
      }
      if (o.timeout > 0 && Date.now() - started > o.timeout * 1000) {
        out(`timed out after ${o.timeout} s`)
        return 1
      }
      await new Promise((r) => setTimeout(r, 1000))
    }
    return 0
  } finally {
    process.off('SIGINT', onSignal)
    process.off('SIGTERM', onSignal)
  }
}

/** The indexer's leaderboard as printable lines; empty when it is not answering yet. */
async function leaderboardLines(url: string): Promise<string[]> {
  try {
    const res = await fetch(`${url}/v1/leaderboard`, { signal: AbortSignal.timeout(5000) })
    if (!res.ok) return []
    const body = (await res.json()) as {
      competitions: { id: string; entries: { rank: number; hotkey: string; uid: number | null; weight: number }[] }[]
    }
    return body.competitions.flatMap((c) => [
      `leaderboard ${c.id} (indexer):`,
      ...c.entries.map((e) => `  ${e.rank}. uid ${e.uid ?? '-'} ${e.hotkey}  weight ${e.weight.toFixed(4)}`),
    ])
  } catch {
    return []
  }
}

/** `kinitro devnet`. */
export function devnetCommand(init: { stdout?: (line: string) => void } = {}): Command {
  const out = init.stdout ?? ((line: string) => process.stdout.write(`${line}\n`))
  return (
    new Command('devnet')
      .description(
        'run the whole system locally: dev chain, subnet, sample miners and validator nodes and the indexer (dashboard) as processes',
      )
      .addOption(
        new Option('--data-dir <dir>', 'where the devnet keeps its state (a second run resumes it)')
          .env(DEVNET_DATA_DIR_ENV)
          .default('.kinitro-devnet'),
      )
      .option(
        '--chain-url <ws-url>',
        'run on a Subtensor runtime served by chopsticks at this ws:// URL instead of the embedded dev chain (a live Subtensor is refused)',
        wsUrl,
      )
      .option('--validators <n>', 'validator node processes (1-8)', int(1, 8), 3)
      .option(
        '--miners <list>',
        'sample policies (expert, mediocre, random) to commit, comma-separated, in commit order: a later miner must beat earlier ones by the first-commit margin; name*N commits N copies (random*50)',
        parseMinerList,
        [...DEVNET_MINERS],
      )
      .option('--tasks <list>', 'tasks of the devnet competition, comma-separated', (v) => v.split(','), [
        ...DEVNET_TASKS,
      ])
      .option('--fresh', 'delete the data dir first', false)
      .option('--block-ms <ms>', 'dev chain block time', int(100, 60_000), 1000)
      // A node evaluates 3 sample miners × 3 tasks × 2 episodes in about 30 s on 2 cores: a one-minute cycle
      // leaves room, so the queue does not grow from cycle to cycle.
      .option('--cycle-blocks <n>', 'blocks per evaluation cycle', int(5, 100_000), 60)
      .option('--weights-interval <n>', 'blocks between weight updates', int(1, 100_000), 10)
      .option(
        '--canary-interval <n>',
        "validators run canaries on one cycle per this many blocks (1: every cycle; default: the node's, 300)",
        int(1, 100_000),
      )
      .option(
        '--exit-after-weights',
        'stop once the first cycle is evaluated and every validator has set weights (exit 0)',
        false,
      )
      .option('--timeout <s>', 'give up after this many seconds (0: never)', int(0, 86_400), 0)
      .option('--no-indexer', 'do not start the backend indexer and its dashboard')
      .option('--episodes <n>', 'episodes per task in the devnet competition (default 2)', int(1, 1000))
      .option('--max-steps <n>', 'step limit per episode in the devnet competition (default 100)', int(1, 100_000))
      .option('--events <file>', 'append timed milestones (JSON lines) to this file, for benchmarks')
      .action(
        typedAction(async (opts: DevnetOptions) => {
          process.exitCode = await runDevnet(opts, out)
        }),
      )
  )
}
