import http from 'node:http'
import { performance } from 'node:perf_hooks'
import type { FailureCode } from '#protocol'
import { PolicyCallError, PolicyError, type PolicyOp, safeText } from './errors.js'
import type { PolicyEndpoint } from './types.js'

/** One HTTP exchange with a policy server, fully read (or refused) within its limits. */
export interface PolicyHttpResponse {
  status: number
  contentType: string
  body: Buffer
  /** Request start to last body byte. */
  latencyMs: number
}

export interface PolicyHttpRequest {
  op: PolicyOp
  method: 'GET' | 'POST'
  /** Path under the endpoint's URL prefix, e.g. `/act`. */
  path: string
  body?: string
  /** Deadline from request start, covering connect, the answer and a possible stale-socket retry. */
  timeoutMs: number
  maxBytes: number
  signal?: AbortSignal
}

export interface PolicyTransport {
  request(req: PolicyHttpRequest): Promise<PolicyHttpResponse>
  close(): void
}

interface Target {
  hostname: string
  port: number
  hostHeader: string
  prefix: string
  socketPath?: string
}

function parseEndpoint(endpoint: PolicyEndpoint): Target {
  let url: URL
  try {
    url = new URL(endpoint.url)
  } catch {
    throw new PolicyError({ code: 'EVAL_POLICY_BAD_ENDPOINT', url: endpoint.url, reason: 'not a URL' })
  }
  if (url.protocol !== 'http:') {
    throw new PolicyError({ code: 'EVAL_POLICY_BAD_ENDPOINT', url: endpoint.url, reason: 'only http:// is spoken' })
  }
  const target: Target = {
    hostname: url.hostname.replace(/^\[|\]$/g, ''),
    port: url.port === '' ? 80 : Number(url.port),
    hostHeader: url.host,
    prefix: url.pathname.replace(/\/+$/, ''),
  }
  if (endpoint.socketPath !== undefined) target.socketPath = endpoint.socketPath
  return target
}

/** Socket errors → failure codes. `afterReset` marks a retry whose first attempt was reset by the server. */
function socketFailure(code: string | undefined, afterReset: boolean): FailureCode {
  switch (code) {
    case 'ECONNREFUSED':
    case 'ENOENT': // a Unix socket path nobody listens on
      // The server answered on this socket a moment ago, so it went away mid-episode.
      return afterReset ? 'policy_crashed' : 'policy_connection_refused'
    case 'ENOTFOUND':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'EADDRNOTAVAIL':
      return 'policy_connection_refused'
    case 'ETIMEDOUT':
      return 'policy_timeout'
    default:
      // Malformed HTTP from the server (llhttp's HPE_* codes) is a bad answer, not a crash.
      if (code?.startsWith('HPE_')) return 'policy_bad_response'
      return 'policy_crashed'
  }
}

/**
 * A keep-alive HTTP/1.1 transport to one policy server (TCP or Unix socket). Enforces the deadline, the
 * response byte cap and caller cancellation; every failure rejects with a {@link PolicyCallError}.
 */
export function createPolicyTransport(endpoint: PolicyEndpoint): PolicyTransport {
  const target = parseEndpoint(endpoint)
  // One socket per policy: calls are sequential by contract, and one connection keeps the policy's view simple.
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1, maxFreeSockets: 1 })

  function request(spec: PolicyHttpRequest): Promise<PolicyHttpResponse> {
    return new Promise((resolve, reject) => {
      const t0 = performance.now()
      const elapsed = () => performance.now() - t0
      let settled = false
      let current: http.ClientRequest | undefined
      const headers: http.OutgoingHttpHeaders = { host: target.hostHeader, accept: 'application/json' }
      if (spec.body !== undefined) {
        headers['content-type'] = 'application/json'
        headers['content-length'] = Buffer.byteLength(spec.body)
      }

      const finish = (err: PolicyCallError | undefined, res?: PolicyHttpResponse) => {
        if (settled) return
        settled = true
        clearTimeout(timer)
        spec.signal?.removeEventListener('abort', onAbort)
        if (err) reject(err)
        else resolve(res as PolicyHttpResponse)
      }
      const fail = (failure: FailureCode, detail: string, cause?: unknown) => {
        if (settled) return
        // Destroying the request closes its socket, so the agent never reuses a connection in an unknown state.
        current?.destroy()
        finish(new PolicyCallError(failure, spec.op, detail, elapsed(), { cause }))
      }
      const onAbort = () => fail('validator_cancelled', 'aborted by the validator')
      const timer = setTimeout(
        () => fail('policy_timeout', `no complete answer within ${spec.timeoutMs} ms`),
        spec.timeoutMs,
      )
      if (spec.signal?.aborted) return onAbort()
      spec.signal?.addEventListener('abort', onAbort, { once: true })

      const send = (isRetry: boolean) => {
        const req = http.request({
          agent,
          method: spec.method,
          path: target.prefix + spec.path,
          headers,
          ...(target.socketPath !== undefined
            ? { socketPath: target.socketPath }
            : { hostname: target.hostname, port: target.port }),
        })
        current = req
        let answered = false
        req.on('response', (res) => {
          answered = true
          const declared = Number(res.headers['content-length'] ?? Number.NaN)
          if (declared > spec.maxBytes) {
            return fail('policy_oversized_response', `content-length ${declared} exceeds ${spec.maxBytes} bytes`)
          }
          const chunks: Buffer[] = []
          let size = 0
          res.on('data', (chunk: Buffer) => {
            size += chunk.length
            if (size > spec.maxBytes) fail('policy_oversized_response', `body exceeds ${spec.maxBytes} bytes`)
            else chunks.push(chunk)
          })
          res.on('end', () =>
            finish(undefined, {
              status: res.statusCode ?? 0,
              contentType: String(res.headers['content-type'] ?? ''),
              body: Buffer.concat(chunks, size),
              latencyMs: elapsed(),
            }),
          )
          res.on('error', () => {})
          res.on('close', () => {
            if (!res.complete) fail('policy_crashed', 'connection closed mid-answer')
          })
        })
        req.on('error', (err: NodeJS.ErrnoException) => {
          if (settled) return
          // A pooled socket the server already closed fails at once; one fresh connection tells a stale
          // socket apart from a policy that is gone.
          const stale = !answered && !isRetry && req.reusedSocket
          if (stale && (err.code === 'ECONNRESET' || err.code === 'EPIPE')) return send(true)
          fail(socketFailure(err.code, isRetry), `${err.code ?? 'error'}: ${safeText(err.message, 100)}`, err)
        })
        req.end(spec.body)
      }
      send(false)
    })
  }

  return { request, close: () => agent.destroy() }
}
