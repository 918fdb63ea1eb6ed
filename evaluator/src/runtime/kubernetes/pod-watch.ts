import { type CoreV1Api, type KubeConfig, type V1Pod, Watch } from '@kubernetes/client-node'
import type { Logger } from '#protocol'
import { isNotFound } from './api-errors.js'

/** A running watch of one pod; `stop()` ends it and every timer it holds. */
export interface PodWatch {
  stop(): void
}

/** Delay before re-listing after a watch ended early (server timeout, dropped connection, 410 Gone). */
const REWATCH_DELAY_MS = 200

/**
 * Follows one pod: reads it (the re-list), then watches it by name; when the watch ends early, reads and
 * watches again, so no transition is lost. `onPod(undefined)` means the pod is gone.
 */
export function watchPod(
  kc: KubeConfig,
  core: CoreV1Api,
  namespace: string,
  name: string,
  onPod: (pod: V1Pod | undefined) => void,
  log: Logger,
): PodWatch {
  const watch = new Watch(kc)
  let stopped = false
  let controller: AbortController | undefined
  let timer: NodeJS.Timeout | undefined

  const relist = async () => {
    if (stopped) return
    try {
      const pod = await core.readNamespacedPod({ name, namespace })
      if (!stopped) onPod(pod)
    } catch (err) {
      if (isNotFound(err)) {
        if (!stopped) onPod(undefined)
        return
      }
      log.debug('pod read failed', { name, err: String(err) })
    }
    if (stopped) return
    const ctl = await watch
      .watch(
        `/api/v1/namespaces/${namespace}/pods`,
        { fieldSelector: `metadata.name=${name}` },
        (type, obj: V1Pod) => {
          if (stopped) return
          if (type === 'DELETED') onPod(undefined)
          else if (type === 'ADDED' || type === 'MODIFIED') onPod(obj)
        },
        (err) => {
          if (stopped) return
          log.debug('pod watch ended', { name, err: err ? String(err) : undefined })
          timer = setTimeout(() => void relist(), REWATCH_DELAY_MS)
        },
      )
      .catch(() => undefined)
    controller = ctl
    if (stopped) ctl?.abort()
  }
  void relist()
  return {
    stop() {
      stopped = true
      clearTimeout(timer)
      controller?.abort()
    },
  }
}
