import type { CoreV1Api, KubeConfig } from '@kubernetes/client-node'
import type { Logger } from '#protocol'
import type { PolicyEndpoint } from '../../policy/types.js'
import type { PolicyExit, PolicyHandle } from '../types.js'
import { podExit } from './pod-state.js'
import { type PodWatch, watchPod } from './pod-watch.js'

/** What a {@link KubernetesPolicyHandle} needs. */
export interface KubernetesHandleInit {
  kc: KubeConfig
  core: CoreV1Api
  namespace: string
  name: string
  endpoint: PolicyEndpoint
  tailLines: number
  log: Logger
  /** Deletes the pod and its network policy (404 ignored). */
  remove: () => Promise<void>
}

/** A policy pod that reached Ready; a watch turns its termination into `exited`. */
export class KubernetesPolicyHandle implements PolicyHandle {
  readonly endpoint: PolicyEndpoint
  readonly isolation = 'kubernetes'
  readonly name: string
  readonly exited: Promise<PolicyExit>
  readonly stopped: Promise<void>
  #init: KubernetesHandleInit
  #watch: PodWatch
  #settle!: (exit: PolicyExit) => void
  #lastLogs = ''
  #stopPromise: Promise<void> | undefined
  #resolveStopped!: () => void

  constructor(init: KubernetesHandleInit) {
    this.#init = init
    this.endpoint = init.endpoint
    this.name = init.name
    this.stopped = new Promise((resolve) => {
      this.#resolveStopped = resolve
    })
    this.exited = new Promise((resolve) => {
      this.#settle = resolve
    })
    this.#watch = watchPod(
      init.kc,
      init.core,
      init.namespace,
      init.name,
      (pod) => {
        if (this.#stopPromise) return
        const exit = podExit(pod)
        if (exit === undefined) return
        init.log.debug('policy pod ended', { name: init.name, ...exit })
        this.#watch.stop()
        // Keep the output of a dead pod before anyone deletes it.
        void this.logs().finally(() => this.#settle(exit))
      },
      init.log,
    )
  }

  async logs(): Promise<string> {
    try {
      const text = await this.#init.core.readNamespacedPodLog({
        name: this.#init.name,
        namespace: this.#init.namespace,
        tailLines: this.#init.tailLines,
      })
      this.#lastLogs = typeof text === 'string' ? text : String(text)
    } catch {
      // the pod is gone: the last output read is all there is
    }
    return this.#lastLogs
  }

  stop(): Promise<void> {
    this.#stopPromise ??= (async () => {
      this.#watch.stop()
      await this.logs()
      await this.#init.remove()
      this.#settle({ code: null, signal: null })
      this.#resolveStopped()
    })()
    return this.#stopPromise
  }
}
