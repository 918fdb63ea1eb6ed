import { createHash } from 'node:crypto'
import type {
  V1NetworkPolicy,
  V1NetworkPolicyIngressRule,
  V1NetworkPolicyPeer,
  V1NetworkPolicySpec,
  V1Pod,
} from '@kubernetes/client-node'
import { runtimeError } from '../errors.js'
import type { ResourceLimits } from '../types.js'

/** Label keys on every object the Kubernetes runtime creates (the janitor selects on them). */
export const LABELS = {
  job: 'kinitro/job',
  minerUid: 'kinitro/miner-uid',
  validator: 'kinitro/validator',
  managedBy: 'kinitro/managed-by',
  policy: 'kinitro/policy',
} as const

/** Value of `kinitro/managed-by`. */
export const MANAGED_BY = 'kinitro-evaluator'

/** The unprivileged uid/gid of policy containers (nobody). */
export const POLICY_UID = 65534

const DIGEST = /@sha256:[0-9a-f]{64}$/

/** Throws EVAL_RUNTIME_IMAGE_NOT_PINNED unless `image` names a digest: what runs must be what was committed. */
export function assertPinnedImage(image: string | undefined, label?: string): asserts image is string {
  if (image === undefined || !DIGEST.test(image)) {
    throw runtimeError({
      code: 'EVAL_RUNTIME_IMAGE_NOT_PINNED',
      failure: 'policy_artifact_invalid',
      runtime: 'kubernetes',
      label,
      reason: `image ${JSON.stringify(image)} is not pinned by @sha256 digest`,
    })
  }
}

/** A label value (≤ 63 chars of [A-Za-z0-9._-], alphanumeric at both ends). */
export function labelValue(raw: string): string {
  const cleaned = raw.replace(/[^A-Za-z0-9._-]/g, '-').slice(0, 63)
  return cleaned.replace(/^[^A-Za-z0-9]+/, '').replace(/[^A-Za-z0-9]+$/, '') || 'x'
}

/**
 * A deterministic DNS-1123 object name for a policy label: the same job restarted gets the same name, so a
 * leftover from a crashed validator shows up as a 409 the driver can resolve instead of a silent twin.
 */
export function objectName(label: string): string {
  const hash = createHash('sha256').update(label).digest('hex').slice(0, 10)
  const stem = label
    .toLowerCase()
    .replace(/[^a-z0-9-]/g, '-')
    .replace(/-+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 36)
  return `kinitro-policy-${stem ? `${stem}-` : ''}${hash}`.replace(/-+/g, '-')
}

/** What a policy pod is built from. */
export interface PolicyPodSpec {
  name: string
  namespace: string
  image: string
  /** argv (`{port}` already substituted); empty keeps the image's entry point. */
  command: readonly string[]
  env?: Readonly<Record<string, string>>
  port: number
  limits: ResourceLimits
  /** CPU cores requested and limited (Kubernetes quantity). */
  cpu: string
  runtimeClassName?: string
  labels: { job: string; minerUid?: number; validator: string }
}

/** The labels of one policy's objects. */
export function policyLabels(spec: Pick<PolicyPodSpec, 'name' | 'labels'>): Record<string, string> {
  return {
    [LABELS.job]: labelValue(spec.labels.job),
    ...(spec.labels.minerUid !== undefined ? { [LABELS.minerUid]: String(spec.labels.minerUid) } : {}),
    [LABELS.validator]: labelValue(spec.labels.validator),
    [LABELS.managedBy]: MANAGED_BY,
    [LABELS.policy]: spec.name,
  }
}

/** The hardened pod for one policy: no service account, no host namespaces, non-root, read-only root, no caps. */
export function buildPolicyPod(spec: PolicyPodSpec): V1Pod {
  const memory = `${Math.ceil(spec.limits.memoryMiB)}Mi`
  const scratch = `${Math.ceil(spec.limits.scratchMiB)}Mi`
  // Container logs and the emptyDir both count against ephemeral storage; logs get a fixed headroom.
  const ephemeral = `${Math.ceil(spec.limits.scratchMiB) + 64}Mi`
  const resources = { cpu: spec.cpu, memory, 'ephemeral-storage': ephemeral }
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: spec.name, namespace: spec.namespace, labels: policyLabels(spec) },
    spec: {
      restartPolicy: 'Never',
      activeDeadlineSeconds: Math.max(1, Math.ceil(spec.limits.wallClockMs / 1000)),
      terminationGracePeriodSeconds: 2,
      automountServiceAccountToken: false,
      enableServiceLinks: false,
      hostNetwork: false,
      hostPID: false,
      hostIPC: false,
      ...(spec.runtimeClassName ? { runtimeClassName: spec.runtimeClassName } : {}),
      securityContext: {
        runAsNonRoot: true,
        runAsUser: POLICY_UID,
        runAsGroup: POLICY_UID,
        fsGroup: POLICY_UID,
        seccompProfile: { type: 'RuntimeDefault' },
      },
      containers: [
        {
          name: 'policy',
          image: spec.image,
          imagePullPolicy: 'IfNotPresent',
          ...(spec.command.length > 0 ? { command: [...spec.command] } : {}),
          env: [
            { name: 'PORT', value: String(spec.port) },
            { name: 'HOME', value: '/tmp' },
            ...Object.entries(spec.env ?? {}).map(([name, value]) => ({ name, value })),
          ],
          ports: [{ name: 'policy', containerPort: spec.port, protocol: 'TCP' }],
          resources: { requests: { ...resources }, limits: { ...resources } },
          securityContext: {
            allowPrivilegeEscalation: false,
            readOnlyRootFilesystem: true,
            privileged: false,
            runAsNonRoot: true,
            capabilities: { drop: ['ALL'] },
          },
          readinessProbe: {
            httpGet: { path: '/health', port: spec.port },
            periodSeconds: 1,
            timeoutSeconds: 2,
            failureThreshold: 3,
          },
          volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
        },
      ],
      volumes: [{ name: 'tmp', emptyDir: { sizeLimit: scratch } }],
    },
  }
}

/** Who may reach a policy pod. */
export interface EvaluatorSelector {
  /** Labels of the evaluator's pods. */
  podLabels: Readonly<Record<string, string>>
  /** Labels of the evaluator's namespace, when it runs in another namespace than the policies. */
  namespaceLabels?: Readonly<Record<string, string>>
}

/**
 * A NetworkPolicy as the API server sees it. The client's model names the reserved word `from` as `_from`
 * and maps it back when serializing, so the driver converts with {@link toClientNetworkPolicy}.
 */
export type WireNetworkPolicy = Omit<V1NetworkPolicy, 'spec'> & {
  spec: Omit<V1NetworkPolicySpec, 'ingress'> & {
    ingress: Array<Omit<V1NetworkPolicyIngressRule, '_from'> & { from: V1NetworkPolicyPeer[] }>
  }
}

/** The client-model form of a {@link WireNetworkPolicy}. */
export function toClientNetworkPolicy(wire: WireNetworkPolicy): V1NetworkPolicy {
  const ingress = wire.spec.ingress.map(({ from, ...rule }) => ({ ...rule, _from: from }))
  return { ...wire, spec: { ...wire.spec, ingress } }
}

/**
 * Ingress only from the evaluator on the policy port; `Egress` with no rules denies every connection out,
 * DNS included. Enforced only by CNIs that implement NetworkPolicy (Calico, Cilium; not plain flannel).
 */
export function buildPolicyNetworkPolicy(
  spec: Pick<PolicyPodSpec, 'name' | 'namespace' | 'port' | 'labels'>,
  evaluator: EvaluatorSelector,
): WireNetworkPolicy {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: spec.name, namespace: spec.namespace, labels: policyLabels(spec) },
    spec: {
      podSelector: { matchLabels: { [LABELS.policy]: spec.name } },
      policyTypes: ['Ingress', 'Egress'],
      ingress: [
        {
          from: [
            {
              podSelector: { matchLabels: { ...evaluator.podLabels } },
              ...(evaluator.namespaceLabels
                ? { namespaceSelector: { matchLabels: { ...evaluator.namespaceLabels } } }
                : {}),
            },
          ],
          ports: [{ protocol: 'TCP', port: spec.port }],
        },
      ],
      egress: [],
    },
  }
}
