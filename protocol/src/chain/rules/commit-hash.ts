import { compactToU8a, u8aConcat } from '@polkadot/util'
import { blake2AsU8a } from '@polkadot/util-crypto'

/** What a CR v2 commit hashes (chain.md §5): the reveal must repeat exactly these values. */
export interface CommitHashInput {
  /** 32-byte AccountId of the committing hotkey. */
  hotkey: Uint8Array
  /** `NetUidStorageIndex`: the netuid itself for mechanism 0. */
  netuidIndex: number
  uids: readonly number[]
  values: readonly number[]
  salt: readonly number[]
  versionKey: bigint
}

function u16(n: number): Uint8Array {
  return Uint8Array.of(n & 0xff, (n >> 8) & 0xff)
}

function vecU16(items: readonly number[]): Uint8Array {
  return u8aConcat(compactToU8a(items.length), ...items.map(u16))
}

function u64(n: bigint): Uint8Array {
  const out = new Uint8Array(8)
  new DataView(out.buffer).setBigUint64(0, BigInt.asUintN(64, n), true)
  return out
}

/**
 * SCALE encoding of the tuple `(AccountId32, u16, Vec<u16>, Vec<u16>, Vec<u16>, u64)`, written by hand:
 * AccountId32 is 32 raw bytes, integers little-endian, a `Vec` is a compact length then its items. This is
 * small enough that pulling `@polkadot/types`' registry in for it would cost more than it checks.
 */
export function encodeCommitTuple(input: CommitHashInput): Uint8Array {
  if (input.hotkey.length !== 32) throw new RangeError(`hotkey must be 32 bytes, got ${input.hotkey.length}`)
  return u8aConcat(
    input.hotkey,
    u16(input.netuidIndex),
    vecU16(input.uids),
    vecU16(input.values),
    vecU16(input.salt),
    u64(input.versionKey),
  )
}

/** The CR v2 commit hash `commit_weights` takes: blake2-256 of {@link encodeCommitTuple}. */
export function commitHash(input: CommitHashInput): Uint8Array {
  return blake2AsU8a(encodeCommitTuple(input), 256)
}
