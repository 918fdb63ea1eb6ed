import type { Logger } from '#protocol'
import { silentLogger } from '#protocol'
import { createPolicyClient } from '../policy/client.js'
import { PolicyCallError } from '../policy/errors.js'
import type { PolicyClient, PolicyLimits } from '../policy/types.js'
import type { PolicyHandle, PolicySource, ResourceLimits, Runtime } from '../runtime/types.js'

/** Running policy instances, one client each. Reference policy servers hold per-episode state. */
export interface PolicyLanes {
  readonly clients: readonly PolicyClient[]
  readonly handles: readonly PolicyHandle[]
  /** How the policy ran (`bubblewrap`, `process`, `kubernetes`, `remote`), recorded with the result. */
  readonly isolation: string
  /** Captured output of every instance, for failure reports. */
  logs(): Promise<string[]>
  /** Stops every instance and closes every client; idempotent. */
  stop(): Promise<void>
}

/** Default resource limits for local policies; the node config overrides them. */
export const DEFAULT_RESOURCE_LIMITS: Readonly<ResourceLimits> = {
  memoryMiB: 4096,
  cpuSeconds: 3600,
  maxProcesses: 256,
  wallClockMs: 2 * 60 * 60 * 1000,
  scratchMiB: 512,
}

/** How long a call that looks like a crash waits for the runtime to say why the process died. */
export const EXIT_REASON_WAIT_MS = 1500

/** Failures that only say the connection went away; the runtime may know the process hit a limit. */
const CRASH_LIKE = new Set(['policy_crashed', 'policy_connection_refused'])

/**
 * The client, but a call that fails as a crash is recorded with the runtime's reason when the process was
 * killed at a limit (`policy_resource_limit`, `policy_episode_deadline`): the HTTP side only sees the
 * socket close, and a miner needs to know the policy ran out of memory, not that it "crashed".
 */
function withExitReason(client: PolicyClient, handle: PolicyHandle): PolicyClient {
  const refine = async <T>(call: Promise<T>): Promise<T> => {
    try {
      return await call
    } catch (err) {
      if (!(err instanceof PolicyCallError) || !CRASH_LIKE.has(err.failure)) throw err
      let timer: NodeJS.Timeout | undefined
      const exit = await Promise.race([
        handle.exited,
        new Promise<undefined>((resolve) => {
          timer = setTimeout(() => resolve(undefined), EXIT_REASON_WAIT_MS)
        }),
      ])
      clearTimeout(timer)
      const reason = exit?.reason
      if (reason === undefined || reason === 'policy_crashed') throw err
      throw new PolicyCallError(reason, err.op, `${err.detail} (process exit: ${reason})`, err.latencyMs, {
        cause: err,
      })
    }
  }
  return {
    endpoint: client.endpoint,
    health: (signal) => refine(client.health(signal)),
    reset: (config, signal) => refine(client.reset(config, signal)),
    act: (obs, expected, signal) => refine(client.act(obs, expected, signal)),
    close: () => client.close(),
  }
}

/**
 * Starts `count` instances of one policy. If any fails to start, the ones already running are stopped
 * and the runtime's error is rethrown (it carries the episode failure code).
 */
export async function startPolicyLanes(opts: {
  runtime: Runtime
  source: PolicySource
  count: number
  limits: PolicyLimits
  resources?: ResourceLimits
  signal?: AbortSignal
  logger?: Logger
}): Promise<PolicyLanes> {
  const log = (opts.logger ?? silentLogger).child('evaluator:lanes')
  const handles: PolicyHandle[] = []
  const clients: PolicyClient[] = []
  let stopped = false
  const stop = async (): Promise<void> => {
    if (stopped) return
    stopped = true
    for (const c of clients) c.close()
    await Promise.allSettled(handles.map((h) => h.stop()))
  }
  try {
    // Sequential starts: each instance imports its model once, and parallel cold starts on a small box
    // only make every one of them slower to pass its health deadline.
    for (let i = 0; i < Math.max(1, opts.count); i++) {
      const handle = await opts.runtime.start(
        { ...opts.source, label: `${opts.source.label}-${i}` },
        opts.resources ?? DEFAULT_RESOURCE_LIMITS,
        opts.signal,
      )
      handles.push(handle)
      clients.push(withExitReason(createPolicyClient(handle.endpoint, { limits: opts.limits, logger: log }), handle))
    }
  } catch (err) {
    await stop()
    throw err
  }
  log.debug('policy lanes started', { label: opts.source.label, count: handles.length })
  return {
    clients,
    handles,
    isolation: handles[0]?.isolation ?? 'none',
    logs: () => Promise.all(handles.map((h) => h.logs())),
    stop,
  }
}
