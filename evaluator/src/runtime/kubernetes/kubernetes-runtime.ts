import { CoreV1Api, KubeConfig, NetworkingV1Api } from '@kubernetes/client-node'
import { type Logger, silentLogger } from '#protocol'
import { RuntimeError, runtimeError } from '../errors.js'
import { sleep, waitHealthy } from '../health.js'
import type { PolicyHandle, PolicySource, ResourceLimits, Runtime } from '../types.js'
import { describeApiError, isConflict, isNotFound } from './api-errors.js'
import { KubernetesPolicyHandle } from './kubernetes-handle.js'
import {
  assertPinnedImage,
  buildPolicyNetworkPolicy,
  buildPolicyPod,
  type EvaluatorSelector,
  LABELS,
  labelValue,
  MANAGED_BY,
  objectName,
  toClientNetworkPolicy,
} from './manifests.js'
import { waitReady } from './wait-ready.js'

/** Options of {@link createKubernetesRuntime}. */
export interface KubernetesRuntimeInit {
  /** A KubeConfig, or a kubeconfig file path. @default in-cluster service account or ~/.kube/config */
  kubeConfig?: KubeConfig | string
  namespace: string
  /** A sandboxed RuntimeClass (gvisor, kata). Required unless `allowInsecure`. */
  runtimeClassName?: string
  /** Which pods may reach the policy pods (the evaluator's own labels). */
  evaluatorSelector: EvaluatorSelector
  /** Run untrusted pods on the default container runtime (development only; logged loudly). @default false */
  allowInsecure?: boolean
  /** Create → Ready → /health deadline. @default 600_000 (the reference's ready timeout) */
  startTimeoutMs?: number
  /** How long a pod may stay Unschedulable before the start fails (the reference requeues after 10 s). @default 10_000 */
  unschedulableMs?: number
  /** This validator's label value on every object; `sweepOrphans` deletes only these. @default 'local' */
  validator?: string
  /** The port the policy listens on in its pod. @default 8000 */
  policyPort?: number
  /** CPU cores requested and limited per policy pod. @default '1' */
  cpu?: string
  /** Log lines `logs()` returns. @default 200 */
  logTailLines?: number
  /** @default silentLogger */
  logger?: Logger
}

/** The Kubernetes runtime plus restart recovery. */
export interface KubernetesRuntime extends Runtime {
  /** Deletes pods and network policies labelled as this validator's that no live handle owns. */
  sweepOrphans(signal?: AbortSignal): Promise<{ pods: string[]; networkPolicies: string[] }>
}

function loadKubeConfig(input: KubeConfig | string | undefined): KubeConfig {
  if (input instanceof KubeConfig) return input
  const kc = new KubeConfig()
  if (typeof input === 'string') kc.loadFromFile(input)
  else kc.loadFromDefault()
  return kc
}

/**
 * Runs each policy as a hardened pod with a deny-egress NetworkPolicy, reached at `http://<podIP>:<port>`
 * (so the evaluator must run inside the cluster network). Every object is labelled and deleted on every
 * path: stop, close, start failure, abort, and `sweepOrphans` after a restart.
 */
export function createKubernetesRuntime(init: KubernetesRuntimeInit): KubernetesRuntime {
  const log = (init.logger ?? silentLogger).child('evaluator:runtime:kubernetes')
  const base = { runtime: 'kubernetes' }
  if (!init.runtimeClassName) {
    if (!init.allowInsecure) {
      throw runtimeError({
        ...base,
        code: 'EVAL_RUNTIME_INSECURE_REFUSED',
        failure: 'validator_sandbox_unavailable',
        reason: 'no runtimeClassName: untrusted policies would share the node kernel',
      })
    }
    log.warn('INSECURE: policy pods run without a sandboxed runtimeClassName', { namespace: init.namespace })
  }
  const kc = loadKubeConfig(init.kubeConfig)
  const core = kc.makeApiClient(CoreV1Api)
  const net = kc.makeApiClient(NetworkingV1Api)
  const namespace = init.namespace
  const port = init.policyPort ?? 8000
  const startTimeoutMs = init.startTimeoutMs ?? 600_000
  const unschedulableMs = init.unschedulableMs ?? 10_000
  const validator = init.validator ?? 'local'
  const handles = new Set<KubernetesPolicyHandle>()
  /** Names with objects this runtime may have created and not yet deleted. */
  const owned = new Set<string>()
  const closing = new AbortController()
  let closed = false

  async function deleteObjects(name: string): Promise<void> {
    const results = await Promise.allSettled([
      core.deleteNamespacedPod({ name, namespace, gracePeriodSeconds: 0 }),
      net.deleteNamespacedNetworkPolicy({ name, namespace }),
    ])
    for (const r of results) {
      if (r.status === 'rejected' && !isNotFound(r.reason)) {
        log.warn('policy object not deleted', { name, err: describeApiError(r.reason) })
      }
    }
    owned.delete(name)
  }

  /**
   * Creates, and on 409 (a leftover from a previous run of the same job: names are deterministic) deletes
   * the old object and retries until it is gone. Replacing rather than adopting: the leftover's state and
   * limits are unknown, and a fresh start is what every other validator gives this job.
   */
  async function createReplacing(
    kind: string,
    create: () => Promise<unknown>,
    remove: () => Promise<unknown>,
    signal: AbortSignal,
  ) {
    for (let attempt = 0; ; attempt++) {
      try {
        await create()
        return
      } catch (err) {
        if (!isConflict(err) || signal.aborted || attempt >= 40) throw err
        if (attempt === 0) log.warn('replacing leftover policy object', { kind, err: describeApiError(err) })
        await remove().catch((e: unknown) => {
          if (!isNotFound(e)) throw e
        })
        await sleep(attempt === 0 ? 0 : 250, signal)
      }
    }
  }

  async function start(source: PolicySource, limits: ResourceLimits, signal?: AbortSignal): Promise<PolicyHandle> {
    const meta = { ...base, label: source.label }
    if (closed)
      throw runtimeError({
        ...meta,
        code: 'EVAL_RUNTIME_CLOSED',
        failure: 'validator_cancelled',
        reason: 'runtime closed',
      })
    if (signal?.aborted)
      throw runtimeError({
        ...meta,
        code: 'EVAL_RUNTIME_ABORTED',
        failure: 'validator_cancelled',
        reason: 'aborted before start',
      })
    assertPinnedImage(source.image, source.label)
    const name = objectName(source.label)
    const spec = {
      name,
      namespace,
      image: source.image,
      command: source.command.map((arg) => arg.replaceAll('{port}', String(port))),
      env: source.env,
      port,
      limits,
      cpu: init.cpu ?? '1',
      runtimeClassName: init.runtimeClassName,
      labels: { job: source.jobId ?? source.label, minerUid: source.minerUid, validator },
    }
    const pod = buildPolicyPod(spec)
    const policy = toClientNetworkPolicy(buildPolicyNetworkPolicy(spec, init.evaluatorSelector))
    const stopSignal = signal ? AbortSignal.any([signal, closing.signal]) : closing.signal
    const deadline = Date.now() + startTimeoutMs
    owned.add(name)
    let podCreated = false
    try {
      // The NetworkPolicy first: the pod must never run for a moment without its egress block.
      await createReplacing(
        'NetworkPolicy',
        () => net.createNamespacedNetworkPolicy({ namespace, body: policy }),
        () => net.deleteNamespacedNetworkPolicy({ name, namespace }),
        stopSignal,
      )
      await createReplacing(
        'Pod',
        () => core.createNamespacedPod({ namespace, body: pod }),
        () => core.deleteNamespacedPod({ name, namespace, gracePeriodSeconds: 0 }),
        stopSignal,
      )
      podCreated = true
      log.debug('policy pod created', { name, label: source.label })
      const podIP = await waitReady({
        kc,
        core,
        namespace,
        name,
        deadline,
        startTimeoutMs,
        unschedulableMs,
        signal: stopSignal,
        log,
      })
      const endpoint = { url: `http://${podIP}:${port}` }
      const health = await waitHealthy(endpoint, { deadlineMs: Math.max(1, deadline - Date.now()), signal: stopSignal })
      if (!health.ok) {
        if (health.aborted)
          throw runtimeError({
            ...meta,
            code: 'EVAL_RUNTIME_ABORTED',
            failure: 'validator_cancelled',
            reason: health.reason,
          })
        throw runtimeError({
          ...meta,
          code: 'EVAL_RUNTIME_POLICY_UNHEALTHY',
          failure: 'policy_health_failed',
          reason: health.reason,
        })
      }
      const handle = new KubernetesPolicyHandle({
        kc,
        core,
        namespace,
        name,
        endpoint,
        tailLines: init.logTailLines ?? 200,
        log,
        remove: () => deleteObjects(name),
      })
      handles.add(handle)
      void handle.stopped.then(() => handles.delete(handle))
      return handle
    } catch (err) {
      const logs = podCreated
        ? await core
            .readNamespacedPodLog({ name, namespace, tailLines: init.logTailLines ?? 200 })
            .catch(() => undefined)
        : undefined
      await deleteObjects(name)
      if (err instanceof RuntimeError) {
        if (logs && err.meta.logs === undefined) err.meta.logs = logs
        throw err
      }
      if (stopSignal.aborted) {
        throw runtimeError(
          { ...meta, code: 'EVAL_RUNTIME_ABORTED', failure: 'validator_cancelled', reason: 'aborted during start' },
          err,
        )
      }
      throw runtimeError(
        { ...meta, code: 'EVAL_RUNTIME_CLUSTER_ERROR', failure: 'validator_internal', reason: describeApiError(err) },
        err,
      )
    }
  }

  async function sweepOrphans(): Promise<{ pods: string[]; networkPolicies: string[] }> {
    const labelSelector = `${LABELS.managedBy}=${MANAGED_BY},${LABELS.validator}=${labelValue(validator)}`
    const live = new Set([...handles].map((h) => h.name))
    const [pods, policies] = await Promise.all([
      core.listNamespacedPod({ namespace, labelSelector }),
      net.listNamespacedNetworkPolicy({ namespace, labelSelector }),
    ]).catch((err: unknown) => {
      throw runtimeError(
        { ...base, code: 'EVAL_RUNTIME_CLUSTER_ERROR', failure: 'validator_internal', reason: describeApiError(err) },
        err,
      )
    })
    const podNames = pods.items.map((p) => p.metadata?.name ?? '').filter((n) => n && !live.has(n))
    const policyNames = policies.items.map((p) => p.metadata?.name ?? '').filter((n) => n && !live.has(n))
    const ignore404 = (err: unknown) => {
      if (!isNotFound(err)) log.warn('orphan not deleted', { err: describeApiError(err) })
    }
    await Promise.all([
      ...podNames.map((name) => core.deleteNamespacedPod({ name, namespace, gracePeriodSeconds: 0 }).catch(ignore404)),
      ...policyNames.map((name) => net.deleteNamespacedNetworkPolicy({ name, namespace }).catch(ignore404)),
    ])
    if (podNames.length + policyNames.length > 0)
      log.info('orphans swept', { pods: podNames, networkPolicies: policyNames })
    return { pods: podNames, networkPolicies: policyNames }
  }

  return {
    name: 'kubernetes',
    start,
    sweepOrphans,
    async close() {
      closed = true
      closing.abort()
      await Promise.all([...handles].map((h) => h.stop()))
      await Promise.all([...owned].map((name) => deleteObjects(name)))
    },
  }
}
