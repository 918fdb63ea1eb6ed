import { type ChildProcess, spawn } from 'node:child_process'
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { stringify } from 'smol-toml'
import type { IndexerRuntimeInfo } from '#indexer'
import { freePort } from '#node'
import { createNodeKey, saveNodeKey } from '#protocol'
import { REPO_ROOT, TS_NODE_ARGS } from './spawn.js'
import { until } from './until.js'

/** A `kinitro indexer run --config <file>` child process that can be started, crashed and restarted. */
export interface IndexerProcess {
  readonly name: string
  readonly dataDir: string
  /** `http://127.0.0.1:<port>` (REST, feed, dashboard): fixed in the config, so it survives restarts. */
  readonly url: string
  /** The observer's libp2p peer id (its key is made before validators start: they admit it by id). */
  readonly peerId: string
  /** stdout and stderr of every incarnation, appended. */
  readonly logFile: string
  running(): boolean
  /** Spawn the indexer and resolve once this incarnation wrote indexer.json and answers GET /health. */
  start(opts?: { guardMs?: number }): Promise<IndexerRuntimeInfo>
  /** SIGKILL: a crash, no cleanup, no flush. */
  kill(): Promise<void>
  /** SIGTERM (graceful stop); SIGKILL if it has not exited after `graceMs`. */
  stop(graceMs?: number): Promise<{ graceful: boolean }>
  /** GET `path` (e.g. `/v1/results?limit=100`) as JSON; throws on a non-2xx answer. */
  get<T>(path: string): Promise<T>
  /** The last `lines` lines of the log, for failure messages. */
  logTail(lines?: number): string
  /** SIGKILL the indexer now if it runs, synchronously (the reaper at test-process exit). */
  reap(): void
}

// Same guard as node-process.ts: tsx + the CLI load in 13–18 s alone, longer with nodes booting beside it.
const START_GUARD_MS = 180_000
const STOP_GRACE_MS = 15_000
const HTTP_TIMEOUT_MS = 10_000

const live = new Set<IndexerProcess>()
let reaperInstalled = false
function installReaper(): void {
  if (reaperInstalled) return
  reaperInstalled = true
  // If the test worker dies before afterAll (vitest ends forks when a file is done), take the indexers along.
  process.once('exit', () => {
    for (const ix of live) ix.reap()
  })
}

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
  installReaper()
  const url = `http://127.0.0.1:${init.httpPort}`
  const logFile = join(init.dataDir, 'indexer.log')
  const infoFile = join(init.dataDir, 'indexer.json')
  let child: ChildProcess | undefined
  let exited: Promise<void> = Promise.resolve()

  const isRunning = (): boolean => child !== undefined && child.exitCode === null && child.signalCode === null

  async function get<T>(path: string): Promise<T> {
    const res = await fetch(`${url}${path}`, { signal: AbortSignal.timeout(HTTP_TIMEOUT_MS) })
    if (!res.ok) throw new Error(`${init.name} GET ${path}: HTTP ${res.status}`)
    return (await res.json()) as T
  }

  const self: IndexerProcess = {
    name: init.name,
    dataDir: init.dataDir,
    url,
    peerId: init.peerId,
    logFile,
    running: isRunning,
    async start(opts = {}) {
      if (isRunning()) throw new Error(`${init.name} is already running`)
      rmSync(infoFile, { force: true })
      const fd = openSync(logFile, 'a')
      const args = [...TS_NODE_ARGS, 'cli/main.ts', 'indexer', 'run', '--config', init.configFile]
      const c = spawn(process.execPath, args, { cwd: REPO_ROOT, stdio: ['ignore', fd, fd] })
      closeSync(fd)
      child = c
      live.add(self)
      exited = new Promise((res) => c.once('exit', () => res()))
      const died = new AbortController()
      void exited.then(() =>
        died.abort(new Error(`${init.name} exited (${c.exitCode ?? c.signalCode}) while starting:\n${self.logTail()}`)),
      )
      return await until(
        `${init.name} to start`,
        async () => {
          if (!existsSync(infoFile)) return undefined
          const info = JSON.parse(readFileSync(infoFile, 'utf8')) as IndexerRuntimeInfo
          if (info.pid !== c.pid) return undefined
          await get('/health')
          return info
        },
        {
          timeoutMs: opts.guardMs ?? START_GUARD_MS,
          intervalMs: 250,
          retryErrors: true,
          signal: died.signal,
          explain: () => self.logTail(),
        },
      )
    },
    async kill() {
      const c = child
      if (c === undefined || !isRunning()) return
      c.kill('SIGKILL')
      await exited
    },
    async stop(graceMs = STOP_GRACE_MS) {
      const c = child
      if (c === undefined || !isRunning()) return { graceful: true }
      c.kill('SIGTERM')
      let graceful = true
      const timer = setTimeout(() => {
        graceful = false
        self.reap()
      }, graceMs)
      await exited
      clearTimeout(timer)
      return { graceful }
    },
    get,
    logTail(lines = 40) {
      if (!existsSync(logFile)) return '(no log)'
      return readFileSync(logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n')
    },
    reap() {
      if (isRunning()) child?.kill('SIGKILL')
    },
  }
  return self
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
