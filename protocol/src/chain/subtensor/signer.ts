import type { Signer as PolkadotSigner, SignerResult } from '@polkadot/api/types'
import type { SignerPayloadRaw } from '@polkadot/types/types'
import { hexToU8a, u8aConcat, u8aToHex } from '@polkadot/util'
import { blake2AsU8a } from '@polkadot/util-crypto'
import type { Hotkey } from '../../identity/hotkey.js'
import { SIGN_PAYLOAD_HASH_THRESHOLD } from './constants.js'

// MultiSignature variant index of Sr25519 (sp-runtime: Ed25519 = 0, Sr25519 = 1, Ecdsa = 2).
const MULTI_SIGNATURE_SR25519 = Uint8Array.of(1)

/**
 * A polkadot-js `Signer` that signs extrinsic payloads with our {@link Hotkey} (sr25519 through
 * `@polkadot/wasm-crypto`), so secrets never enter a polkadot-js Keyring.
 */
export function polkadotSigner(hotkey: Hotkey): PolkadotSigner {
  let id = 0
  return {
    signRaw: async (raw: SignerPayloadRaw): Promise<SignerResult> => {
      const payload = hexToU8a(raw.data)
      // polkadot-js hands signRaw the bare payload; the runtime verifies the hash of long ones.
      const message = payload.length > SIGN_PAYLOAD_HASH_THRESHOLD ? blake2AsU8a(payload, 256) : payload
      const signature = hotkey.signer.sign(message)
      id += 1
      return { id, signature: u8aToHex(u8aConcat(MULTI_SIGNATURE_SR25519, signature)) }
    },
  }
}
