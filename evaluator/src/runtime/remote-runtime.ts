import { lookup } from 'node:dns/promises'
import { BlockList, isIP } from 'node:net'
import { type Logger, silentLogger } from '#protocol'
import { runtimeError } from './errors.js'
import { httpGet, sleep } from './health.js'
import type { PolicyExit, PolicyHandle, PolicySource, ResourceLimits, Runtime } from './types.js'

/** Options of {@link createRemoteRuntime}. */
export interface RemoteRuntimeInit {
  /** Accept loopback addresses (127/8, ::1, localhost): tests and single-machine devnets. @default false */
  allowLoopback?: boolean
  /** Accept private, link-local and other non-public ranges: closed test networks only. @default false */
  allowPrivate?: boolean
  /** Health attempts before giving up. @default 3 */
  attempts?: number
  /** Pause between attempts. @default 2_000 */
  retryDelayMs?: number
  /** Per-attempt /health deadline. @default 5_000 */
  healthTimeoutMs?: number
  /** @default silentLogger */
  logger?: Logger
}

const LOOPBACK = new BlockList()
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4')
LOOPBACK.addAddress('::1', 'ipv6')

/** Everything that is not a public unicast address (RFC 6890 special-purpose ranges). */
const NON_PUBLIC = new BlockList()
for (const [net, bits] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  NON_PUBLIC.addSubnet(net, bits, 'ipv4')
}
for (const [net, bits] of [
  ['::', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
  ['2001:db8::', 32],
  ['64:ff9b::', 96],
] as const) {
  NON_PUBLIC.addSubnet(net, bits, 'ipv6')
}

/** IPv4-mapped IPv6 (::ffff:a.b.c.d) is judged as the IPv4 address it carries. */
function unmap(address: string): string {
  const m = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)
  return m ? (m[1] as string) : address
}

/** Why `address` may not be contacted, or undefined when it may. */
export function addressRejection(address: string, init: Pick<RemoteRuntimeInit, 'allowLoopback' | 'allowPrivate'>) {
  const ip = unmap(address)
  const type = isIP(ip) === 6 ? 'ipv6' : 'ipv4'
  if (LOOPBACK.check(ip, type)) return init.allowLoopback ? undefined : `${address} is a loopback address`
  if (NON_PUBLIC.check(ip, type)) return init.allowPrivate ? undefined : `${address} is not a public address`
  return undefined
}

/**
 * A policy the miner serves itself at the URL in its commitment. Start is a health check; stop does
 * nothing (the validator does not own the server). Non-http(s) URLs and non-public addresses are refused
 * (SSRF: the URL is attacker-chosen). DNS is checked at start only; a name that re-resolves to a private
 * address later (DNS rebinding) is not caught here.
 *
 * Failure attribution: an endpoint that answers but is unhealthy on every attempt is `policy_health_failed`;
 * one that never accepts a connection is `network_remote_unreachable` (re-run, not scored), because from
 * one validator a dead miner and a broken route look the same.
 */
export function createRemoteRuntime(init: RemoteRuntimeInit = {}): Runtime {
  const log = (init.logger ?? silentLogger).child('evaluator:runtime:remote')
  const attempts = Math.max(1, init.attempts ?? 3)
  const handles = new Set<RemotePolicyHandle>()
  let closed = false

  async function checkUrl(raw: string | undefined, label: string): Promise<URL> {
    const reject = (reason: string) =>
      runtimeError({
        code: 'EVAL_RUNTIME_REMOTE_URL_REJECTED',
        failure: 'policy_start_failed',
        runtime: 'remote',
        label,
        reason,
      })
    let url: URL
    try {
      url = new URL(raw ?? '')
    } catch {
      throw reject(`not a URL: ${JSON.stringify(raw)}`)
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw reject(`scheme ${url.protocol} is not http(s)`)
    if (url.username || url.password) throw reject('credentials in the URL')
    const host = url.hostname.replace(/^\[|\]$/g, '')
    const addresses = isIP(host)
      ? [host]
      : await lookup(host, { all: true }).then(
          (r) => r.map((a) => a.address),
          () => [],
        )
    if (addresses.length === 0) {
      throw runtimeError({
        code: 'EVAL_RUNTIME_REMOTE_UNREACHABLE',
        failure: 'network_remote_unreachable',
        runtime: 'remote',
        label,
        reason: `${host} does not resolve`,
      })
    }
    for (const address of addresses) {
      const why = addressRejection(address, init)
      if (why) throw reject(why)
    }
    return url
  }

  async function start(source: PolicySource, _limits: ResourceLimits, signal?: AbortSignal): Promise<PolicyHandle> {
    const meta = { runtime: 'remote', label: source.label }
    if (closed)
      throw runtimeError({
        ...meta,
        code: 'EVAL_RUNTIME_CLOSED',
        failure: 'validator_cancelled',
        reason: 'runtime closed',
      })
    const url = await checkUrl(source.url, source.label)
    const endpoint = { url: url.href.replace(/\/+$/, '') }
    let answered = false
    let last = ''
    for (let i = 0; i < attempts; i++) {
      if (signal?.aborted) break
      try {
        const res = await httpGet({ url: `${endpoint.url}/` }, 'health', init.healthTimeoutMs ?? 5_000, signal)
        answered = true
        if (res.status >= 200 && res.status < 300) {
          const handle = new RemotePolicyHandle(endpoint)
          handles.add(handle)
          return handle
        }
        last = `status ${res.status}`
      } catch (err) {
        last = err instanceof Error ? err.message : String(err)
      }
      log.debug('remote policy not healthy', { label: source.label, attempt: i + 1, last })
      if (i + 1 < attempts) await sleep(init.retryDelayMs ?? 2_000, signal)
    }
    if (signal?.aborted)
      throw runtimeError({ ...meta, code: 'EVAL_RUNTIME_ABORTED', failure: 'validator_cancelled', reason: 'aborted' })
    if (answered)
      throw runtimeError({
        ...meta,
        code: 'EVAL_RUNTIME_POLICY_UNHEALTHY',
        failure: 'policy_health_failed',
        reason: `after ${attempts} attempts: ${last}`,
      })
    throw runtimeError({
      ...meta,
      code: 'EVAL_RUNTIME_REMOTE_UNREACHABLE',
      failure: 'network_remote_unreachable',
      reason: `after ${attempts} attempts: ${last}`,
    })
  }

  return {
    name: 'remote',
    start,
    async close() {
      closed = true
      await Promise.all([...handles].map((h) => h.stop()))
      handles.clear()
    },
  }
}

/** A miner-served policy: nothing to stop or read; `exited` settles only when the handle is stopped. */
class RemotePolicyHandle implements PolicyHandle {
  readonly endpoint: { url: string }
  readonly isolation = 'remote'
  readonly exited: Promise<PolicyExit>
  #settle!: (exit: PolicyExit) => void

  constructor(endpoint: { url: string }) {
    this.endpoint = endpoint
    this.exited = new Promise((resolve) => {
      this.#settle = resolve
    })
  }

  logs(): Promise<string> {
    return Promise.resolve('')
  }

  stop(): Promise<void> {
    this.#settle({ code: null, signal: null })
    return Promise.resolve()
  }
}
