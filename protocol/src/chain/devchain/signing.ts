import { fromHex } from './codec.js'
import { DEV_CHAIN_SIGNING_DOMAIN } from './constants.js'

/**
 * The bytes a hotkey signs for a dev chain call: domain ‖ 0x00 ‖ genesis hash ‖ the exact call JSON. The
 * domain keeps a dev chain signature from meaning anything elsewhere; the genesis hash keeps it from
 * replaying on another dev chain; the nonce inside the JSON keeps it from replaying on this one.
 */
export function devCallSigningMessage(genesisHash: string, callJson: string): Uint8Array {
  const domain = new TextEncoder().encode(DEV_CHAIN_SIGNING_DOMAIN)
  const body = new TextEncoder().encode(callJson)
  const genesis = fromHex(genesisHash)
  const out = new Uint8Array(domain.length + 1 + genesis.length + body.length)
  out.set(domain, 0)
  out.set(genesis, domain.length + 1)
  out.set(body, domain.length + 1 + genesis.length)
  return out
}
