/**
 * Limits and sizes of on-chain miner commitments.
 */

/**
 * Largest commitment we build, in UTF-8 bytes. Subtensor's `Data` enum stops at `Raw128`
 * (reference/chain.md §2), and the reference miner CLI refused anything longer before submitting
 * (`kinitro/chain/commitments.py`, `MAX_COMMITMENT_SIZE = 128`).
 */
export const MAX_COMMITMENT_BYTES = 128

/**
 * Longest input `parseCommitment` looks at. `BigRaw` fields hold up to 512 bytes (reference/chain.md §2), so
 * nothing longer can come from the chain; refusing it early keeps parsing cheap on hostile input.
 */
export const MAX_PARSE_BYTES = 512

/** The reference colon format keeps only the first 8 characters of the revision (kinitro.md C.4). */
export const REVISION_PREFIX_CHARS = 8

/** X25519 public and private keys are 32 bytes (RFC 7748). */
export const X25519_KEY_BYTES = 32

/** A deployment UUID as raw bytes, dashes removed (`kinitro/crypto.py` `UUID_BYTES_SIZE`). */
export const UUID_BYTES = 16

/** ChaCha20-Poly1305 nonce (RFC 8439); derived from the ephemeral key, never stored. */
export const AEAD_NONCE_BYTES = 12

/** Poly1305 tag (RFC 8439). */
export const AEAD_TAG_BYTES = 16

/** ephemeral public key (32) ‖ ciphertext (16) ‖ tag (16), as in the reference since its PR #11 follow-up. */
export const ENCRYPTED_PACKAGE_BYTES = X25519_KEY_BYTES + UUID_BYTES + AEAD_TAG_BYTES

/** base85 of 64 bytes: 16 groups of 5 characters (`tests/unit/test_crypto.py` checks 80). */
export const ENCRYPTED_BLOB_CHARS = (ENCRYPTED_PACKAGE_BYTES / 4) * 5

/** Shortest revision prefix the `k1` format accepts: git's default abbreviation length. */
export const K1_MIN_REVISION_CHARS = 7

/** A full git SHA-1, which is what Hugging Face revisions are. */
export const K1_MAX_REVISION_CHARS = 40

/** Longest competition id the `k1` format carries; keeps room for a repo inside 128 bytes. */
export const K1_MAX_COMPETITION_CHARS = 32

/** Characters of a SHA-256 digest in unpadded base64url, as `k1` carries it. */
export const K1_DIGEST_CHARS = 43
