// Kinitro policy server for {{name}}: the reference policy contract on node:http, no dependencies.
//
//   GET  /health → { status: 'healthy', model_loaded: true, uptime_seconds: 1.5 }
//   POST /reset  { task_config: { env_id, env_name, task_name } } → { status: 'ok', episode_id: null }
//   POST /act    { obs: {…} } → { action: { continuous: {…}, discrete: {}, extra: {} } }
//
// Failures answer HTTP 500 { detail }, as the reference server does. Your code lives in policy.ts; this file
// should not need changes. Run it: npm run build && node dist/server.js --port 8000
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import { parseArgs } from 'node:util'
import { RobotPolicy } from './policy.js'
import { type Action, decodeObservation, type TaskConfig, type WireObservation } from './wire.js'

/** Two 84×84 cameras with depth are ~130 KiB of JSON per /act; the cap only stops a runaway client. */
const MAX_BODY_BYTES = 32 * 1024 * 1024

class HttpError extends Error {
  readonly status: number
  constructor(status: number, message: string) {
    super(message)
    this.status = status
  }
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body)
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) })
  res.end(text)
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length
    if (size > MAX_BODY_BYTES) throw new HttpError(413, `request body over ${MAX_BODY_BYTES} bytes`)
    chunks.push(chunk)
  }
  let body: unknown
  try {
    body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}')
  } catch (err) {
    throw new HttpError(422, `the request body is not JSON: ${(err as Error).message}`)
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new HttpError(422, 'the request body must be a JSON object')
  return body as Record<string, unknown>
}

/** The policy's answer as the wire wants it; a NaN or Infinity would not survive JSON, so it is an error here. */
function checkAction(action: Action): Action {
  for (const [key, values] of Object.entries(action.continuous)) {
    if (!values.every(Number.isFinite)) throw new Error(`action ${key} has a non-finite number`)
  }
  return { continuous: action.continuous, discrete: action.discrete ?? {}, extra: action.extra ?? {} }
}

const { values: args } = parseArgs({
  options: { port: { type: 'string', default: process.env.PORT ?? '8000' }, host: { type: 'string' } },
})
// 0.0.0.0 because a Kubernetes evaluator reaches the policy at the pod's address; the local runtimes connect
// to 127.0.0.1 (or to a sandbox with no network at all).
const host = args.host ?? '0.0.0.0'
const started = Date.now()
// The model loads before the port opens: until then the evaluator's health check keeps retrying.
const policy = new RobotPolicy()

async function route(req: IncomingMessage): Promise<[number, unknown]> {
  const path = (req.url ?? '/').split('?')[0]
  if (req.method === 'GET' && path === '/health') {
    return [200, { status: 'healthy', model_loaded: policy.isLoaded(), uptime_seconds: (Date.now() - started) / 1000 }]
  }
  if (req.method === 'POST' && path === '/reset') {
    const body = await readJson(req)
    const episodeId = policy.reset((body.task_config ?? {}) as TaskConfig)
    return [200, { status: 'ok', episode_id: episodeId }]
  }
  if (req.method === 'POST' && path === '/act') {
    const body = await readJson(req)
    const obs = decodeObservation((body.obs ?? {}) as WireObservation)
    return [200, { action: checkAction(policy.act(obs)) }]
  }
  return [404, { detail: 'Not Found' }]
}

const server = createServer((req, res) => {
  route(req).then(
    ([status, body]) => send(res, status, body),
    (err: unknown) => {
      const status = err instanceof HttpError ? err.status : 500
      const detail = err instanceof Error ? `${err.name}: ${err.message}` : String(err)
      console.error(`${req.method} ${req.url} failed: ${detail}`)
      send(res, status, { detail })
    },
  )
})
server.keepAliveTimeout = 60_000 // the evaluator reuses one connection for a whole episode
server.listen(Number(args.port), host, () => {
  const address = server.address()
  const port = typeof address === 'object' && address !== null ? address.port : args.port
  console.log(`policy server listening on ${host}:${port}`)
})
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    policy.cleanup()
    server.close(() => process.exit(0))
    server.closeAllConnections()
  })
}
