// Runs inside the bubblewrap sandbox (zero dependencies): the sandbox has only `lo`, so the evaluator
// reaches the policy through a Unix socket in a bind-mounted host directory, and this pipes each
// connection to the policy's TCP port inside the namespace.
import { connect, createServer } from 'node:net'

const [socketPath, portText] = process.argv.slice(2)
const port = Number(portText)
if (!socketPath || !Number.isInteger(port)) {
  process.stderr.write('usage: forwarder.mjs <socketPath> <port>\n')
  process.exit(2)
}

const server = createServer((client) => {
  const upstream = connect({ host: '127.0.0.1', port })
  client.pipe(upstream)
  upstream.pipe(client)
  // Either side failing ends both: the evaluator sees a reset, which its client maps to a failure code.
  const end = () => {
    client.destroy()
    upstream.destroy()
  }
  client.on('error', end)
  upstream.on('error', end)
  client.on('close', end)
  upstream.on('close', end)
})
server.on('error', (err) => {
  process.stderr.write(`forwarder: ${err.message}\n`)
  process.exit(1)
})
server.listen(socketPath)
