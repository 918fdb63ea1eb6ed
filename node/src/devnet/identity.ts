import { createServer } from 'node:net'
import { multiaddr } from '@multiformats/multiaddr'
import { createNodeKey, createPeerRecord, type Hotkey, type NodeKey, signPeerRecord } from '#protocol'

/** A validator's mesh identity made before its process starts, so every peer can admit every other. */
export interface PreparedValidator {
  nodeKey: NodeKey
  port: number
  listen: string
  /** `listen` with `/p2p/<peer id>`: what others dial. */
  dialAddr: string
  /** Signed peer record binding the node key to the hotkey, with `listen` in it. */
  record: Uint8Array
}

/** A TCP port that was free a moment ago on 127.0.0.1 (the OS picks it). */
export async function freePort(): Promise<number> {
  return await new Promise((resolve, reject) => {
    const srv = createServer()
    srv.once('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address()
      srv.close(() => resolve(typeof addr === 'object' && addr !== null ? addr.port : 0))
    })
  })
}

/**
 * Make a node key, pick a port and sign the peer record for it. The mesh admits only bound peers, so a
 * network of validators that start together needs each other's records up front: a real subnet gets
 * them from the `peers` topic of any validator it already knows; a devnet hands them out at start.
 */
export async function prepareValidator(init: {
  netuid: number
  hotkey: Hotkey
  head: number
  nodeKey?: NodeKey
  port?: number
  ttlBlocks?: number
}): Promise<PreparedValidator> {
  const nodeKey = init.nodeKey ?? (await createNodeKey())
  const port = init.port ?? (await freePort())
  const listen = `/ip4/127.0.0.1/tcp/${port}`
  const record = signPeerRecord(
    createPeerRecord({
      netuid: init.netuid,
      hotkey: init.hotkey.publicKey,
      nodeSigner: nodeKey.signer,
      multiaddrs: [multiaddr(listen).bytes],
      issuedAtBlock: init.head,
      ...(init.ttlBlocks === undefined ? {} : { ttlBlocks: init.ttlBlocks }),
    }),
    init.hotkey.signer,
  )
  return { nodeKey, port, listen, dialAddr: `${listen}/p2p/${nodeKey.peerId.toString()}`, record }
}
