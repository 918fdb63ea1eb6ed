import type { Logger } from '#protocol'
import { silentLogger } from '#protocol'
import { createPolicyClient } from '../policy/client.js'
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
      clients.push(createPolicyClient(handle.endpoint, { limits: opts.limits, logger: log }))
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
