import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { stringify } from 'smol-toml'
import type { IndexerRuntimeInfo } from '#indexer'
import { freePort } from '#node'
import { createNodeKey, saveNodeKey } from '#protocol'
import { type CliProcess, cliProcess } from './cli-process.js'

/** A `kinitro indexer run --config <file>` child process that can be started, crashed (no flush) and restarted. */
export interface IndexerProcess extends CliProcess<IndexerRuntimeInfo> {
  /** `http://127.0.0.1:<port>` (REST, feed, dashboard): fixed in the config, so it survives restarts. */
  readonly url: string
  /** The observer's libp2p peer id (its key is made before validators start: they admit it by id). */
  readonly peerId: string
  /** GET `path` (e.g. `/v1/results?limit=100`) as JSON; throws on a non-2xx answer. */
  get<T>(path: string): Promise<T>
}

const HTTP_TIMEOUT_MS = 10_000

/**
 * Wrap one indexer data dir + config as a restartable process (the indexer's counterpart of `nodeProcess`).
 *
 * @example
 * ```ts
 * const ix = indexerProcess({ name: 'indexer', configFile, dataDir, httpPort: 8080, peerId })
 * await ix.start()
 * console.log(await ix.get('/v1/stats'))
 * await ix.kill()
 * ```
 */
export function indexerProcess(init: {
  name: string
  configFile: string
  dataDir: string
  httpPort: number
  peerId: string
}): IndexerProcess {
  const url = `http://127.0.0.1:${init.httpPort}`
  async function get<T>(path: string): Promise<T> {
    const res = await fetch(`${url}${path}`, { signal: AbortSignal.timeout(HTTP_TIMEOUT_MS) })
    if (!res.ok) throw new Error(`${init.name} GET ${path}: HTTP ${res.status}`)
    return (await res.json()) as T
  }
  const proc = cliProcess<IndexerRuntimeInfo>({
    name: init.name,
    command: ['indexer', 'run'],
    configFile: init.configFile,
    dataDir: init.dataDir,
    logFile: join(init.dataDir, 'indexer.log'),
    infoFile: join(init.dataDir, 'indexer.json'),
    ready: () => get('/health'),
  })
  return Object.assign(proc, { url, peerId: init.peerId, get })
}

/**
 * Write an indexer data dir for a test network: its observer key (made now, so validators can list the
 * peer id in `mesh.observers` before anything starts), a config TOML on fixed ports, and the process
 * wrapper. Nothing runs until `start()`.
 */
export async function prepareIndexer(init: {
  dataDir: string
  netuid: number
  chainUrl: string
  /** File of validators' peer records (hex lines): who the observer admits and dials. */
  peerRecords: string
  /** Merged into the TOML's `jobs` section: the replicas and silence the mesh runs with. */
  jobs?: Record<string, unknown>
}): Promise<IndexerProcess> {
  mkdirSync(init.dataDir, { recursive: true, mode: 0o700 })
  const keyFile = join(init.dataDir, 'node.key')
  const key = await createNodeKey()
  await saveNodeKey(keyFile, key)
  const [httpPort, meshPort] = [await freePort(), await freePort()]
  const config = {
    netuid: init.netuid,
    dataDir: init.dataDir,
    log: { level: 'info' },
    chain: { kind: 'dev', url: init.chainUrl },
    // Tests poll the REST API far more often than a browser: no per-IP limit.
    http: { port: httpPort, rateLimit: 0 },
    keys: { nodeKey: keyFile },
    mesh: { listen: [`/ip4/127.0.0.1/tcp/${meshPort}`], peerRecords: init.peerRecords },
    ...(init.jobs === undefined ? {} : { jobs: init.jobs }),
  }
  const configFile = join(init.dataDir, 'config.toml')
  writeFileSync(configFile, stringify(config))
  return indexerProcess({ name: 'indexer', configFile, dataDir: init.dataDir, httpPort, peerId: key.peerId.toString() })
}
