import { type ChildProcess, spawn } from 'node:child_process'
import { closeSync, existsSync, openSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { runDirPrefix } from '#evaluator'
import type { ValidatorNodeStatus } from '#node'
import { REPO_ROOT, TS_NODE_ARGS } from './spawn.js'
import { until } from './until.js'

/** What `kinitro node run` writes to `<dataDir>/node.json` once it listens (node/src/cli/node-run.ts). */
export interface NodeRuntimeInfo {
  pid: number
  hotkey: string
  peerId: string
  multiaddrs: string[]
  health: string | null
  light: boolean
  peerRecord: string
}

/** A `kinitro node run --config <file>` child process that can be started, crashed and restarted. */
export interface NodeProcess {
  readonly name: string
  readonly dataDir: string
  /** `http://127.0.0.1:<port>`: fixed in the config, so it survives restarts. */
  readonly healthUrl: string
  /** stdout and stderr of every incarnation, appended. */
  readonly logFile: string
  running(): boolean
  /** Spawn the node and resolve once this incarnation wrote node.json and answers GET /status. */
  start(opts?: { guardMs?: number }): Promise<NodeRuntimeInfo>
  /**
   * SIGKILL the node process alone: a crash, no cleanup (its sandboxed policies die with it, bwrap
   * --die-with-parent). The policy run dirs the dead node cannot remove are removed here.
   */
  kill(): Promise<void>
  /** SIGTERM (graceful stop); SIGKILL if it has not exited after `graceMs`. */
  stop(graceMs?: number): Promise<{ graceful: boolean }>
  status(): Promise<ValidatorNodeStatus>
  /** GET /metrics (Prometheus text). */
  metrics(): Promise<string>
  /** The last `lines` lines of the log, for failure messages. */
  logTail(lines?: number): string
  /** SIGKILL the node now if it runs, synchronously (the reaper at test-process exit). */
  reap(): void
}

// Booting tsx + the CLI took 13–18 s alone here and several node processes boot at once on 2 cores; this
// only guards against a hung start, it asserts nothing about speed.
const START_GUARD_MS = 180_000
// A graceful stop releases the running job and closes the mesh (~2 s here); past this it is killed.
const STOP_GRACE_MS = 15_000
const HTTP_TIMEOUT_MS = 10_000

/**
 * The policy run dirs of node `pid`: `<tmp>/kinitro-policy-<pid>-XXXXXX`, named after the process that owns
 * the runtime (evaluator/src/runtime/run-dirs.ts), so they are found by name even after that process died.
 * The node's next start would sweep them too; removing them at the kill keeps a test run from leaving any.
 */
function policyRunDirs(pid: number): string[] {
  const prefix = runDirPrefix(pid)
  try {
    return readdirSync(tmpdir())
      .filter((name) => name.startsWith(prefix))
      .map((name) => join(tmpdir(), name))
  } catch {
    return []
  }
}

const live = new Set<NodeProcess>()
let reaperInstalled = false
function installReaper(): void {
  if (reaperInstalled) return
  reaperInstalled = true
  // If the test worker dies before afterAll (vitest ends forks when a file is done), take the nodes along.
  process.once('exit', () => {
    for (const n of live) n.reap()
  })
}

/**
 * Wrap one node data dir + config as a restartable process. `kill` is a crash (SIGKILL, no cleanup);
 * `stop` is the operator's SIGTERM. The node's sandboxed policies run in their own sessions (bwrap
 * --new-session) and die with it (--die-with-parent).
 *
 * @example
 * ```ts
 * const n = nodeProcess({ name: 'v0', configFile, dataDir, healthPort: 9615 })
 * await n.start()
 * console.log((await n.status()).queue)
 * await n.kill()
 * ```
 */
export function nodeProcess(init: {
  name: string
  configFile: string
  dataDir: string
  healthPort: number
}): NodeProcess {
  installReaper()
  const healthUrl = `http://127.0.0.1:${init.healthPort}`
  const logFile = join(init.dataDir, 'node.log')
  const infoFile = join(init.dataDir, 'node.json')
  let child: ChildProcess | undefined
  let exited: Promise<void> = Promise.resolve()

  const isRunning = (): boolean => child !== undefined && child.exitCode === null && child.signalCode === null

  async function getJson<T>(path: string): Promise<T> {
    const res = await fetch(`${healthUrl}${path}`, { signal: AbortSignal.timeout(HTTP_TIMEOUT_MS) })
    if (!res.ok) throw new Error(`${init.name} GET ${path}: HTTP ${res.status}`)
    return (await res.json()) as T
  }

  const self: NodeProcess = {
    name: init.name,
    dataDir: init.dataDir,
    healthUrl,
    logFile,
    running: isRunning,
    async start(opts = {}) {
      if (isRunning()) throw new Error(`${init.name} is already running`)
      rmSync(infoFile, { force: true })
      const fd = openSync(logFile, 'a')
      const args = [...TS_NODE_ARGS, 'cli/main.ts', 'node', 'run', '--config', init.configFile]
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
          const info = JSON.parse(readFileSync(infoFile, 'utf8')) as NodeRuntimeInfo
          if (info.pid !== c.pid) return undefined
          await getJson('/status')
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
      for (const d of policyRunDirs(c.pid as number)) rmSync(d, { recursive: true, force: true })
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
      // A graceful stop removed them; a stop that ended in SIGKILL did not.
      for (const d of policyRunDirs(c.pid as number)) rmSync(d, { recursive: true, force: true })
      return { graceful }
    },
    status: () => getJson<ValidatorNodeStatus>('/status'),
    async metrics() {
      const res = await fetch(`${healthUrl}/metrics`, { signal: AbortSignal.timeout(HTTP_TIMEOUT_MS) })
      if (!res.ok) throw new Error(`${init.name} GET /metrics: HTTP ${res.status}`)
      return await res.text()
    },
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
