import { createServer } from 'node:http'
import type { KubernetesPolicyHandle } from '../../src/runtime/kubernetes/kubernetes-handle.js'
import { createKubernetesRuntime } from '../../src/runtime/kubernetes/kubernetes-runtime.js'
import type { PolicyHandle } from '../../src/runtime/types.js'
import { ROOMY } from '../unit/runtime/helpers.js'
import { startK8sStandin } from '../utils/k8s-standin.js'
import { runtimeSuite } from './runtime.suite.js'

const IMAGE = `registry.example/policy@sha256:${'c'.repeat(64)}`

runtimeSuite('kubernetes (API stand-in)', async () => {
  // The pod's server: a real HTTP policy on 127.0.0.1 that the stand-in reports as the pod IP.
  const policy = createServer((req, res) => {
    res.setHeader('content-type', 'application/json')
    if (req.url === '/act') res.end('{"action":{"continuous":{},"discrete":{},"extra":{}}}')
    else res.end('{"status":"healthy"}')
  })
  await new Promise<void>((resolve) => policy.listen(0, '127.0.0.1', resolve))
  const port = (policy.address() as { port: number }).port
  const standin = await startK8sStandin({
    behaviour: (pod) => {
      const name = pod.metadata.name
      if (name.includes('broken')) return { kind: 'crash' }
      if (name.includes('abort')) return { kind: 'pending' }
      return { kind: 'ready' }
    },
  })
  const source = (label: string) => ({ dir: '', command: ['serve', '{port}'], label, image: IMAGE })
  return {
    runtime: createKubernetesRuntime({
      kubeConfig: standin.kubeConfig(),
      namespace: 'policies',
      runtimeClassName: 'gvisor',
      evaluatorSelector: { podLabels: { app: 'evaluator' } },
      policyPort: port,
      startTimeoutMs: 5_000,
    }),
    good: source,
    broken: source,
    slow: source,
    limits: ROOMY,
    // Gone = the pod and its network policy were deleted from the API.
    gone: async (handle: PolicyHandle) => {
      const name = (handle as KubernetesPolicyHandle).name
      return ![...standin.pods.keys(), ...standin.networkPolicies.keys()].some((k) => k.endsWith(`/${name}`))
    },
    async teardown() {
      await standin.close()
      await new Promise((resolve) => policy.close(resolve))
    },
  }
})
