import { existsSync, statSync } from 'node:fs'
import { join } from 'node:path'
import {
  createPolicyClient,
  createProcessRuntime,
  PolicyCallError,
  type PolicyClient,
  type PolicyLimits,
  type PolicySource,
  policySourceFromDir,
  RuntimeError,
  startPolicyLanes,
  waitHealthy,
} from '#evaluator'
import { entryFiles } from '../package/manifest.js'
import { type EvalErrorCode, evalError } from './errors.js'

/** How many of the policy's last output lines an error or a failed evaluation shows. */
export const LOG_TAIL_LINES = 20

export interface OpenPolicyOptions {
  /** The policy folder to start (ignored with `url`). */
  dir: string
  /** A policy server that is already running. */
  url?: string
  sandbox: 'auto' | 'bubblewrap' | 'none'
  /** How long the policy may take to answer GET /health. */
  startTimeoutMs: number
  /** Run as the current user even when root (validators drop root to uid 65534). */
  asCurrentUser: boolean
  limits: PolicyLimits
}

/** A running policy: one client (reference servers keep per-episode state, so one episode at a time). */
export interface OpenedPolicy {
  client: PolicyClient
  /** `bubblewrap`, `process` (no sandbox) or `external` (`--policy-url`). */
  isolation: string
  /** The policy's last output lines (empty for an external server). */
  logTail(): Promise<string[]>
  stop(): Promise<void>
}

export function tailLines(text: string, n = LOG_TAIL_LINES): string[] {
  return text
    .split(/\r?\n/)
    .map((l) => l.trimEnd())
    .filter((l) => l !== '')
    .slice(-n)
}

// Runtime codes that mean something the miner can act on; the rest (aborted, closed) are ours.
const FROM_RUNTIME: Readonly<Record<string, EvalErrorCode>> = {
  EVAL_RUNTIME_POLICY_UNHEALTHY: 'MINER_EVAL_HEALTH_FAILED',
  EVAL_RUNTIME_POLICY_START_FAILED: 'MINER_EVAL_START_FAILED',
  EVAL_RUNTIME_INTERPRETER_UNREACHABLE: 'MINER_EVAL_INTERPRETER_UNREACHABLE',
  EVAL_RUNTIME_SANDBOX_UNAVAILABLE: 'MINER_EVAL_SANDBOX_UNAVAILABLE',
  EVAL_RUNTIME_BAD_SOURCE: 'MINER_EVAL_NOT_A_POLICY',
}

function checkFolder(dir: string): PolicySource {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw evalError('MINER_EVAL_NOT_A_POLICY', dir, `${dir} is not a folder`)
  }
  let source: PolicySource
  try {
    source = policySourceFromDir(dir)
  } catch (err) {
    throw evalError('MINER_EVAL_NOT_A_POLICY', dir, (err as Error).message, { cause: err })
  }
  // Caught here, a missing build reads as what it is rather than as a policy that "exited before healthy".
  for (const file of entryFiles(source.command)) {
    if (!existsSync(join(dir, file))) {
      throw evalError('MINER_EVAL_NOT_A_POLICY', file, `${file} (started by kinitro.json) does not exist in ${dir}`)
    }
  }
  return source
}

async function openUrl(url: string, opts: OpenPolicyOptions): Promise<OpenedPolicy> {
  if (!/^https?:\/\/[^/]/.test(url)) {
    throw evalError('MINER_EVAL_BAD_POLICY_URL', url, `${url} is not an http(s) URL`)
  }
  let client: PolicyClient
  try {
    client = createPolicyClient({ url }, { limits: opts.limits })
  } catch (err) {
    throw evalError('MINER_EVAL_BAD_POLICY_URL', url, (err as Error).message, { cause: err })
  }
  try {
    await waitHealthy(client, { deadlineMs: opts.startTimeoutMs })
  } catch (err) {
    client.close()
    if (!(err instanceof PolicyCallError)) throw err
    throw evalError(
      'MINER_EVAL_HEALTH_FAILED',
      url,
      `${url} did not answer GET /health healthy within ${opts.startTimeoutMs} ms (${err.failure}: ${err.detail})`,
      { cause: err },
    )
  }
  return { client, isolation: 'external', logTail: async () => [], stop: async () => client.close() }
}

/**
 * Starts the policy folder the way validators do (`createProcessRuntime` + `startPolicyLanes`: bubblewrap when
 * available, the same resource limits, the same health check), or connects to `url`. Start failures become
 * {@link MinerEvalError}s carrying the policy's last output lines.
 */
export async function openPolicy(opts: OpenPolicyOptions): Promise<OpenedPolicy> {
  if (opts.url !== undefined) return openUrl(opts.url, opts)
  const source = checkFolder(opts.dir)
  const runtime = createProcessRuntime({
    sandbox: opts.sandbox,
    startTimeoutMs: opts.startTimeoutMs,
    ...(opts.asCurrentUser ? { runAsUid: null } : {}),
  })
  try {
    const lanes = await startPolicyLanes({ runtime, source, count: 1, limits: opts.limits })
    const client = lanes.clients[0] as PolicyClient
    return {
      client,
      isolation: lanes.isolation,
      logTail: async () => tailLines((await lanes.logs()).join('\n')),
      stop: async () => {
        await lanes.stop()
        await runtime.close()
      },
    }
  } catch (err) {
    await runtime.close()
    const code = err instanceof RuntimeError ? FROM_RUNTIME[err.code] : undefined
    if (code === undefined || !(err instanceof RuntimeError)) throw err
    const logTail = tailLines(err.meta.logs ?? '')
    throw evalError(code, opts.dir, `the policy in ${opts.dir} did not start: ${err.meta.reason}`, {
      logTail,
      cause: err,
    })
  }
}
