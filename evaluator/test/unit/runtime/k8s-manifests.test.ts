import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1'
import { Pod } from 'kubernetes-models/v1'
import { describe, expect, it } from 'vitest'
import type { RuntimeError } from '../../../src/runtime/errors.js'
import { createKubernetesRuntime } from '../../../src/runtime/kubernetes/kubernetes-runtime.js'
import {
  assertPinnedImage,
  buildPolicyNetworkPolicy,
  buildPolicyPod,
  labelValue,
  objectName,
  toClientNetworkPolicy,
} from '../../../src/runtime/kubernetes/manifests.js'
import { ROOMY } from './helpers.js'

const IMAGE = `registry.example/miner/policy@sha256:${'a'.repeat(64)}`
const spec = {
  name: objectName('job-1f2e/miner-7'),
  namespace: 'policies',
  image: IMAGE,
  command: ['python3', 'server.py', '8000'],
  env: { MODEL: 'small' },
  port: 8000,
  limits: { ...ROOMY, memoryMiB: 4096, wallClockMs: 900_500, scratchMiB: 512 },
  cpu: '2',
  runtimeClassName: 'gvisor',
  labels: { job: 'job-1f2e', minerUid: 7, validator: '5Fvalidator' },
}

describe('policy pod manifest', () => {
  const pod = buildPolicyPod(spec)

  it('passes kubernetes-models schema validation', () => {
    expect(() => new Pod(pod as ConstructorParameters<typeof Pod>[0]).validate()).not.toThrow()
  })

  it('would fail validation for a wrongly typed field (the check is real)', () => {
    const broken = structuredClone(pod) as unknown as { spec: { activeDeadlineSeconds: unknown } }
    broken.spec.activeDeadlineSeconds = '900'
    expect(() => new Pod(broken as ConstructorParameters<typeof Pod>[0]).validate()).toThrow()
  })

  it('carries every hardening field', () => {
    const s = pod.spec!
    expect(s.restartPolicy).toBe('Never')
    expect(s.activeDeadlineSeconds).toBe(901)
    expect(s.automountServiceAccountToken).toBe(false)
    expect(s.enableServiceLinks).toBe(false)
    expect([s.hostNetwork, s.hostPID, s.hostIPC]).toEqual([false, false, false])
    expect(s.runtimeClassName).toBe('gvisor')
    expect(s.securityContext).toMatchObject({
      runAsNonRoot: true,
      runAsUser: 65534,
      fsGroup: 65534,
      seccompProfile: { type: 'RuntimeDefault' },
    })
    const c = s.containers[0]!
    expect(c.securityContext).toMatchObject({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      privileged: false,
      capabilities: { drop: ['ALL'] },
    })
    const expected = { cpu: '2', memory: '4096Mi', 'ephemeral-storage': '576Mi' }
    expect(c.resources?.requests).toEqual(expected)
    expect(c.resources?.limits).toEqual(expected)
    expect(s.volumes).toEqual([{ name: 'tmp', emptyDir: { sizeLimit: '512Mi' } }])
    expect(c.volumeMounts).toEqual([{ name: 'tmp', mountPath: '/tmp' }])
    expect(c.readinessProbe?.httpGet).toMatchObject({ path: '/health', port: 8000 })
    expect(c.image).toBe(IMAGE)
    expect(c.env).toEqual(
      expect.arrayContaining([
        { name: 'PORT', value: '8000' },
        { name: 'MODEL', value: 'small' },
      ]),
    )
  })

  it('labels the pod for the janitor', () => {
    expect(pod.metadata?.labels).toEqual({
      'kinitro/job': 'job-1f2e',
      'kinitro/miner-uid': '7',
      'kinitro/validator': '5Fvalidator',
      'kinitro/managed-by': 'kinitro-evaluator',
      'kinitro/policy': spec.name,
    })
  })

  it('omits runtimeClassName when none is configured', () => {
    expect(buildPolicyPod({ ...spec, runtimeClassName: undefined }).spec?.runtimeClassName).toBeUndefined()
  })
})

describe('policy network policy', () => {
  const np = buildPolicyNetworkPolicy(spec, { podLabels: { app: 'kinitro-evaluator' } })

  it('passes kubernetes-models schema validation', () => {
    expect(() => new NetworkPolicy(np as ConstructorParameters<typeof NetworkPolicy>[0]).validate()).not.toThrow()
  })

  it('selects only this pod, admits only the evaluator on the policy port, and has no egress rule', () => {
    expect(np.spec.podSelector).toEqual({ matchLabels: { 'kinitro/policy': spec.name } })
    expect(np.spec.policyTypes).toEqual(['Ingress', 'Egress'])
    expect(np.spec.ingress).toEqual([
      {
        from: [{ podSelector: { matchLabels: { app: 'kinitro-evaluator' } } }],
        ports: [{ protocol: 'TCP', port: 8000 }],
      },
    ])
    expect(np.spec.egress).toEqual([])
  })

  it('converts `from` to the client model name `_from`', () => {
    const client = toClientNetworkPolicy(np)
    expect(client.spec?.ingress?.[0]?._from).toEqual(np.spec.ingress[0]?.from)
  })
})

describe('names and images', () => {
  it('rejects an image not pinned by digest', () => {
    expect(() => assertPinnedImage('registry.example/policy:latest')).toThrowError(/EVAL_RUNTIME_IMAGE_NOT_PINNED/)
    expect(() => assertPinnedImage(`registry.example/policy@sha256:${'a'.repeat(63)}`)).toThrow()
    expect(() => assertPinnedImage(IMAGE)).not.toThrow()
  })

  it('makes deterministic DNS-1123 names and valid label values', () => {
    const name = objectName('Job ABC/miner 12 with a very long label that goes on and on and on')
    expect(name).toBe(objectName('Job ABC/miner 12 with a very long label that goes on and on and on'))
    expect(name).not.toBe(objectName('Job ABC/miner 13'))
    expect(name.length).toBeLessThanOrEqual(63)
    expect(name).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/)
    expect(labelValue(`-${'x'.repeat(80)}/`)).toMatch(/^[A-Za-z0-9][A-Za-z0-9._-]{0,61}[A-Za-z0-9]$/)
  })

  it('refuses to run without runtimeClassName unless allowInsecure', () => {
    let err: unknown
    try {
      createKubernetesRuntime({
        namespace: 'p',
        evaluatorSelector: { podLabels: { a: 'b' } },
        kubeConfig: '/nonexistent',
      })
    } catch (e) {
      err = e
    }
    expect((err as RuntimeError).code).toBe('EVAL_RUNTIME_INSECURE_REFUSED')
  })
})
