import { readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { runDirPrefix } from '#evaluator'
import type { ValidatorNodeStatus } from '#node'
import { type CliProcess, cliProcess } from './cli-process.js'

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
export interface NodeProcess extends CliProcess<NodeRuntimeInfo> {
  /** `http://127.0.0.1:<port>`: fixed in the config, so it survives restarts. */
  readonly healthUrl: string
  status(): Promise<ValidatorNodeStatus>
  /** GET /metrics (Prometheus text). */
  metrics(): Promise<string>
}

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
  const healthUrl = `http://127.0.0.1:${init.healthPort}`
  const get = async (path: string): Promise<Response> => {
    const res = await fetch(`${healthUrl}${path}`, { signal: AbortSignal.timeout(HTTP_TIMEOUT_MS) })
    if (!res.ok) throw new Error(`${init.name} GET ${path}: HTTP ${res.status}`)
    return res
  }
  const proc = cliProcess<NodeRuntimeInfo>({
    name: init.name,
    command: ['node', 'run'],
    configFile: init.configFile,
    dataDir: init.dataDir,
    logFile: join(init.dataDir, 'node.log'),
    infoFile: join(init.dataDir, 'node.json'),
    ready: async () => (await get('/status')).arrayBuffer(),
    // The policy run dirs the dead node cannot remove (a graceful stop removes them itself).
    afterDeath: (pid) => {
      for (const d of policyRunDirs(pid)) rmSync(d, { recursive: true, force: true })
    },
  })
  return Object.assign(proc, {
    healthUrl,
    status: async () => (await (await get('/status')).json()) as ValidatorNodeStatus,
    metrics: async () => (await get('/metrics')).text(),
  })
}
