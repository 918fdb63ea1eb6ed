import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { stringify } from 'smol-toml'
import { type DevHub, startDevHub } from '#evaluator'
import {
  bootstrapSubnet,
  type DevAccountKey,
  type DevSubnet,
  freePort,
  type PreparedValidator,
  prepareValidator,
} from '#node'
import { type Chain, createDevChain, type DevChain, saveNodeKey, writeHotkeyFile } from '#protocol'
import { type IndexerProcess, prepareIndexer } from './indexer-process.js'
import { type NodeProcess, nodeProcess } from './node-process.js'
import { makeTempDir, type TempDir } from './temp-dir.js'

/** Inputs of {@link createMeshNetwork}. */
export interface MeshNetworkInit {
  /** Validator node processes. */
  nodes: number
  /**
   * Registered, staked validator hotkeys that get no process: the test drives them (a hostile but bound
   * peer). @default 0
   */
  extraValidators?: number
  /** @default ['expert', 'random'] */
  miners?: readonly string[]
  /** @default 300 */
  blockTimeMs?: number
  /** @default 40 */
  cycleLengthBlocks?: number
  /** @default 2 */
  episodesPerTask?: number
  /** @default 60 */
  maxSteps?: number
  /** Blocks produced before the nodes start (freshness tests need a head past a window). @default 0 */
  advanceBlocks?: number
  /** Merged over the generated TOML of every node (e.g. `{ light: true }`, `{ jobs: { replicas: 3 } }`). */
  config?: Record<string, unknown>
  /**
   * Also run the backend indexer as a process (`net.indexer`): its observer key is made first and its peer
   * id listed in every node's `mesh.observers`; `startAll` and `close` start and stop it with the nodes.
   * @default false
   */
  indexer?: boolean
}

/** A running test network: dev chain + dev hub + subnet + node processes (started by `startAll`). */
export interface MeshNetwork {
  readonly dir: string
  readonly netuid: number
  readonly dev: DevChain
  readonly hub: DevHub
  /** A chain client of the subnet for the test's own reads. */
  readonly chain: Chain
  readonly subnet: DevSubnet
  /** The node processes, index i runs `subnet.validators[i]`. */
  readonly nodes: NodeProcess[]
  /** The pre-made mesh identity of node i (node key, listen address, signed peer record). */
  readonly prepared: PreparedValidator[]
  /** The hotkeys of `extraValidators`. */
  readonly extra: DevAccountKey[]
  /** The indexer process, with `indexer: true`. */
  readonly indexer: IndexerProcess | undefined
  /** Append peer records (hex lines) to peers.hex; nodes read it when they start. */
  addPeerRecords(records: readonly Uint8Array[]): void
  /** Start every node and the indexer (concurrently) and wait until each answers. */
  startAll(): Promise<void>
  /** Log tails of every node, for failure messages. */
  logs(lines?: number): string
  /**
   * Stop every node and the indexer (SIGTERM, then SIGKILL), the hub and the chain; remove the directory unless
   * `keep` or `KINITRO_KEEP_MESH=1` (then its path goes to stderr: node logs are `<dir>/validator-<i>/node.log`,
   * the indexer's `<dir>/indexer/indexer.log`).
   */
  close(opts?: { keep?: boolean }): Promise<void>
}

const NETUID = 1

function merge(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out = { ...base }
  for (const [k, v] of Object.entries(over)) {
    const b = out[k]
    out[k] =
      v !== null &&
      typeof v === 'object' &&
      !Array.isArray(v) &&
      b !== null &&
      typeof b === 'object' &&
      !Array.isArray(b)
        ? merge(b as Record<string, unknown>, v as Record<string, unknown>)
        : v
  }
  return out
}

/**
 * Boot what `kinitro devnet` boots, for tests: a dev chain on a SQLite file with short blocks, a dev hub
 * serving the sample policies, a subnet bootstrapped with N validators (+ extra registered hotkeys) and
 * the miners, and one data dir per node with its wallet, node key, config TOML, the shared peers.hex and
 * competitions.hex. Nothing runs until `startAll()`. Always `close()` it (afterAll), also on failure.
 *
 * @example
 * ```ts
 * const net = await createMeshNetwork({ nodes: 3, config: { light: true } })
 * await net.startAll()
 * console.log(await net.nodes[0].status())
 * await net.close()
 * ```
 */
export async function createMeshNetwork(init: MeshNetworkInit): Promise<MeshNetwork> {
  const tmp: TempDir = makeTempDir('kinitro-mesh-')
  const dir = tmp.dir
  const dev = await createDevChain({ path: tmp.file('chain.sqlite'), blockTimeMs: init.blockTimeMs ?? 300 })
  const chain = dev.client(NETUID)
  const nodes: NodeProcess[] = []
  let hub: DevHub | undefined
  let indexer: IndexerProcess | undefined
  const close = async (opts: { keep?: boolean } = {}): Promise<void> => {
    await Promise.all([...nodes.map((n) => n.stop()), indexer?.stop()])
    await chain.close()
    await hub?.stop()
    await dev.close()
    if (opts.keep === true || process.env.KINITRO_KEEP_MESH === '1') {
      process.stderr.write(`mesh network kept in ${dir}\n`)
    } else tmp.cleanup()
  }
  try {
    hub = await startDevHub()
    const extraCount = init.extraValidators ?? 0
    const subnet = await bootstrapSubnet({
      admin: dev.admin,
      chain,
      netuid: NETUID,
      validators: init.nodes + extraCount,
      miners: init.miners ?? ['expert', 'random'],
      hub,
      episodesPerTask: init.episodesPerTask ?? 2,
      maxSteps: init.maxSteps ?? 60,
      cycleLengthBlocks: init.cycleLengthBlocks ?? 40,
    })
    if ((init.advanceBlocks ?? 0) > 0) await dev.admin.advance(init.advanceBlocks)
    const head = (await chain.head()).number
    const wallets = join(dir, 'wallets')
    const peersFile = join(dir, 'peers.hex')
    const manifestsFile = join(dir, 'competitions.hex')
    const own = subnet.validators.slice(0, init.nodes)
    const prepared = await Promise.all(own.map((v) => prepareValidator({ netuid: NETUID, hotkey: v.hotkey, head })))
    const hexLine = (b: Uint8Array): string => `${Buffer.from(b).toString('hex')}\n`
    writeFileSync(peersFile, prepared.map((p) => hexLine(p.record)).join(''))
    writeFileSync(manifestsFile, hexLine(subnet.manifest))
    if (init.indexer === true) {
      // The observer models the mesh's assignment, so it takes the replicas and silence the nodes run with.
      const jobs = (init.config?.jobs ?? {}) as Record<string, unknown>
      indexer = await prepareIndexer({
        dataDir: join(dir, 'indexer'),
        netuid: NETUID,
        chainUrl: dev.url,
        peerRecords: peersFile,
        jobs: Object.fromEntries(Object.entries(jobs).filter(([k]) => k === 'replicas' || k === 'silenceBlocks')),
      })
    }
    const observers = indexer === undefined ? {} : { observers: [indexer.peerId] }
    for (const [i, v] of own.entries()) {
      const dataDir = join(dir, `validator-${i}`)
      mkdirSync(dataDir, { recursive: true, mode: 0o700 })
      const p = prepared[i] as PreparedValidator
      await saveNodeKey(join(dataDir, 'node.key'), p.nodeKey)
      await writeHotkeyFile({
        wallet: `validator-${i}`,
        hotkey: 'default',
        path: wallets,
        secret: { mnemonic: v.mnemonic },
      })
      const healthPort = await freePort()
      const config = merge(
        {
          netuid: NETUID,
          dataDir,
          // Canaries run the reference policies every cycle: evaluator time no test here needs.
          canaries: false,
          log: { level: 'info' },
          chain: { kind: 'dev', url: dev.url },
          wallet: { name: `validator-${i}`, hotkey: 'default', path: wallets },
          mesh: { listen: [p.listen], peerRecords: peersFile, manifests: manifestsFile, ...observers },
          weights: { intervalBlocks: 10 },
          health: { port: healthPort },
          evaluator: { workers: 1, fetch: { hubUrl: hub.url, allowInsecureHttp: true } },
        },
        init.config ?? {},
      )
      const configFile = join(dataDir, 'config.toml')
      writeFileSync(configFile, stringify(config))
      nodes.push(nodeProcess({ name: `validator-${i}`, configFile, dataDir, healthPort }))
    }
    return {
      dir,
      netuid: NETUID,
      dev,
      hub,
      chain,
      subnet,
      nodes,
      prepared,
      extra: subnet.validators.slice(init.nodes),
      indexer,
      addPeerRecords: (records) => appendFileSync(peersFile, records.map(hexLine).join('')),
      async startAll() {
        await Promise.all([...nodes.map((n) => n.start()), indexer?.start()])
      },
      logs: (lines = 30) => nodes.map((n) => `--- ${n.name} ---\n${n.logTail(lines)}`).join('\n'),
      close,
    }
  } catch (err) {
    await close().catch(() => {})
    throw err
  }
}
