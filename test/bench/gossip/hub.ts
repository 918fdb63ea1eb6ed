import { cpuUsage } from 'node:process'
import { NODES } from './constants.js'
import { serveRpc } from './serve.js'
import { loadWs, type WsServer, type WsSocket } from './ws.js'

// The reference system's shape: one central WebSocket hub. Each node sends its results to the hub; the
// hub relays every frame to every other connected node. It trusts its clients and checks nothing (the
// receivers validate), so this is the cheapest honest hub: one `send` per recipient, no re-framing tricks.

const clients = new Map<number, WsSocket>()
let server: WsServer | undefined
let relayed = 0
let cpuAtBegin = cpuUsage()

// Results are ~1.3 KiB envelopes; anything near this bound would be a bug in the bench.
const MAX_FRAME_BYTES = 1 << 20

serveRpc({
  /** Listen on a free loopback port; returns the ws:// URL. */
  start: async (): Promise<string> => {
    const { WebSocketServer } = await loadWs()
    const wss = new WebSocketServer({
      host: '127.0.0.1',
      port: 0,
      perMessageDeflate: false,
      maxPayload: MAX_FRAME_BYTES,
    })
    await new Promise<void>((resolve, reject) => {
      wss.on('listening', resolve)
      wss.on('error', reject)
    })
    wss.on('connection', (socket, req) => {
      const node = Number(new URL(req.url ?? '/', 'http://hub').searchParams.get('node'))
      if (!Number.isInteger(node) || node < 0 || node >= NODES) {
        socket.close()
        return
      }
      clients.set(node, socket)
      socket.on('close', () => {
        if (clients.get(node) === socket) clients.delete(node)
      })
      socket.on('message', (data) => {
        relayed++
        for (const [other, s] of clients) if (other !== node) s.send(data, { binary: true })
      })
    })
    server = wss
    const addr = wss.address()
    if (addr === null || typeof addr === 'string') throw new Error('hub: no TCP address')
    return `ws://127.0.0.1:${addr.port}`
  },
  clients: (): number => clients.size,
  'cpu-begin': (): void => {
    relayed = 0
    cpuAtBegin = cpuUsage()
  },
  /** CPU since cpu-begin (µs) and frames relayed. */
  'cpu-end': (): { cpuUs: number; relayed: number } => {
    const cpu = cpuUsage(cpuAtBegin)
    return { cpuUs: cpu.user + cpu.system, relayed }
  },
  stop: async (): Promise<void> => {
    for (const s of clients.values()) s.terminate()
    clients.clear()
    await new Promise<void>((resolve) => (server === undefined ? resolve() : server.close(() => resolve())))
    server = undefined
  },
})
