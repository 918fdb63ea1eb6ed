// The child side of the bench's IPC request/response (the parent side is rpc.ts). Free of #protocol, so
// the hub process starts without loading it.

export interface Request {
  id: number
  op: string
  args: unknown
}

export type Reply = { id: number; ok: true; value: unknown } | { id: number; ok: false; reason: string }

/** Request id of the child's unsolicited "serving" reply, sent when serveRpc() starts. */
export const READY_ID = 0

/** Operation handlers of a child. */
export type RpcHandlers = Record<string, (args: never) => unknown>

/**
 * Serve `handlers` to the parent. The child exits when the parent goes away (the channel closes), so a
 * crashed or killed bench never leaves nodes behind.
 */
export function serveRpc(handlers: RpcHandlers): void {
  if (process.send === undefined) throw new Error('serveRpc: no IPC channel (spawn with spawnRpcChild)')
  const send = process.send.bind(process)
  process.on('message', (raw) => {
    const req = raw as Request
    const handler = handlers[req.op] as ((args: unknown) => unknown) | undefined
    void (async () => {
      try {
        if (handler === undefined) throw new Error(`unknown op ${req.op}`)
        const value = await handler(req.args)
        send({ id: req.id, ok: true, value } satisfies Reply)
      } catch (err) {
        const reason = err instanceof Error ? `${err.name}: ${err.message}` : String(err)
        send({ id: req.id, ok: false, reason } satisfies Reply)
      }
    })()
  })
  process.once('disconnect', () => process.exit(0))
  send({ id: READY_ID, ok: true, value: null } satisfies Reply)
}
