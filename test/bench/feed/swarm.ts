import { randomBytes } from 'node:crypto'
import { connect, type Socket } from 'node:net'
import { cpuUsage, hrtime } from 'node:process'
import { serveRpc } from '../gossip/serve.js'
import { LatencyHistogram } from './histogram.js'

// The client swarm of the feed bench: N raw-TCP WebSocket clients in one process, kept cheaper than `ws`
// clients would be (perf.md §2 method): a header-only frame walker counts every frame, and every
// SAMPLE_EVERY-th connection also reads the event's scheduled send time `"t":<µs>` for latency. Time is
// CLOCK_MONOTONIC in µs (`process.hrtime`), the same clock as the server process on this machine.

const SAMPLE_EVERY = 10
/** Connections opened concurrently; the server's listen backlog (511) must not overflow. */
const CONNECT_BATCH = 100
const T_MARKER = Buffer.from('"t":')
/** The marker sits in the first ~100 bytes of an event payload (`{"type":"event",…,"data":{"t":`). */
const T_SEARCH_BYTES = 160

const nowUs = (): number => Number(hrtime.bigint() / 1000n)

/** When the last text frame of any connection arrived (µs), for the step's delivery rate. */
let lastFrameUs = 0

/** One connection's frame walker. */
class Conn {
  frames = 0
  closed = false
  #skip = 0
  #pending: Buffer | undefined
  readonly socket: Socket
  readonly #sampled: boolean
  readonly #hist: () => LatencyHistogram

  constructor(socket: Socket, sampled: boolean, hist: () => LatencyHistogram) {
    this.socket = socket
    this.#sampled = sampled
    this.#hist = hist
  }

  onData(input: Buffer): void {
    let chunk = input
    if (this.#pending !== undefined) {
      chunk = Buffer.concat([this.#pending, chunk])
      this.#pending = undefined
    }
    const t = nowUs()
    const before = this.frames
    let off = 0
    while (off < chunk.length) {
      if (this.#skip > 0) {
        const n = Math.min(this.#skip, chunk.length - off)
        this.#skip -= n
        off += n
        continue
      }
      const avail = chunk.length - off
      const b1 = avail >= 2 ? (chunk[off + 1] as number) & 0x7f : 0
      const hdr = b1 === 126 ? 4 : b1 === 127 ? 10 : 2
      if (avail < hdr) {
        this.#pending = Buffer.from(chunk.subarray(off))
        break
      }
      const len = b1 === 126 ? chunk.readUInt16BE(off + 2) : b1 === 127 ? Number(chunk.readBigUInt64BE(off + 2)) : b1
      const opcode = (chunk[off] as number) & 0x0f
      off += hdr
      if (opcode === 0x8) this.closed = true
      else if (opcode === 0x1) {
        this.frames++
        if (this.#sampled) this.#sample(chunk, off, Math.min(len, chunk.length - off), t)
      }
      this.#skip = len
    }
    if (this.frames !== before) lastFrameUs = t
  }

  #sample(chunk: Buffer, off: number, avail: number, recvUs: number): void {
    const at = chunk.indexOf(T_MARKER, off)
    if (at < 0 || at > off + Math.min(avail, T_SEARCH_BYTES)) return
    let v = 0
    for (let i = at + T_MARKER.length; i < off + avail; i++) {
      const d = (chunk[i] as number) - 48
      if (d < 0 || d > 9) break
      v = v * 10 + d
    }
    if (v > 0) this.#hist().record(recvUs - v)
  }
}

function maskedText(payload: string): Buffer {
  const body = Buffer.from(payload)
  if (body.length > 125) throw new RangeError('swarm requests are short')
  const mask = randomBytes(4)
  const out = Buffer.alloc(6 + body.length)
  out[0] = 0x81
  out[1] = 0x80 | body.length
  mask.copy(out, 2)
  for (let i = 0; i < body.length; i++) out[6 + i] = (body[i] as number) ^ (mask[i & 3] as number)
  return out
}

/** Open one WebSocket over raw TCP, subscribe, and hand the socket to the frame walker. */
function open(url: URL, sampled: boolean, hist: () => LatencyHistogram, channel: string): Promise<Conn> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: url.hostname, port: Number(url.port) })
    socket.setNoDelay(true)
    const conn = new Conn(socket, sampled, hist)
    let head = Buffer.alloc(0)
    const onHead = (d: Buffer): void => {
      head = Buffer.concat([head, d])
      const end = head.indexOf('\r\n\r\n')
      if (end < 0) return
      socket.off('data', onHead)
      if (!head.subarray(0, 12).toString().includes('101')) {
        reject(new Error(`upgrade refused: ${head.subarray(0, 40).toString()}`))
        return
      }
      socket.on('data', (c: Buffer) => conn.onData(c))
      socket.on('close', () => {
        conn.closed = true
      })
      if (head.length > end + 4) conn.onData(head.subarray(end + 4))
      socket.write(maskedText(JSON.stringify({ op: 'subscribe', channel })))
      resolve(conn)
    }
    socket.on('data', onHead)
    socket.once('error', reject)
    socket.once('connect', () => {
      socket.write(
        `GET ${url.pathname} HTTP/1.1\r\nHost: ${url.host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
          `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
      )
    })
  })
}

let conns: Conn[] = []
let hist = new LatencyHistogram()
let cpuAtBegin = cpuUsage()

const total = (): number => conns.reduce((n, c) => n + c.frames, 0)

serveRpc({
  /** Open `clients` connections and wait until each has its `subscribed` + `snapshot` (2 frames). */
  connect: async (args: { url: string; clients: number; channel: string }): Promise<number> => {
    const url = new URL(args.url)
    for (let i = 0; i < args.clients; i += CONNECT_BATCH) {
      const batch = Array.from({ length: Math.min(CONNECT_BATCH, args.clients - i) }, (_, k) =>
        open(url, (i + k) % SAMPLE_EVERY === 0, () => hist, args.channel),
      )
      conns.push(...(await Promise.all(batch)))
    }
    for (let waited = 0; conns.some((c) => c.frames < 2); waited += 10) {
      if (waited > 30_000) throw new Error('clients did not get their snapshots within 30 s')
      await new Promise((r) => setTimeout(r, 10))
    }
    return conns.length
  },
  /** Start a step: zero the counters. */
  begin: (): void => {
    for (const c of conns) c.frames = 0
    hist = new LatencyHistogram()
    lastFrameUs = 0
    cpuAtBegin = cpuUsage()
  },
  progress: (): { frames: number; open: number } => ({ frames: total(), open: conns.filter((c) => !c.closed).length }),
  /** The step's figures. */
  end: () => {
    const cpu = cpuUsage(cpuAtBegin)
    return {
      frames: total(),
      open: conns.filter((c) => !c.closed).length,
      samples: hist.count,
      p50Ms: hist.quantileMs(0.5),
      p99Ms: hist.quantileMs(0.99),
      maxMs: hist.maxMs(),
      lastUs: lastFrameUs,
      cpuUs: cpu.user + cpu.system,
    }
  },
  close: (): void => {
    for (const c of conns) c.socket.destroy()
    conns = []
  },
})
