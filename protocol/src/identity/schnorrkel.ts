/**
 * Conversions between the two 64-byte sr25519 secret key layouts (both are `scalar ‖ nonce`):
 * - canonical (schnorrkel `SecretKey::to_bytes`), which btcli writes as a keyfile's `privateKey`;
 * - "ed25519-expanded" (schnorrkel `to_ed25519_bytes`), the scalar multiplied by the cofactor 8, which
 *   polkadot-js and `@polkadot/wasm-crypto` take. Feeding one where the other is expected signs garbage.
 * The multiply is a 3-bit little-endian shift, as in schnorrkel's `multiply_scalar_bytes_by_cofactor`;
 * a reduced scalar is < 2^253, so nothing is shifted out (reference/chain.md §9).
 */

const SCALAR_BYTES = 32
const SECRET_BYTES = 64

function checkLength(secret: Uint8Array): void {
  if (secret.length !== SECRET_BYTES) throw new RangeError(`sr25519 secret key must be 64 bytes, got ${secret.length}`)
}

/** Canonical schnorrkel secret (btcli `privateKey`) → the polkadot-js / wasm-crypto secret key. */
export function schnorrkelToExpanded(canonical: Uint8Array): Uint8Array {
  checkLength(canonical)
  const out = new Uint8Array(SECRET_BYTES)
  let carry = 0
  for (let i = 0; i < SCALAR_BYTES; i++) {
    const byte = canonical[i]!
    out[i] = ((byte << 3) & 0xff) | carry
    carry = byte >> 5
  }
  out.set(canonical.subarray(SCALAR_BYTES), SCALAR_BYTES)
  return out
}

/** The polkadot-js / wasm-crypto secret key → canonical schnorrkel secret, as btcli writes `privateKey`. */
export function expandedToSchnorrkel(expanded: Uint8Array): Uint8Array {
  checkLength(expanded)
  const out = new Uint8Array(SECRET_BYTES)
  let carry = 0
  for (let i = SCALAR_BYTES - 1; i >= 0; i--) {
    const byte = expanded[i]!
    out[i] = (byte >> 3) | carry
    carry = (byte & 0x07) << 5
  }
  out.set(expanded.subarray(SCALAR_BYTES), SCALAR_BYTES)
  return out
}
