import { type ChildProcess, spawn } from 'node:child_process'
import { REPO_ROOT, TS_NODE_ARGS } from '../../utils/spawn.js'
import { GossipBenchError } from './errors.js'
import { READY_ID, type Reply, type Request } from './serve.js'

// Request/response over the child-process IPC channel, 'advanced' serialization (structured clone), so
// Uint8Array and bigint cross as they are. The parent calls named operations; the child serves them.

const STDERR_TAIL_BYTES = 8192
const KILL_GRACE_MS = 3_000
/**
 * Extra `node` flags for every child, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` (Node refuses those in
 * NODE_OPTIONS). Profiles are written when a child exits on its own, which kill() gives it a moment to do.
 */
const EXTRA_NODE_FLAGS = (process.env.GOSSIP_BENCH_NODE_FLAGS ?? '').split(' ').filter((f) => f !== '')

/** A spawned child serving RPC. */
export interface RpcChild {
  readonly name: string
  readonly pid: number | undefined
  /** Call `op`; rejects with a typed error when the child fails it, dies first, or takes over `timeoutMs`. */
  call<T>(op: string, args?: unknown, timeoutMs?: number): Promise<T>
  /** Resolves once the child serves requests (its start-up is done); rejects if it dies or times out. */
  ready(timeoutMs: number): Promise<void>
  /** Stop the child (channel close, then SIGKILL after a grace period) and wait until it is gone. */
  kill(): Promise<void>
}

// Children still alive, killed if the parent exits without cleaning up (an uncaught error, process.exit).
// A parent killed by a signal closes the IPC channel instead, and serveRpc() exits on 'disconnect'.
const live = new Set<ChildProcess>()
process.once('exit', () => {
  for (const c of live) c.kill('SIGKILL')
})

/**
 * Spawn `script` (repo-relative) under node + tsx with the project's flags and an IPC channel.
 *
 * @example
 * ```ts
 * const c = spawnRpcChild('peer-0', 'test/bench/gossip/peer.ts', ['0'])
 * try { await c.call('mesh-start') } finally { await c.kill() }
 * ```
 */
export function spawnRpcChild(name: string, script: string, args: string[] = []): RpcChild {
  const child = spawn(process.execPath, [...EXTRA_NODE_FLAGS, ...TS_NODE_ARGS, script, ...args], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    serialization: 'advanced',
  })
  live.add(child)
  let stderr = ''
  child.stderr?.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-STDERR_TAIL_BYTES)
  })
  const pending = new Map<number, { op: string; resolve: (v: unknown) => void; reject: (e: Error) => void }>()
  let nextId = 1
  // Request 0 is the child's unsolicited "serving" reply, sent when serveRpc() starts.
  const serving = Promise.withResolvers<void>()
  pending.set(READY_ID, { op: 'start-up', resolve: () => serving.resolve(), reject: serving.reject })
  serving.promise.catch(() => {})
  let exitError: GossipBenchError | undefined
  const exited = new Promise<void>((resolve) => {
    child.once('exit', (exitCode, signal) => {
      live.delete(child)
      exitError = new GossipBenchError(
        { code: 'BENCH_CHILD_EXITED', child: name, exitCode, signal, stderr },
        `${name} exited (code ${exitCode}, signal ${signal})${stderr ? `; stderr:\n${stderr}` : ''}`,
      )
      for (const p of pending.values()) p.reject(exitError)
      pending.clear()
      resolve()
    })
  })
  child.on('message', (raw) => {
    const reply = raw as Reply
    const p = pending.get(reply.id)
    if (p === undefined) return
    pending.delete(reply.id)
    if (reply.ok) p.resolve(reply.value)
    else {
      const meta = { code: 'BENCH_CHILD_FAILED', child: name, op: p.op, reason: reply.reason } as const
      p.reject(new GossipBenchError(meta, `${name} failed ${p.op}: ${reply.reason}`))
    }
  })
  // A write to a dead child's channel is reported by 'exit' above; don't crash the parent on EPIPE.
  child.on('error', () => {})

  return {
    name,
    pid: child.pid,
    call<T>(op: string, args?: unknown, timeoutMs = 30_000): Promise<T> {
      if (exitError !== undefined) return Promise.reject(exitError)
      const id = nextId++
      return new Promise<T>((resolve, reject) => {
        const timer = setTimeout(() => {
          pending.delete(id)
          reject(
            new GossipBenchError(
              { code: 'BENCH_CHILD_TIMEOUT', child: name, op, timeoutMs },
              `${name} did not answer ${op} within ${timeoutMs} ms`,
            ),
          )
        }, timeoutMs)
        pending.set(id, {
          op,
          resolve: (v) => {
            clearTimeout(timer)
            resolve(v as T)
          },
          reject: (e) => {
            clearTimeout(timer)
            reject(e)
          },
        })
        child.send({ id, op, args } satisfies Request)
      })
    },
    ready(timeoutMs) {
      let timer: NodeJS.Timeout | undefined
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () =>
            reject(
              new GossipBenchError(
                { code: 'BENCH_CHILD_TIMEOUT', child: name, op: 'start-up', timeoutMs },
                `${name} did not start within ${timeoutMs} ms`,
              ),
            ),
          timeoutMs,
        )
      })
      return Promise.race([serving.promise, timeout]).finally(() => clearTimeout(timer))
    },
    async kill() {
      if (child.exitCode !== null || child.signalCode !== null) return
      // Closing the channel lets the child exit by itself (flushing a --cpu-prof profile); SIGKILL if it
      // has not within the grace period (a blocked event loop never sees the close).
      if (child.connected) child.disconnect()
      const grace = setTimeout(() => child.kill('SIGKILL'), KILL_GRACE_MS)
      await exited
      clearTimeout(grace)
    },
  }
}
