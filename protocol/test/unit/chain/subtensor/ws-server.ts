import { createHash } from 'node:crypto'
import { createServer, type Server } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'

// RFC 6455 §1.3: the server proves it read the handshake by hashing the key with this GUID.
const WS_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11'
const OP_TEXT = 0x1
const OP_CLOSE = 0x8
const OP_PING = 0x9
const OP_PONG = 0xa

/** One client connection of {@link TinyWsServer}. */
export interface WsConnection {
  send(text: string): void
}

/**
 * A minimal WebSocket server (text frames only, no extensions) on 127.0.0.1, so tests can stand in for a
 * JSON-RPC node without a WebSocket dependency. `kill()` drops every socket without a close frame, like a
 * node that crashed; `listen()` again on the same port brings it back.
 */
export class TinyWsServer {
  #server: Server | undefined
  readonly #sockets = new Set<Socket>()
  readonly #onMessage: (conn: WsConnection, text: string) => void
  port = 0

  constructor(onMessage: (conn: WsConnection, text: string) => void) {
    this.#onMessage = onMessage
  }

  async listen(port = this.port): Promise<number> {
    const server = createServer((_req, res) => res.writeHead(426).end())
    server.on('upgrade', (req, socket: Socket) => this.#upgrade(req.headers['sec-websocket-key'], socket))
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve))
    this.#server = server
    this.port = (server.address() as AddressInfo).port
    return this.port
  }

  /**
   * Stop after the clients have hung up (their close handshake finishes), so a client that disconnected
   * on purpose does not see an abnormal closure; sockets still open after `graceMs` are dropped.
   */
  async stop(graceMs = 2_000): Promise<void> {
    const open = [...this.#sockets].map((s) => new Promise<void>((resolve) => s.once('close', () => resolve())))
    await Promise.race([Promise.all(open), new Promise((resolve) => setTimeout(resolve, graceMs).unref())])
    await this.kill()
  }

  /** Drop every connection abruptly and stop listening. */
  async kill(): Promise<void> {
    for (const s of this.#sockets) s.destroy()
    this.#sockets.clear()
    const server = this.#server
    this.#server = undefined
    if (server !== undefined) await new Promise<void>((resolve) => server.close(() => resolve()))
  }

  #upgrade(key: string | undefined, socket: Socket): void {
    if (key === undefined) {
      socket.destroy()
      return
    }
    const accept = createHash('sha1').update(`${key}${WS_GUID}`).digest('base64')
    socket.write(
      `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`,
    )
    this.#sockets.add(socket)
    socket.on('close', () => this.#sockets.delete(socket))
    socket.on('error', () => socket.destroy())
    const conn: WsConnection = { send: (text) => writeFrame(socket, OP_TEXT, Buffer.from(text)) }
    let buf = Buffer.alloc(0)
    socket.on('data', (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk])
      for (;;) {
        const frame = readFrame(buf)
        if (frame === undefined) return
        buf = buf.subarray(frame.size)
        if (frame.op === OP_TEXT) this.#onMessage(conn, frame.payload.toString())
        else if (frame.op === OP_PING) writeFrame(socket, OP_PONG, frame.payload)
        else if (frame.op === OP_CLOSE) {
          writeFrame(socket, OP_CLOSE, frame.payload)
          socket.end()
        }
      }
    })
  }
}

function readFrame(buf: Buffer): { op: number; payload: Buffer; size: number } | undefined {
  if (buf.length < 2) return undefined
  const op = buf[0]! & 0x0f
  const masked = (buf[1]! & 0x80) !== 0
  let len = buf[1]! & 0x7f
  let offset = 2
  if (len === 126) {
    if (buf.length < 4) return undefined
    len = buf.readUInt16BE(2)
    offset = 4
  } else if (len === 127) {
    if (buf.length < 10) return undefined
    len = Number(buf.readBigUInt64BE(2))
    offset = 10
  }
  const maskLen = masked ? 4 : 0
  if (buf.length < offset + maskLen + len) return undefined
  const payload = Buffer.from(buf.subarray(offset + maskLen, offset + maskLen + len))
  if (masked) {
    const mask = buf.subarray(offset, offset + 4)
    for (let i = 0; i < payload.length; i++) payload[i] = payload[i]! ^ mask[i % 4]!
  }
  return { op, payload, size: offset + maskLen + len }
}

function writeFrame(socket: Socket, op: number, payload: Buffer): void {
  if (socket.destroyed) return
  let header: Buffer
  if (payload.length < 126) {
    header = Buffer.from([0x80 | op, payload.length])
  } else if (payload.length < 65_536) {
    header = Buffer.alloc(4)
    header[0] = 0x80 | op
    header[1] = 126
    header.writeUInt16BE(payload.length, 2)
  } else {
    header = Buffer.alloc(10)
    header[0] = 0x80 | op
    header[1] = 127
    header.writeBigUInt64BE(BigInt(payload.length), 2)
  }
  socket.write(Buffer.concat([header, payload]))
}
