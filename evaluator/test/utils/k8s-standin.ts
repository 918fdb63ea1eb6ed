import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import { KubeConfig } from '@kubernetes/client-node'

/**
 * A local stand-in for the Kubernetes API server (node:http on 127.0.0.1:0): pods, networkpolicies, pod
 * logs, list and watch with field/label selectors, 404/409 Status objects. It records every request so
 * tests assert exactly what a runtime sent, and scripts what each created pod does.
 */

/** What a pod does once created. Times are from creation. */
export type PodBehaviour =
  | { kind: 'ready'; afterMs?: number; podIP?: string; logs?: string }
  | {
      kind: 'readyThenFail'
      afterMs?: number
      podIP?: string
      failAfterMs: number
      reason?: 'DeadlineExceeded' | 'OOMKilled' | 'Error'
    }
  | { kind: 'imagePullBackOff'; afterMs?: number }
  | { kind: 'unschedulable'; afterMs?: number }
  | { kind: 'crash'; afterMs?: number; exitCode?: number; logs?: string }
  | { kind: 'pending' }

export interface RecordedRequest {
  method: string
  path: string
  query: Record<string, string>
  body?: unknown
}

type Obj = {
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; [k: string]: unknown }
  [k: string]: unknown
}
type Kind = 'pods' | 'networkpolicies'

interface Watcher {
  kind: Kind
  namespace: string
  matches: (obj: Obj) => boolean
  res: ServerResponse
}

export interface K8sStandin {
  readonly url: string
  readonly requests: RecordedRequest[]
  /** Current objects by `namespace/name`. */
  readonly pods: Map<string, Obj>
  readonly networkPolicies: Map<string, Obj>
  /** Decides what each newly created pod does. */
  behaviour: (pod: Obj) => PodBehaviour
  /** A KubeConfig pointing at the stand-in (plain http). */
  kubeConfig(): KubeConfig
  /** Puts an object in place as if a previous run had created it. */
  seed(kind: Kind, obj: Obj): void
  /** Ends every open watch response (as an API server does after its timeout). */
  dropWatches(): void
  /** Requests other than watches and reads, as `METHOD kind[/name]` strings: the mutations a test cares about. */
  mutations(): string[]
  close(): Promise<void>
}

function status(res: ServerResponse, code: number, reason: string, message: string) {
  res.writeHead(code, { 'content-type': 'application/json' })
  res.end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code }))
}

function json(res: ServerResponse, code: number, body: unknown) {
  res.writeHead(code, { 'content-type': 'application/json' })
  res.end(JSON.stringify(body))
}

function selectorMatches(query: Record<string, string>): (obj: Obj) => boolean {
  const fields = (query.fieldSelector ?? '').split(',').filter(Boolean)
  const labels = (query.labelSelector ?? '').split(',').filter(Boolean)
  return (obj) =>
    fields.every((f) => {
      const [key, value] = f.split('=')
      return key === 'metadata.name' ? obj.metadata.name === value : true
    }) &&
    labels.every((l) => {
      const [key, value] = l.split('=')
      return obj.metadata.labels?.[key as string] === value
    })
}

function readBody(req: IncomingMessage): Promise<unknown> {
  return new Promise((resolve) => {
    let text = ''
    req.on('data', (c: Buffer) => {
      text += c.toString('utf8')
    })
    req.on('end', () => {
      if (text === '') return resolve(undefined)
      try {
        resolve(JSON.parse(text))
      } catch {
        resolve(text)
      }
    })
  })
}

export async function startK8sStandin(init: { behaviour?: (pod: Obj) => PodBehaviour } = {}): Promise<K8sStandin> {
  const requests: RecordedRequest[] = []
  const store: Record<Kind, Map<string, Obj>> = { pods: new Map(), networkpolicies: new Map() }
  const logs = new Map<string, string>()
  const timers = new Map<string, Set<NodeJS.Timeout>>()
  const watchers = new Set<Watcher>()
  let resourceVersion = 1

  const emit = (kind: Kind, type: 'ADDED' | 'MODIFIED' | 'DELETED', obj: Obj) => {
    for (const w of watchers) {
      if (w.kind === kind && w.namespace === obj.metadata.namespace && w.matches(obj)) {
        w.res.write(`${JSON.stringify({ type, object: obj })}\n`)
      }
    }
  }

  const later = (key: string, ms: number, fn: () => void) => {
    const set = timers.get(key) ?? new Set()
    timers.set(key, set)
    const t = setTimeout(() => {
      set.delete(t)
      fn()
    }, ms)
    set.add(t)
  }

  const setStatus = (key: string, statusValue: Record<string, unknown>) => {
    const pod = store.pods.get(key)
    if (!pod) return
    pod.status = statusValue
    pod.metadata.resourceVersion = String(++resourceVersion)
    emit('pods', 'MODIFIED', pod)
  }

  const running = (podIP: string) => ({
    phase: 'Running',
    podIP,
    conditions: [
      { type: 'PodScheduled', status: 'True' },
      { type: 'Ready', status: 'True' },
    ],
    containerStatuses: [
      { name: 'policy', ready: true, restartCount: 0, image: '', imageID: '', state: { running: {} } },
    ],
  })

  const script = (key: string, pod: Obj) => {
    const b = standin.behaviour(pod)
    const at = 'afterMs' in b ? (b.afterMs ?? 50) : 0
    logs.set(key, `policy ${pod.metadata.name} starting\n`)
    const container = (state: unknown) => [
      { name: 'policy', ready: false, restartCount: 0, image: '', imageID: '', state },
    ]
    switch (b.kind) {
      case 'ready':
        return later(key, at, () => {
          logs.set(key, b.logs ?? `policy ${pod.metadata.name} listening\n`)
          setStatus(key, running(b.podIP ?? '127.0.0.1'))
        })
      case 'readyThenFail':
        later(key, at, () => setStatus(key, running(b.podIP ?? '127.0.0.1')))
        return later(key, at + b.failAfterMs, () => {
          const reason = b.reason ?? 'Error'
          setStatus(key, {
            phase: 'Failed',
            ...(reason === 'DeadlineExceeded' ? { reason } : {}),
            containerStatuses: container({ terminated: { exitCode: reason === 'OOMKilled' ? 137 : 1, reason } }),
          })
        })
      case 'imagePullBackOff':
        return later(key, at, () =>
          setStatus(key, {
            phase: 'Pending',
            containerStatuses: container({
              waiting: { reason: 'ImagePullBackOff', message: 'Back-off pulling image' },
            }),
          }),
        )
      case 'unschedulable':
        return later(key, at, () =>
          setStatus(key, {
            phase: 'Pending',
            conditions: [
              {
                type: 'PodScheduled',
                status: 'False',
                reason: 'Unschedulable',
                message: '0/3 nodes are available: 3 Insufficient cpu.',
              },
            ],
          }),
        )
      case 'crash':
        return later(key, at, () => {
          logs.set(key, b.logs ?? 'Traceback: model missing\n')
          setStatus(key, {
            phase: 'Failed',
            containerStatuses: container({ terminated: { exitCode: b.exitCode ?? 1, reason: 'Error' } }),
          })
        })
      case 'pending':
        return
    }
  }

  const remove = (kind: Kind, key: string) => {
    const obj = store[kind].get(key)
    if (!obj) return undefined
    store[kind].delete(key)
    for (const t of timers.get(key) ?? []) clearTimeout(t)
    timers.delete(key)
    emit(kind, 'DELETED', obj)
    return obj
  }

  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://standin')
    const query = Object.fromEntries(url.searchParams)
    const body = await readBody(req)
    requests.push({ method: req.method ?? '', path: url.pathname, query, ...(body !== undefined ? { body } : {}) })
    const m =
      /^\/api\/v1\/namespaces\/([^/]+)\/(pods)(?:\/([^/]+))?(\/log)?$/.exec(url.pathname) ??
      /^\/apis\/networking\.k8s\.io\/v1\/namespaces\/([^/]+)\/(networkpolicies)(?:\/([^/]+))?()$/.exec(url.pathname)
    if (!m) return status(res, 404, 'NotFound', `no route ${url.pathname}`)
    const [, namespace, kindText, name, isLog] = m as unknown as [string, string, Kind, string | undefined, string]
    const kind = kindText
    const map = store[kind]
    const key = `${namespace}/${name}`
    if (req.method === 'GET' && isLog) {
      if (!map.has(key)) return status(res, 404, 'NotFound', `pods "${name}" not found`)
      const lines = (logs.get(key) ?? '').split('\n').filter(Boolean)
      const tail = query.tailLines ? lines.slice(-Number(query.tailLines)) : lines
      res.writeHead(200, { 'content-type': 'text/plain' })
      return res.end(tail.map((l) => `${l}\n`).join(''))
    }
    if (req.method === 'GET' && name === undefined) {
      const matches = selectorMatches(query)
      const items = [...map.values()].filter((o) => o.metadata.namespace === namespace && matches(o))
      if (query.watch !== 'true') {
        return json(res, 200, {
          kind: kind === 'pods' ? 'PodList' : 'NetworkPolicyList',
          apiVersion: 'v1',
          metadata: { resourceVersion: String(resourceVersion) },
          items,
        })
      }
      res.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' })
      const watcher: Watcher = { kind, namespace, matches, res }
      watchers.add(watcher)
      // The response's close (not the request's, which fires once the body is read) ends a watch.
      res.on('close', () => watchers.delete(watcher))
      for (const obj of items) res.write(`${JSON.stringify({ type: 'ADDED', object: obj })}\n`)
      return
    }
    if (req.method === 'GET') {
      const obj = map.get(key)
      return obj ? json(res, 200, obj) : status(res, 404, 'NotFound', `${kind} "${name}" not found`)
    }
    if (req.method === 'POST' && name === undefined) {
      const obj = body as Obj
      const objKey = `${namespace}/${obj.metadata.name}`
      if (map.has(objKey)) return status(res, 409, 'AlreadyExists', `${kind} "${obj.metadata.name}" already exists`)
      obj.metadata = {
        ...obj.metadata,
        namespace,
        uid: `uid-${++resourceVersion}`,
        resourceVersion: String(resourceVersion),
      }
      if (kind === 'pods') obj.status = { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'True' }] }
      map.set(objKey, obj)
      emit(kind, 'ADDED', obj)
      if (kind === 'pods') script(objKey, obj)
      return json(res, 201, obj)
    }
    if (req.method === 'DELETE' && name !== undefined) {
      const obj = remove(kind, key)
      if (!obj) return status(res, 404, 'NotFound', `${kind} "${name}" not found`)
      return kind === 'pods'
        ? json(res, 200, obj)
        : json(res, 200, { kind: 'Status', apiVersion: 'v1', status: 'Success', metadata: {} })
    }
    status(res, 405, 'MethodNotAllowed', `${req.method} ${url.pathname}`)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`

  const standin: K8sStandin = {
    url,
    requests,
    pods: store.pods,
    networkPolicies: store.networkpolicies,
    behaviour: init.behaviour ?? (() => ({ kind: 'ready' })),
    kubeConfig() {
      const kc = new KubeConfig()
      kc.loadFromOptions({
        clusters: [{ name: 'standin', server: url, skipTLSVerify: true }],
        users: [{ name: 'tester', token: 'standin-token' }],
        contexts: [{ name: 'standin', cluster: 'standin', user: 'tester' }],
        currentContext: 'standin',
      })
      return kc
    },
    seed(kind, obj) {
      const namespace = obj.metadata.namespace ?? 'default'
      store[kind].set(`${namespace}/${obj.metadata.name}`, { ...obj, metadata: { ...obj.metadata, namespace } })
    },
    dropWatches() {
      for (const w of watchers) w.res.end()
      watchers.clear()
    },
    mutations() {
      return requests
        .filter((r) => r.method !== 'GET')
        .map((r) => {
          const parts = r.path.split('/')
          const at = parts.findIndex((p) => p === 'pods' || p === 'networkpolicies')
          return `${r.method} ${parts.slice(at).join('/')}`
        })
    },
    async close() {
      for (const set of timers.values()) for (const t of set) clearTimeout(t)
      timers.clear()
      standin.dropWatches()
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
  return standin
}
