import type { CoreV1Api, KubeConfig } from '@kubernetes/client-node'
import type { Logger } from '#protocol'
import { type RuntimeErrorMeta, runtimeError } from '../errors.js'
import { judgePod } from './pod-state.js'
import { watchPod } from './pod-watch.js'

/** What {@link waitReady} needs. */
export interface WaitReadyOptions {
  kc: KubeConfig
  core: CoreV1Api
  namespace: string
  name: string
  /** Epoch ms by which the pod must be Ready. */
  deadline: number
  /** For the error message only. */
  startTimeoutMs: number
  unschedulableMs: number
  signal: AbortSignal
  log: Logger
}

/**
 * Resolves with the pod IP once the pod is Ready; rejects with a typed error on a terminal state, image pull
 * failure, Unschedulable beyond `unschedulableMs`, the deadline, or abort. Leaves no watch or timer behind.
 */
export function waitReady(opts: WaitReadyOptions): Promise<string> {
  const { kc, core, namespace, name, deadline, startTimeoutMs, unschedulableMs, signal, log } = opts
  const base = { runtime: 'kubernetes' }
  return new Promise((resolve, reject) => {
    let unschedulableSince: number | undefined
    let settled = false
    const finish = (fn: () => void) => {
      if (settled) return
      settled = true
      watcher.stop()
      clearTimeout(timer)
      clearInterval(ticker)
      signal.removeEventListener('abort', onAbort)
      fn()
    }
    const fail = (meta: Pick<RuntimeErrorMeta, 'code' | 'failure' | 'reason'>) =>
      finish(() => reject(runtimeError({ ...base, label: name, ...meta })))
    const checkUnschedulable = () => {
      if (unschedulableSince !== undefined && Date.now() - unschedulableSince >= unschedulableMs) {
        fail({
          code: 'EVAL_RUNTIME_UNSCHEDULABLE',
          failure: 'validator_overloaded',
          reason: `unschedulable for ${unschedulableMs} ms`,
        })
      }
    }
    const onAbort = () =>
      fail({
        code: 'EVAL_RUNTIME_ABORTED',
        failure: 'validator_cancelled',
        reason: 'aborted while waiting for Ready',
      })
    const watcher = watchPod(
      kc,
      core,
      namespace,
      name,
      (pod) => {
        const verdict = judgePod(pod)
        if (verdict.kind === 'ready') return finish(() => resolve(verdict.podIP))
        if (verdict.kind === 'failed') return fail(verdict)
        if (verdict.unschedulable) unschedulableSince ??= Date.now()
        else unschedulableSince = undefined
        checkUnschedulable()
      },
      log,
    )
    const timer = setTimeout(
      () =>
        fail({
          code: 'EVAL_RUNTIME_POLICY_UNHEALTHY',
          failure: 'policy_health_failed',
          reason: `not Ready within ${startTimeoutMs} ms`,
        }),
      Math.max(0, deadline - Date.now()),
    )
    // Unschedulable pods often get no further events; a tick notices the limit passing.
    const ticker = setInterval(checkUnschedulable, Math.min(1_000, unschedulableMs))
    if (signal.aborted) onAbort()
    else signal.addEventListener('abort', onAbort, { once: true })
  })
}
