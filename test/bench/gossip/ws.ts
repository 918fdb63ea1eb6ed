import type { AddressInfo } from 'node:net'

// The few parts of the `ws` package (8.x, installed with @fastify/websocket) the hub uses. The project
// has no @types/ws, so this is the typed facade; `loadWs` checks the runtime shape once.

export interface WsSocket {
  send(data: Uint8Array, opts: { binary: boolean }): void
  on(event: 'message', listener: (data: Buffer, isBinary: boolean) => void): this
  on(event: 'open' | 'close', listener: () => void): this
  on(event: 'error', listener: (err: Error) => void): this
  close(): void
  terminate(): void
}

export interface WsServer {
  on(event: 'connection', listener: (socket: WsSocket, req: { url?: string }) => void): this
  on(event: 'listening', listener: () => void): this
  on(event: 'error', listener: (err: Error) => void): this
  address(): AddressInfo | string | null
  close(cb?: (err?: Error) => void): void
}

export interface WsModule {
  WebSocket: new (url: string, opts?: { perMessageDeflate?: boolean }) => WsSocket
  WebSocketServer: new (opts: {
    host: string
    port: number
    perMessageDeflate?: boolean
    maxPayload?: number
  }) => WsServer
}

/** Import `ws` (a transitive dependency, so not named in package.json) behind {@link WsModule}. */
export async function loadWs(): Promise<WsModule> {
  // A variable specifier keeps tsc from looking for type declarations the project does not have.
  const specifier = 'ws'
  const mod = (await import(specifier)) as Partial<WsModule>
  if (typeof mod.WebSocket !== 'function' || typeof mod.WebSocketServer !== 'function') {
    throw new TypeError('ws: WebSocket/WebSocketServer missing; expected ws 8.x from @fastify/websocket')
  }
  return mod as WsModule
}
