import { type ChildProcess, spawn } from 'node:child_process'
import http from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import net from 'node:net'
import type { PolicyEndpoint } from '../../src/policy/types.js'

// Real HTTP policy servers that misbehave in one way each, for the policy client, runtime and episode
// runner tests. Every server answers /health and /reset properly, so the fault shows up at /act (unless
// the mode says otherwise), tracks its open connections so tests can prove the client closed them, and
// counts the requests it saw.

export interface TestPolicy {
  endpoint: PolicyEndpoint
  /** Connections the server currently holds open. */
  openConnections(): number
  /** Connections accepted since start. */
  totalConnections(): number
  /** Requests received, by path. */
  readonly requests: Record<string, number>
  close(): Promise<void>
}

type ActHandler = (req: http.IncomingMessage, res: http.ServerResponse, body: Buffer) => void

/** The answer a well-behaved manipulation policy gives: zero twist, open gripper. */
export const ZERO_ACTION = { continuous: { ee_twist: [0, 0, 0, 0, 0, 0], gripper: [0] }, discrete: {}, extra: {} }

function json(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body)
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) })
  res.end(text)
}

/** Starts a policy on 127.0.0.1 whose `/act` is `onAct`; `/health` and `/reset` behave unless overridden. */
export async function scriptedPolicy(onAct: ActHandler, overrides: { health?: ActHandler; reset?: ActHandler } = {}) {
  const open = new Set<Socket>()
  let accepted = 0
  const requests: Record<string, number> = {}
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const path = req.url ?? '/'
      requests[path] = (requests[path] ?? 0) + 1
      const body = Buffer.concat(chunks)
      if (path === '/health') {
        if (overrides.health) overrides.health(req, res, body)
        else json(res, 200, { status: 'healthy', model_loaded: true, uptime_seconds: 1 })
      } else if (path === '/reset') {
        if (overrides.reset) overrides.reset(req, res, body)
        else json(res, 200, { status: 'ok', episode_id: null })
      } else if (path === '/act') onAct(req, res, body)
      else json(res, 404, { detail: 'not found' })
    })
  })
  server.keepAliveTimeout = 60_000
  server.on('connection', (s) => {
    accepted++
    open.add(s)
    s.on('close', () => open.delete(s))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  const policy: TestPolicy = {
    endpoint: { url: `http://127.0.0.1:${port}` },
    openConnections: () => open.size,
    totalConnections: () => accepted,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
  return policy
}

/** Answers every `/act` with a zero action. */
export function goodPolicy(): Promise<TestPolicy> {
  return scriptedPolicy((_req, res) => json(res, 200, { action: ZERO_ACTION }))
}

/** Never answers `/act` (keeps the connection open). */
export function hangingPolicy(): Promise<TestPolicy> {
  return scriptedPolicy(() => {})
}

/** Answers `/act` correctly, but only after `delayMs`. */
export function slowPolicy(delayMs: number): Promise<TestPolicy> {
  return scriptedPolicy((_req, res) => {
    const timer = setTimeout(() => {
      if (!res.destroyed) json(res, 200, { action: ZERO_ACTION })
    }, delayMs)
    res.on('close', () => clearTimeout(timer))
  })
}

/** Answers `/act` with exactly these bytes and content type (status 200 unless given). */
export function rawPolicy(body: string | Buffer, contentType = 'application/json', status = 200): Promise<TestPolicy> {
  return scriptedPolicy((_req, res) => {
    res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(body) })
    res.end(body)
  })
}

/** Garbage answers. */
export const GARBAGE = {
  notJson: () => rawPolicy('this is not json {'),
  textPlain: () => rawPolicy(JSON.stringify({ action: ZERO_ACTION }), 'text/plain'),
  html: () => rawPolicy('<html><body><h1>502 Bad Gateway</h1></body></html>', 'text/html'),
  empty: () => rawPolicy(''),
  jsonArray: () => rawPolicy('[1,2,3]'),
  noAction: () => rawPolicy('{"result":"ok"}'),
} as const

const twist = '[0,0,0,0,0,0]'

/** Well-formed JSON whose action is wrong in one way (except `nanLiteral`, which is not JSON at all). */
export const WRONG_SHAPES = {
  missingGripper: () => rawPolicy(`{"action":{"continuous":{"ee_twist":${twist}}}}`),
  extraKey: () => rawPolicy(`{"action":{"continuous":{"ee_twist":${twist},"gripper":[0],"joint_vel":[0]}}}`),
  shortTwist: () => rawPolicy('{"action":{"continuous":{"ee_twist":[0,0,0],"gripper":[0]}}}'),
  stringValue: () => rawPolicy(`{"action":{"continuous":{"ee_twist":${twist},"gripper":["0.5"]}}}`),
  nestedValue: () => rawPolicy(`{"action":{"continuous":{"ee_twist":[[0],0,0,0,0,0],"gripper":[0]}}}`),
  nullValue: () => rawPolicy(`{"action":{"continuous":{"ee_twist":[null,0,0,0,0,0],"gripper":[0]}}}`),
  /** Python's json.dumps writes NaN; that is not JSON, so the answer is a bad response. */
  nanLiteral: () => rawPolicy('{"action":{"continuous":{"ee_twist":[NaN,0,0,0,0,0],"gripper":[0]}}}'),
  /** Valid JSON that parses to Infinity. */
  infinity: () => rawPolicy(`{"action":{"continuous":{"ee_twist":[1e999,0,0,0,0,0],"gripper":[0]}}}`),
  flatWrongLength: () => rawPolicy('{"action":[0,0,0,0,0,0]}'),
  unknownField: () => rawPolicy(`{"action":{"continuous":{"ee_twist":${twist},"gripper":[0]},"torque":1}}`),
} as const

/** Answers `/act` with `status` and a FastAPI-like `{detail}`. */
export function httpErrorPolicy(status: number): Promise<TestPolicy> {
  return scriptedPolicy((_req, res) => json(res, status, { detail: 'policy raised: ValueError' }))
}

/** Answers `/act` with a `bytes`-long body; declared up front, or streamed chunked when `chunked`. */
export function oversizedPolicy(bytes = 10 * 1024 * 1024, chunked = false): Promise<TestPolicy> {
  const payload = Buffer.alloc(bytes, 0x20)
  return scriptedPolicy((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json', ...(chunked ? {} : { 'content-length': bytes }) })
    res.on('error', () => {})
    res.end(payload)
  })
}

/** Streams a chunked `/act` answer that never ends, until the client hangs up (bounded at 1 GiB). */
export function endlessPolicy(): Promise<TestPolicy> {
  const chunk = Buffer.from('0,'.repeat(8192))
  return scriptedPolicy((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' })
    res.write('{"action":{"continuous":{"ee_twist":[')
    let sent = 0
    const pump = () => {
      while (!res.destroyed && sent < 2 ** 30) {
        sent += chunk.length
        if (!res.write(chunk)) return void res.once('drain', pump)
      }
    }
    res.on('error', () => {})
    pump()
  })
}

/** Destroys the connection once `/act` arrives, without answering (an in-process stand-in for a crash). */
export function resettingPolicy(): Promise<TestPolicy> {
  return scriptedPolicy((req) => req.socket.destroy())
}

/** Starts a valid answer, then drops the connection halfway through the body. */
export function truncatingPolicy(): Promise<TestPolicy> {
  return scriptedPolicy((req, res) => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': 1000 })
    res.write('{"action":{"continuous":', () => req.socket.destroy())
  })
}

/** An endpoint where nothing listens: a port that was bound and then released. */
export async function refusedEndpoint(): Promise<PolicyEndpoint> {
  const server = net.createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return { url: `http://127.0.0.1:${port}` }
}

export interface ChildPolicy {
  endpoint: PolicyEndpoint
  child: ChildProcess
  /** Settles with the exit code once the process is gone. */
  exited: Promise<number | null>
  close(): Promise<void>
}

// A separate process, so the crash is real: the kernel closes its sockets, not Node's http module.
const CRASHER = `
const http = require('node:http')
const after = Number(process.argv[1])
let acts = 0
const send = (res, body) => { const t = JSON.stringify(body); res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(t) }); res.end(t) }
const server = http.createServer((req, res) => {
  req.resume()
  req.on('end', () => {
    if (req.url === '/act') {
      if (acts++ >= after) process.exit(3)
      return send(res, { action: { continuous: { ee_twist: [0,0,0,0,0,0], gripper: [0] } } })
    }
    send(res, req.url === '/health' ? { status: 'healthy' } : { status: 'ok', episode_id: null })
  })
})
server.listen(0, '127.0.0.1', () => process.stdout.write(String(server.address().port) + '\\n'))
`

/** A child-process policy that exits (code 3) on receiving `/act` number `afterActs + 1`. */
export async function crashingPolicy(afterActs = 0): Promise<ChildPolicy> {
  const child = spawn(process.execPath, ['-e', CRASHER, String(afterActs)], { stdio: ['ignore', 'pipe', 'inherit'] })
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  const port = await new Promise<number>((resolve, reject) => {
    let out = ''
    child.stdout?.on('data', (c: Buffer) => {
      out += c.toString()
      if (out.includes('\n')) resolve(Number(out.trim()))
    })
    child.once('exit', () => reject(new Error('crashing policy exited before listening')))
  })
  return {
    endpoint: { url: `http://127.0.0.1:${port}` },
    child,
    exited,
    async close() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
      await exited
    },
  }
}

/** One request as a recording policy saw it: request line, raw headers and body. */
export interface RecordedRequest {
  head: string
  body: Buffer
}

/** A good policy that keeps every request it receives, for leak scans. */
export async function recordingPolicy(): Promise<TestPolicy & { recorded: RecordedRequest[] }> {
  const recorded: RecordedRequest[] = []
  const record = (req: http.IncomingMessage, body: Buffer) => {
    const lines = [`${req.method} ${req.url} HTTP/${req.httpVersion}`]
    for (let i = 0; i < req.rawHeaders.length; i += 2) lines.push(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`)
    recorded.push({ head: lines.join('\r\n'), body })
  }
  const policy = await scriptedPolicy(
    (req, res, body) => {
      record(req, body)
      json(res, 200, { action: ZERO_ACTION })
    },
    {
      health: (req, res, body) => {
        record(req, body)
        json(res, 200, { status: 'healthy' })
      },
      reset: (req, res, body) => {
        record(req, body)
        json(res, 200, { status: 'ok', episode_id: null })
      },
    },
  )
  return Object.assign(policy, { recorded })
}
