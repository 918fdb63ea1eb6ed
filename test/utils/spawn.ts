import { type ChildProcess, spawn } from 'node:child_process'
import { resolve } from 'node:path'
import { createInterface } from 'node:readline'

/** Repository root: every project entry point runs from here. */
export const REPO_ROOT = resolve(import.meta.dirname, '../..')

/** The flags every TypeScript entry point needs (package.json `kinitro` and `bench` scripts). */
export const TS_NODE_ARGS = [
  '--import',
  './compat/promise-with-resolvers.mjs',
  '--import',
  'tsx',
  '--conditions=source',
]

/** A spawned TypeScript script with its stdout split into lines. */
export interface TsChild {
  readonly child: ChildProcess
  /** Every stdout line so far. */
  readonly lines: string[]
  /** Everything written to stderr so far, for failure messages. */
  stderr(): string
  /** Resolve with the first line (past or future) matching `test`; reject if the process exits first. */
  waitForLine(test: (line: string) => boolean, guardMs?: number): Promise<string>
  /** Resolves with the exit code (null when killed by a signal) and the signal. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
  /** SIGKILL the process (no cleanup, no flush: a crash) and wait for it to be gone. */
  crash(): Promise<void>
}

/**
 * Run `script` (path relative to the repo root) under node + tsx with the project's flags.
 *
 * @example
 * ```ts
 * const c = spawnTs('test/faults/queue-crash-child.ts', ['work', dbPath])
 * await c.waitForLine((l) => l === 'ready')
 * await c.crash()
 * ```
 */
export function spawnTs(script: string, args: string[], opts: { env?: NodeJS.ProcessEnv } = {}): TsChild {
  return spawnLines(process.execPath, [...TS_NODE_ARGS, script, ...args], opts)
}

/**
 * Run any command from the repo root with its stdout split into lines. `group` starts it in its own process
 * group, so the test can signal the whole group the way a terminal's Ctrl-C does (`process.kill(-pid, 'SIGINT')`).
 */
export function spawnLines(
  command: string,
  args: string[],
  opts: { env?: NodeJS.ProcessEnv; group?: boolean; stdin?: 'ignore' | 'pipe' } = {},
): TsChild {
  const child = spawn(command, args, {
    cwd: REPO_ROOT,
    env: { ...process.env, ...opts.env },
    stdio: [opts.stdin ?? 'ignore', 'pipe', 'pipe'],
    detached: opts.group === true,
  })
  const lines: string[] = []
  const waiters: { test: (l: string) => boolean; resolve: (l: string) => void }[] = []
  let err = ''
  child.stderr?.on('data', (d: Buffer) => {
    err += d.toString()
  })
  createInterface({ input: child.stdout! }).on('line', (line) => {
    lines.push(line)
    for (const w of [...waiters]) {
      if (w.test(line)) {
        waiters.splice(waiters.indexOf(w), 1)
        w.resolve(line)
      }
    }
  })
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((res) => {
    child.on('exit', (code, signal) => res({ code, signal }))
  })
  return {
    child,
    lines,
    stderr: () => err,
    exited,
    waitForLine(test, guardMs = 20_000) {
      const seen = lines.find(test)
      if (seen !== undefined) return Promise.resolve(seen)
      return new Promise<string>((res, rej) => {
        // A guard against hanging the suite, not a timing assertion.
        const guard = setTimeout(
          () => rej(new Error(`no matching line within ${guardMs} ms; stderr:\n${err}`)),
          guardMs,
        )
        waiters.push({
          test,
          resolve: (l) => {
            clearTimeout(guard)
            res(l)
          },
        })
        void exited.then(({ code, signal }) => {
          clearTimeout(guard)
          rej(new Error(`process exited (code ${code}, signal ${signal}) before a matching line; stderr:\n${err}`))
        })
      })
    },
    async crash() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
      await exited
    },
  }
}
