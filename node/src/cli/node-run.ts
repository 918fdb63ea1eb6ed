import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import {
  createLogger,
  createNodeKey,
  DEFAULT_CHAIN_URLS,
  exists,
  expandHome,
  type Hotkey,
  type Logger,
  loadNodeKey,
  type NodeKey,
  openChain,
  readEnvelopeFile,
  resolveHotkey,
  saveNodeKey,
} from '#protocol'
import { createValidatorNode } from '../node/create.js'
import { createEvaluation } from '../node/evaluation.js'
import type { ValidatorNode } from '../node/types.js'
import type { NodeConfig } from '../options.js'
import { createStore } from '../store/index.js'
import { denyListFile } from './deny-file.js'

/** Written to `<dataDir>/node.json` once the node listens: how scripts and the devnet find it. */
export interface NodeRuntimeInfo {
  pid: number
  hotkey: string
  peerId: string
  multiaddrs: string[]
  health: string | null
  light: boolean
  peerRecord: string
}

/**
 * The node key (created on first start) and the hotkey. A key file readable by group or others is logged
 * (`IDENTITY_KEY_FILE_INSECURE`), or refused with `keys.strictPermissions`.
 */
export async function loadNodeKeys(
  config: Pick<NodeConfig, 'dataDir' | 'keys' | 'wallet'>,
  log: Logger,
): Promise<{ nodeKey: NodeKey; hotkey: Hotkey }> {
  const dataDir = expandHome(config.dataDir)
  const check = { logger: log, strictPermissions: config.keys.strictPermissions }
  const keyPath = config.keys.nodeKey === undefined ? join(dataDir, 'node.key') : expandHome(config.keys.nodeKey)
  let nodeKey: NodeKey
  if (await exists(keyPath)) nodeKey = await loadNodeKey(keyPath, check)
  else {
    nodeKey = await createNodeKey()
    await saveNodeKey(keyPath, nodeKey)
    log.info('created node key', { path: keyPath, peerId: nodeKey.peerId.toString() })
  }
  const { hotkey } = await resolveHotkey({
    wallet: config.wallet.name,
    hotkey: config.wallet.hotkey,
    path: config.wallet.path,
    ...check,
  })
  return { nodeKey, hotkey }
}

/**
 * Start a validator node from its configuration: data dir, store, keys, chain, evaluation, mesh. Returns
 * the running node; the caller stops it (the CLI on SIGINT/SIGTERM).
 */
export async function runNode(config: NodeConfig, opts: { logger?: Logger } = {}): Promise<ValidatorNode> {
  const log = opts.logger ?? createLogger({ level: config.log.level })
  const dataDir = expandHome(config.dataDir)
  mkdirSync(dataDir, { recursive: true, mode: 0o700 })
  const { nodeKey, hotkey } = await loadNodeKeys(config, log)
  const chain = await openChain({
    kind: config.chain.kind,
    url: config.chain.url ?? DEFAULT_CHAIN_URLS[config.chain.kind],
    netuid: config.netuid,
  })
  const store = createStore({
    path: join(dataDir, 'node.sqlite'),
    synchronous: config.store.synchronous,
    minFreeBytes: config.store.minFreeMb * 2 ** 20,
    logger: log,
  })
  const evaluation = config.light
    ? undefined
    : createEvaluation({ config: config.evaluator, dataDir, logger: log, lanes: 1 })
  const node = createValidatorNode({
    chain,
    hotkey,
    nodeKey,
    store,
    ...(evaluation === undefined ? {} : { evaluation }),
    canaries: config.canaries,
    canaryIntervalBlocks: config.canaryIntervalBlocks,
    capacity: config.capacity,
    families: config.families,
    mesh: {
      listen: config.mesh.listen,
      bootstrap: config.mesh.bootstrap,
      observers: config.mesh.observers,
      maxConnections: config.mesh.maxConnections,
      denyPeers: denyListFile(
        config.mesh.denyFile === undefined ? join(dataDir, 'denied-peers') : expandHome(config.mesh.denyFile),
        log,
      ),
      peerRecords: config.mesh.peerRecords === undefined ? [] : readEnvelopeFile(expandHome(config.mesh.peerRecords)),
    },
    manifests: config.mesh.manifests === undefined ? [] : readEnvelopeFile(expandHome(config.mesh.manifests)),
    replicas: config.jobs.replicas,
    silenceBlocks: config.jobs.silenceBlocks,
    weights: config.weights,
    health: config.health.enabled ? { host: config.health.host, port: config.health.port } : false,
    logger: log,
  })
  try {
    await node.start()
  } catch (err) {
    await node.stop().catch(() => {})
    store.close()
    await chain.close()
    throw err
  }
  const info: NodeRuntimeInfo = {
    pid: process.pid,
    hotkey: hotkey.ss58,
    peerId: node.peerId,
    multiaddrs: node.multiaddrs(),
    health: node.healthUrl() ?? null,
    light: config.light,
    peerRecord: Buffer.from(node.peerRecord()).toString('hex'),
  }
  writeFileSync(join(dataDir, 'node.json'), `${JSON.stringify(info, null, 2)}\n`)
  const stop = node.stop.bind(node)
  return Object.assign(node, {
    async stop() {
      await stop()
      store.close()
      await chain.close()
    },
  })
}
