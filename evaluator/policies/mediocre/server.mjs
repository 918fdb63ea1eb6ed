// Zero-dependency policy server speaking the reference contract: GET /health, POST /reset, POST /act.
// Every policy folder carries its own copy of this file (expert/ and random/ have the same lines) because each
// folder is packaged and sandboxed alone and may import nothing outside itself.
import { createServer } from 'node:http'
import { parseArgs } from 'node:util'
import { createPolicy } from './policy.mjs'

const { values } = parseArgs({ options: { port: { type: 'string' }, host: { type: 'string' } } })
const port = Number(values.port ?? process.env.PORT ?? 8000)
const host = values.host ?? '127.0.0.1'
const started = Date.now()
const policy = createPolicy()

function send(res, status, body) {
  const text = JSON.stringify(body)
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) })
  res.end(text)
}

async function readJson(req) {
  const chunks = []
  for await (const c of req) chunks.push(c)
  return JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}')
}

const server = createServer(async (req, res) => {
  try {
    if (req.method === 'GET' && req.url === '/health') {
      return send(res, 200, { status: 'healthy', model_loaded: true, uptime_seconds: (Date.now() - started) / 1000 })
    }
    if (req.method === 'POST' && req.url === '/reset') {
      const body = await readJson(req)
      policy.reset(body.task_config ?? {})
      return send(res, 200, { status: 'ok', episode_id: null })
    }
    if (req.method === 'POST' && req.url === '/act') {
      const body = await readJson(req)
      if (body.obs === null || typeof body.obs !== 'object') return send(res, 500, { detail: 'missing obs' })
      return send(res, 200, { action: policy.act(body.obs) })
    }
    send(res, 404, { detail: `no route ${req.method} ${req.url}` })
  } catch (err) {
    send(res, 500, { detail: String(err?.message ?? err) })
  }
})
server.keepAliveTimeout = 60_000
server.listen(port, host, () => {
  // The runtime may pass --port 0; printing the bound port lets it (and tests) find the server.
  console.log(`listening on http://${host}:${server.address().port}`)
})
for (const sig of ['SIGTERM', 'SIGINT']) process.on(sig, () => server.close(() => process.exit(0)))
