import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { createBuiltinEnvironmentFactory } from '#evaluator'
import {
  createLogger,
  createNodeKey,
  DEFAULT_CHAIN_URLS,
  exists,
  expandHome,
  type Logger,
  loadNodeKey,
  type NodeKey,
  openChain,
  readEnvelopeFile,
  saveNodeKey,
} from '#protocol'
import { createIndexer, type Indexer } from '../indexer.js'
import type { IndexerConfig } from '../options.js'
import { createReplaySource, folderArtifactReader, httpArtifactReader } from '../replay/index.js'
import { openIndexerStore } from '../store/index.js'

/** What `kinitro indexer run` writes to `<dataDir>/indexer.json` for tools (the devnet) to read. */
export interface IndexerRuntimeInfo {
  pid: number
  url: string
  peerId: string
  multiaddrs: string[]
  store: 'sqlite' | 'postgres'
}

/** The observer's libp2p key: loaded, or created on first start (validators list its peer id as an observer). */
export async function indexerNodeKey(config: IndexerConfig, log?: Logger): Promise<NodeKey> {
  const dataDir = expandHome(config.dataDir)
  mkdirSync(dataDir, { recursive: true, mode: 0o700 })
  const path = config.keys.nodeKey === undefined ? join(dataDir, 'node.key') : expandHome(config.keys.nodeKey)
  if (await exists(path)) {
    return loadNodeKey(path, {
      strictPermissions: config.keys.strictPermissions,
      ...(log === undefined ? {} : { logger: log }),
    })
  }
  const key = await createNodeKey()
  await saveNodeKey(path, key)
  log?.info('created observer key', { path, peerId: key.peerId.toString() })
  return key
}

/** Start an indexer from its configuration; the caller stops it. */
export async function runIndexer(config: IndexerConfig, opts: { logger?: Logger } = {}): Promise<Indexer> {
  const log = opts.logger ?? createLogger({ level: config.log.level })
  const dataDir = expandHome(config.dataDir)
  const nodeKey = await indexerNodeKey(config, log)
  const chain = await openChain({
    kind: config.chain.kind,
    url: config.chain.url ?? DEFAULT_CHAIN_URLS[config.chain.kind],
    netuid: config.netuid,
  })
  const store = await openIndexerStore(config.store.url ?? join(dataDir, 'indexer.sqlite'), { logger: log })
  const indexer = createIndexer({
    chain,
    nodeKey,
    store,
    mesh: {
      listen: config.mesh.listen,
      bootstrap: config.mesh.bootstrap,
      peerRecords: config.mesh.peerRecords === undefined ? [] : readEnvelopeFile(expandHome(config.mesh.peerRecords)),
    },
    http: { host: config.http.host, port: config.http.port },
    replicas: config.jobs.replicas,
    silenceBlocks: config.jobs.silenceBlocks,
    rateLimit: config.http.rateLimit === 0 ? false : { max: config.http.rateLimit, timeWindowMs: 60_000 },
    cors: { origin: config.http.corsOrigin },
    // Replays read traces the validators published: their folders (a devnet), or https (a public bucket).
    replays: createReplaySource({
      store,
      readers: [folderArtifactReader({ roots: config.artifacts.roots.map(expandHome) }), httpArtifactReader({})],
      environments: createBuiltinEnvironmentFactory({ logger: log }),
      logger: log,
    }),
    logger: log,
  })
  await indexer.start()
  const info: IndexerRuntimeInfo = {
    pid: process.pid,
    url: indexer.url(),
    peerId: nodeKey.peerId.toString(),
    multiaddrs: indexer.observer.multiaddrs(),
    store: store.kind,
  }
  writeFileSync(join(dataDir, 'indexer.json'), `${JSON.stringify(info, null, 2)}\n`)
  return indexer
}
