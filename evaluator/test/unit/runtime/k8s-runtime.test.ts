import { createServer, type Server } from 'node:http'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { RuntimeError } from '../../../src/runtime/errors.js'
import { httpGet } from '../../../src/runtime/health.js'
import {
  createKubernetesRuntime,
  type KubernetesRuntimeInit,
} from '../../../src/runtime/kubernetes/kubernetes-runtime.js'
import { objectName } from '../../../src/runtime/kubernetes/manifests.js'
import type { PolicySource } from '../../../src/runtime/types.js'
import { type K8sStandin, startK8sStandin } from '../../utils/k8s-standin.js'
import { ROOMY, recordingLogger } from './helpers.js'

const IMAGE = `registry.example/miner/policy@sha256:${'b'.repeat(64)}`
const NS = 'policies'

let policyServer: Server
let policyPort = 0
let standin: K8sStandin

beforeAll(async () => {
  // The "pod": a real HTTP policy on 127.0.0.1, which the stand-in reports as the pod IP.
  policyServer = createServer((req, res) => {
    res.setHeader('content-type', 'application/json')
    res.end(req.url === '/health' ? '{"status":"healthy"}' : '{"action":{"continuous":{}}}')
  })
  await new Promise<void>((resolve) => policyServer.listen(0, '127.0.0.1', resolve))
  policyPort = (policyServer.address() as { port: number }).port
})
afterAll(() => new Promise((resolve) => policyServer.close(resolve)))
beforeEach(async () => {
  standin = await startK8sStandin()
})
afterEach(() => standin.close())

function runtime(extra: Partial<KubernetesRuntimeInit> = {}) {
  return createKubernetesRuntime({
    kubeConfig: standin.kubeConfig(),
    namespace: NS,
    runtimeClassName: 'gvisor',
    evaluatorSelector: { podLabels: { app: 'evaluator' } },
    policyPort,
    startTimeoutMs: 5_000,
    unschedulableMs: 300,
    validator: 'v1',
    ...extra,
  })
}

const source = (label: string): PolicySource => ({ dir: '/unused', command: [], label, image: IMAGE, minerUid: 3 })

function expectNothingLeft() {
  expect([...standin.pods.keys()]).toEqual([])
  expect([...standin.networkPolicies.keys()]).toEqual([])
}

describe('kubernetes runtime against the API stand-in', () => {
  it('creates the network policy then the pod, waits Ready, serves logs, and deletes exactly both', async () => {
    // Ready only after the first read, so readiness must arrive through the watch.
    standin.behaviour = () => ({ kind: 'ready', afterMs: 300 })
    const rt = runtime()
    const handle = await rt.start(source('job-a'), ROOMY)
    const name = objectName('job-a')
    expect(handle.isolation).toBe('kubernetes')
    expect(handle.endpoint.url).toBe(`http://127.0.0.1:${policyPort}`)
    expect((await httpGet(handle.endpoint, '/health', 2_000)).status).toBe(200)
    expect(await handle.logs()).toContain(`policy ${name} listening`)

    const created = standin.requests.filter((r) => r.method === 'POST')
    expect(created.map((r) => (r.body as { kind: string }).kind)).toEqual(['NetworkPolicy', 'Pod'])
    const np = created[0]?.body as { spec: { ingress: { from: unknown[] }[]; egress: unknown[] } }
    expect(np.spec.ingress[0]?.from).toEqual([{ podSelector: { matchLabels: { app: 'evaluator' } } }])
    expect(np.spec.egress).toEqual([])
    const pod = created[1]?.body as { spec: { runtimeClassName: string }; metadata: { labels: Record<string, string> } }
    expect(pod.spec.runtimeClassName).toBe('gvisor')
    expect(pod.metadata.labels['kinitro/miner-uid']).toBe('3')
    const watch = standin.requests.find((r) => r.query.watch === 'true')
    expect(watch?.query.fieldSelector).toBe(`metadata.name=${name}`)

    await handle.stop()
    await handle.stop()
    expect(standin.mutations()).toEqual([
      'POST networkpolicies',
      'POST pods',
      `DELETE pods/${name}`,
      `DELETE networkpolicies/${name}`,
    ])
    expectNothingLeft()
    await rt.close()
  })

  it.each([
    [
      'image pull back-off',
      { kind: 'imagePullBackOff' },
      'EVAL_RUNTIME_IMAGE_PULL_FAILED',
      'network_artifact_unavailable',
    ],
    ['unschedulable', { kind: 'unschedulable' }, 'EVAL_RUNTIME_UNSCHEDULABLE', 'validator_overloaded'],
    ['pod crash', { kind: 'crash' }, 'EVAL_RUNTIME_POLICY_START_FAILED', 'policy_start_failed'],
    ['start timeout', { kind: 'pending' }, 'EVAL_RUNTIME_POLICY_UNHEALTHY', 'policy_health_failed'],
  ] as const)('%s: rejects with a typed error and deletes both objects', async (_what, behaviour, code, failure) => {
    standin.behaviour = () => behaviour
    const rt = runtime({ startTimeoutMs: 1_000 })
    const err = (await rt.start(source('job-f'), ROOMY).catch((e: unknown) => e)) as RuntimeError
    expect(err.code).toBe(code)
    expect(err.meta.failure).toBe(failure)
    const name = objectName('job-f')
    expect(standin.mutations().slice(-2)).toEqual([`DELETE pods/${name}`, `DELETE networkpolicies/${name}`])
    expectNothingLeft()
    if (behaviour.kind === 'crash') expect(err.meta.logs).toContain('model missing')
    await rt.close()
  })

  it('abort during start rejects with EVAL_RUNTIME_ABORTED and cleans up', async () => {
    standin.behaviour = () => ({ kind: 'pending' })
    const rt = runtime()
    const ctl = new AbortController()
    setTimeout(() => ctl.abort(), 200)
    const err = (await rt.start(source('job-x'), ROOMY, ctl.signal).catch((e: unknown) => e)) as RuntimeError
    expect(err.code).toBe('EVAL_RUNTIME_ABORTED')
    expect(err.meta.failure).toBe('validator_cancelled')
    expectNothingLeft()
    await rt.close()
  })

  it('replaces leftovers from a previous run on 409', async () => {
    const name = objectName('job-r')
    const logger = recordingLogger()
    standin.seed('networkpolicies', { metadata: { name, namespace: NS } })
    standin.seed('pods', { metadata: { name, namespace: NS }, status: { phase: 'Running' } })
    const rt = runtime({ logger })
    await rt.start(source('job-r'), ROOMY)
    expect(standin.mutations()).toEqual([
      'POST networkpolicies',
      `DELETE networkpolicies/${name}`,
      'POST networkpolicies',
      'POST pods',
      `DELETE pods/${name}`,
      'POST pods',
    ])
    expect(logger.lines.some((l) => l.level === 'warn' && l.msg === 'replacing leftover policy object')).toBe(true)
    await rt.close()
    expectNothingLeft()
  })

  it('re-lists when the watch ends early and still sees Ready', async () => {
    standin.behaviour = () => ({ kind: 'ready', afterMs: 1_500 })
    const rt = runtime()
    const watches = () => standin.requests.filter((r) => r.query.watch === 'true').length
    const started = rt.start(source('job-w'), ROOMY)
    while (watches() === 0) await new Promise((resolve) => setTimeout(resolve, 20))
    standin.dropWatches()
    const handle = await started
    expect(watches()).toBeGreaterThanOrEqual(2)
    // the re-list: a read of the pod after the first watch ended
    const reads = standin.requests.filter((r) => r.method === 'GET' && r.path.endsWith(`/pods/${objectName('job-w')}`))
    expect(reads.length).toBeGreaterThanOrEqual(2)
    await handle.stop()
    await rt.close()
  })

  it.each([
    ['Error', 'policy_crashed'],
    ['OOMKilled', 'policy_resource_limit'],
    ['DeadlineExceeded', 'policy_episode_deadline'],
  ] as const)('a running pod ending with %s settles exited with %s', async (reason, expected) => {
    standin.behaviour = () => ({ kind: 'readyThenFail', failAfterMs: 200, reason })
    const rt = runtime()
    const handle = await rt.start(source('job-e'), ROOMY)
    expect((await handle.exited).reason).toBe(expected)
    await handle.stop()
    expectNothingLeft()
    await rt.close()
  })

  it('sweepOrphans deletes only objects labelled as this validator’s', async () => {
    const mine = { 'kinitro/managed-by': 'kinitro-evaluator', 'kinitro/validator': 'v1' }
    const theirs = { 'kinitro/managed-by': 'kinitro-evaluator', 'kinitro/validator': 'v2' }
    standin.seed('pods', { metadata: { name: 'orphan-pod', namespace: NS, labels: mine } })
    standin.seed('networkpolicies', { metadata: { name: 'orphan-np', namespace: NS, labels: mine } })
    standin.seed('pods', { metadata: { name: 'other-validator', namespace: NS, labels: theirs } })
    standin.seed('pods', { metadata: { name: 'unrelated', namespace: NS } })
    const rt = runtime()
    const live = await rt.start(source('job-live'), ROOMY)
    const swept = await rt.sweepOrphans()
    expect(swept).toEqual({ pods: ['orphan-pod'], networkPolicies: ['orphan-np'] })
    expect([...standin.pods.keys()].sort()).toEqual(
      [`${NS}/other-validator`, `${NS}/unrelated`, `${NS}/${objectName('job-live')}`].sort(),
    )
    await live.stop()
    await rt.close()
  })

  it('close() deletes every object it created and refuses new starts', async () => {
    const rt = runtime()
    await rt.start(source('job-1'), ROOMY)
    await rt.start(source('job-2'), ROOMY)
    expect(standin.pods.size).toBe(2)
    await rt.close()
    expectNothingLeft()
    const err = (await rt.start(source('job-3'), ROOMY).catch((e: unknown) => e)) as RuntimeError
    expect(err.code).toBe('EVAL_RUNTIME_CLOSED')
  })

  it('rejects a non-digest image before touching the cluster', async () => {
    const rt = runtime()
    const err = (await rt
      .start({ ...source('job-t'), image: 'policy:latest' }, ROOMY)
      .catch((e: unknown) => e)) as RuntimeError
    expect(err.code).toBe('EVAL_RUNTIME_IMAGE_NOT_PINNED')
    expect(standin.requests).toEqual([])
    await rt.close()
  })
})
