/**
 * Runtimes start a miner's policy server and hand back where it answers. Implementations: local process
 * (bubblewrap sandbox when available), Kubernetes pods (hardened, deny-egress), and remote miner-served URLs.
 */
export {
  RUNTIME_ERROR_CODES,
  RUNTIME_ERROR_FIXES,
  RuntimeError,
  type RuntimeErrorCode,
  type RuntimeErrorMeta,
} from './errors.js'
export {
  createKubernetesRuntime,
  type KubernetesRuntime,
  type KubernetesRuntimeInit,
} from './kubernetes/kubernetes-runtime.js'
export {
  assertPinnedImage,
  buildPolicyNetworkPolicy,
  buildPolicyPod,
  type EvaluatorSelector,
  LABELS as KUBERNETES_LABELS,
  objectName as kubernetesObjectName,
  type PolicyPodSpec,
  type WireNetworkPolicy,
} from './kubernetes/manifests.js'
export { createProcessRuntime, defaultProcessRuntimeOptions, type ProcessRuntimeInit } from './process-runtime.js'
export { createRemoteRuntime, type RemoteRuntimeInit } from './remote-runtime.js'
export { runDirPrefix } from './run-dirs.js'
export type { PolicyExit, PolicyHandle, PolicySource, ResourceLimits, Runtime } from './types.js'
