import { join } from 'node:path'
import { type DevHub, evaluatorConfigSchema, startDevHub } from '#evaluator'
import {
  type BootstrapSubnetInit,
  bootstrapSubnet,
  createEvaluation,
  createStore,
  createValidatorNode,
  type DevSubnet,
  prepareValidator,
  type Store,
  type ValidatorNode,
  type ValidatorNodeInit,
} from '#node'
import { createDevChain, type DevChain, type Logger, silentLogger } from '#protocol'
import { makeTempDir, type TempDir } from './temp-dir.js'
import { until } from './until.js'

/** Inputs of {@link startInProcessSubnet}. */
export interface InProcessSubnetInit {
  /** Temp dir prefix (`kinitro-<name>-`). */
  name: string
  validators: number
  /** What {@link bootstrapSubnet} gets besides the chain, hub and validator count. */
  subnet?: Omit<BootstrapSubnetInit, 'admin' | 'chain' | 'netuid' | 'validators' | 'hub'>
  /** @default 250 */
  blockTimeMs?: number
  /** Which validators evaluate (the rest are light nodes). @default every one */
  evaluates?: (i: number) => boolean
  /** Extra options per node (weights, health, manifests, …), over the wiring this helper does. */
  node?: (i: number, subnet: DevSubnet) => Partial<ValidatorNodeInit>
  logger?: Logger
}

/** A dev chain, a dev hub with the sample policies, a bootstrapped subnet and its validator nodes, started. */
export interface InProcessSubnet {
  tmp: TempDir
  dev: DevChain
  hub: DevHub
  subnet: DevSubnet
  nodes: ValidatorNode[]
  stores: Store[]
  /** Stop every node, close stores, the hub and the chain, remove the temp dir. Never throws. */
  stop(): Promise<void>
}

/**
 * The in-process mesh the node and CLI tests share: real TCP libp2p between the nodes (each dials the ones
 * before it), one SQLite store each, the embedded dev chain and dev hub. Resolves once every node has a peer
 * (a single node: once started).
 */
export async function startInProcessSubnet(init: InProcessSubnetInit): Promise<InProcessSubnet> {
  const tmp = makeTempDir(`kinitro-${init.name}-`)
  const logger = init.logger ?? silentLogger
  const dev = await createDevChain({ path: tmp.file('chain.sqlite'), blockTimeMs: init.blockTimeMs ?? 250 })
  const hub = await startDevHub()
  const nodes: ValidatorNode[] = []
  const stores: Store[] = []
  const stop = async (): Promise<void> => {
    for (const n of nodes) await n.stop().catch(() => {})
    for (const s of stores) s.close()
    await hub.stop().catch(() => {})
    await dev.close().catch(() => {})
    tmp.cleanup()
  }
  try {
    const chain = dev.client(1)
    const subnet = await bootstrapSubnet({
      admin: dev.admin,
      chain,
      netuid: 1,
      validators: init.validators,
      hub,
      ...init.subnet,
    })
    const head = (await chain.head()).number
    const prepared = await Promise.all(
      subnet.validators.map((v) => prepareValidator({ netuid: 1, hotkey: v.hotkey, head })),
    )
    const config = evaluatorConfigSchema.parse({ fetch: { hubUrl: hub.url, allowInsecureHttp: true } })
    for (const [i, v] of subnet.validators.entries()) {
      const store = createStore({ path: tmp.file(`v${i}.sqlite`) })
      stores.push(store)
      const p = prepared[i] as (typeof prepared)[number]
      const evaluates = init.evaluates?.(i) ?? true
      nodes.push(
        createValidatorNode({
          chain: dev.client(1),
          hotkey: v.hotkey,
          nodeKey: p.nodeKey,
          store,
          ...(evaluates
            ? {
                evaluation: createEvaluation({
                  config,
                  dataDir: join(tmp.dir, `v${i}`),
                  logger: logger.child(`v${i}`),
                }),
              }
            : {}),
          mesh: {
            listen: [p.listen],
            peerRecords: prepared.filter((_, j) => j !== i).map((q) => q.record),
            bootstrap: prepared.filter((_, j) => j < i).map((q) => q.dialAddr),
          },
          logger: logger.child(`v${i}`),
          ...init.node?.(i, subnet),
        }),
      )
    }
    for (const n of nodes) await n.start()
    if (nodes.length > 1) await until('the mesh', () => nodes.every((n) => n.status().peers > 0), { intervalMs: 150 })
    return { tmp, dev, hub, subnet, nodes, stores, stop }
  } catch (err) {
    await stop()
    throw err
  }
}
