import type { V1Pod } from '@kubernetes/client-node'
import type { FailureCode } from '#protocol'
import type { RuntimeErrorCode } from '../errors.js'
import type { PolicyExit } from '../types.js'

/** What a pod's status means for a start in progress. */
export type PodVerdict =
  | { kind: 'ready'; podIP: string }
  | { kind: 'waiting'; unschedulable: boolean; reason: string }
  | { kind: 'failed'; code: RuntimeErrorCode; failure: FailureCode; reason: string }

const IMAGE_PULL = new Set(['ErrImagePull', 'ImagePullBackOff', 'InvalidImageName', 'ErrImageNeverPull'])
const START_FAILED = new Set([
  'CrashLoopBackOff',
  'CreateContainerConfigError',
  'CreateContainerError',
  'RunContainerError',
])

/**
 * Judges a pod during start. Image pull failures are `network_artifact_unavailable` (re-run, not scored):
 * a digest that exists but a registry that is down must not count against the miner; a pod that runs and
 * dies, or cannot be created from its image, is `policy_start_failed`.
 */
export function judgePod(pod: V1Pod | undefined): PodVerdict {
  if (pod === undefined) {
    return {
      kind: 'failed',
      code: 'EVAL_RUNTIME_CLUSTER_ERROR',
      failure: 'validator_internal',
      reason: 'pod deleted during start',
    }
  }
  const status = pod.status ?? {}
  const phase = status.phase ?? 'Pending'
  for (const c of status.containerStatuses ?? []) {
    const waiting = c.state?.waiting?.reason
    if (waiting && IMAGE_PULL.has(waiting)) {
      return {
        kind: 'failed',
        code: 'EVAL_RUNTIME_IMAGE_PULL_FAILED',
        failure: 'network_artifact_unavailable',
        reason: `${waiting}: ${c.state?.waiting?.message ?? ''}`.trim(),
      }
    }
    if (waiting && START_FAILED.has(waiting)) {
      return {
        kind: 'failed',
        code: 'EVAL_RUNTIME_POLICY_START_FAILED',
        failure: 'policy_start_failed',
        reason: waiting,
      }
    }
    const terminated = c.state?.terminated
    if (terminated) {
      return {
        kind: 'failed',
        code: 'EVAL_RUNTIME_POLICY_START_FAILED',
        failure: 'policy_start_failed',
        reason: `container terminated (${terminated.reason ?? 'exit'} ${terminated.exitCode})`,
      }
    }
  }
  if (phase === 'Failed' || phase === 'Succeeded') {
    return {
      kind: 'failed',
      code: 'EVAL_RUNTIME_POLICY_START_FAILED',
      failure: 'policy_start_failed',
      reason: `pod ${phase}${status.reason ? ` (${status.reason})` : ''}`,
    }
  }
  const conditions = status.conditions ?? []
  const ready = conditions.find((c) => c.type === 'Ready')?.status === 'True'
  if (phase === 'Running' && ready && status.podIP) return { kind: 'ready', podIP: status.podIP }
  const scheduled = conditions.find((c) => c.type === 'PodScheduled')
  const unschedulable = scheduled?.status === 'False' && scheduled.reason === 'Unschedulable'
  return {
    kind: 'waiting',
    unschedulable,
    reason: unschedulable ? `unschedulable: ${scheduled?.message ?? ''}` : phase,
  }
}

/** Why a running policy pod stopped, or undefined while it runs. A vanished pod counts as a crash. */
export function podExit(pod: V1Pod | undefined): PolicyExit | undefined {
  if (pod === undefined) return { code: null, signal: null, reason: 'policy_crashed' }
  const status = pod.status ?? {}
  const terminated = status.containerStatuses?.map((c) => c.state?.terminated).find((t) => t !== undefined)
  const phase = status.phase
  if (phase !== 'Failed' && phase !== 'Succeeded' && terminated === undefined) return undefined
  const code = terminated?.exitCode ?? null
  const signal = terminated?.signal !== undefined ? `signal ${terminated.signal}` : null
  if (status.reason === 'DeadlineExceeded') return { code, signal, reason: 'policy_episode_deadline' }
  if (terminated?.reason === 'OOMKilled' || status.reason === 'Evicted')
    return { code, signal, reason: 'policy_resource_limit' }
  return { code, signal, reason: 'policy_crashed' }
}
