import { type ChildProcess, spawn } from 'node:child_process'
import { closeSync, existsSync, openSync, readFileSync, rmSync } from 'node:fs'
import { REPO_ROOT, TS_NODE_ARGS } from './spawn.js'
import { until } from './until.js'

// Booting tsx + the CLI took 13–18 s alone here and several processes boot at once on 2 cores; this only
// guards against a hung start, it asserts nothing about speed.
const START_GUARD_MS = 180_000
// A graceful stop releases the running job and closes the mesh (~2 s here); past this it is killed.
const STOP_GRACE_MS = 15_000

/** A long-running `kinitro <command…> --config <file>` child process that can be started, crashed and restarted. */
export interface CliProcess<Info> {
  readonly name: string
  readonly dataDir: string
  /** stdout and stderr of every incarnation, appended. */
  readonly logFile: string
  running(): boolean
  /** Spawn it and resolve once this incarnation wrote its info file and passed `ready`. */
  start(opts?: { guardMs?: number }): Promise<Info>
  /** SIGKILL the process alone: a crash, no cleanup. */
  kill(): Promise<void>
  /** SIGTERM (graceful stop); SIGKILL if it has not exited after `graceMs`. */
  stop(graceMs?: number): Promise<{ graceful: boolean }>
  /** The last `lines` lines of the log, for failure messages. */
  logTail(lines?: number): string
  /** SIGKILL it now if it runs, synchronously (the reaper at test-process exit). */
  reap(): void
}

/** Inputs of {@link cliProcess}. */
export interface CliProcessInit<Info extends { pid: number }> {
  name: string
  /** `['node', 'run']`, `['indexer', 'run']`: `--config <configFile>` is appended. */
  command: readonly string[]
  configFile: string
  dataDir: string
  logFile: string
  /** The JSON file the process writes once it listens, with its pid. */
  infoFile: string
  /** Throws until the started process answers (an HTTP probe). */
  ready: (info: Info) => Promise<unknown>
  /** After the process died by a kill or a stop that ended in SIGKILL: remove what it could not. */
  afterDeath?: (pid: number) => void
}

const live = new Set<CliProcess<unknown>>()
let reaperInstalled = false
function installReaper(): void {
  if (reaperInstalled) return
  reaperInstalled = true
  // If the test worker dies before afterAll (vitest ends forks when a file is done), take the processes along.
  process.once('exit', () => {
    for (const p of live) p.reap()
  })
}

/** Wrap one data dir + config as a restartable CLI process (the node's and the indexer's common half). */
export function cliProcess<Info extends { pid: number }>(init: CliProcessInit<Info>): CliProcess<Info> {
  installReaper()
  let child: ChildProcess | undefined
  let exited: Promise<void> = Promise.resolve()
  const isRunning = (): boolean => child !== undefined && child.exitCode === null && child.signalCode === null

  const self: CliProcess<Info> = {
    name: init.name,
    dataDir: init.dataDir,
    logFile: init.logFile,
    running: isRunning,
    async start(opts = {}) {
      if (isRunning()) throw new Error(`${init.name} is already running`)
      rmSync(init.infoFile, { force: true })
      const fd = openSync(init.logFile, 'a')
      const args = [...TS_NODE_ARGS, 'cli/main.ts', ...init.command, '--config', init.configFile]
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
          if (!existsSync(init.infoFile)) return undefined
          const info = JSON.parse(readFileSync(init.infoFile, 'utf8')) as Info
          if (info.pid !== c.pid) return undefined
          await init.ready(info)
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
      init.afterDeath?.(c.pid as number)
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
      if (!graceful) init.afterDeath?.(c.pid as number)
      return { graceful }
    },
    logTail(lines = 40) {
      if (!existsSync(init.logFile)) return '(no log)'
      return readFileSync(init.logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n')
    },
    reap() {
      if (isRunning()) child?.kill('SIGKILL')
    },
  }
  return self
}
