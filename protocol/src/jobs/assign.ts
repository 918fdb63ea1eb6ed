import { createHash } from 'node:crypto'
import { decodeSs58 } from '../identity/hotkey.js'
import { JobsError } from './errors.js'

/** Domain tag of rendezvous hashes. */
export const RENDEZVOUS_DOMAIN = 'kinitro/v1/rendezvous'

/** Default number of validators assigned to a job (design §5). */
export const DEFAULT_REPLICAS = 3

/** A validator as assignment sees it. */
export interface ValidatorInfo {
  /** SS58 hotkey. */
  hotkey: string
  /** Stake weight in rao (the metagraph's `stake`). */
  stake: bigint
  /** Advertised capacity: an integer ≥ 0 (0 = takes no jobs). */
  capacity: number
  /** Environment families it evaluates; `undefined` = every family. */
  families?: readonly string[]
}

/** One entry of a rendezvous ranking. */
export interface RankedValidator {
  hotkey: string
  /** −ln(U) / weight; lower ranks first. */
  score: number
}

// Decoding SS58 costs a blake2 checksum; assignment runs per job × validator, so cache the public keys.
const keyCache = new Map<string, Uint8Array>()
const KEY_CACHE_MAX = 4096

function publicKey(hotkey: string): Uint8Array {
  let key = keyCache.get(hotkey)
  if (key === undefined) {
    try {
      key = decodeSs58(hotkey)
    } catch (err) {
      throw new JobsError(
        { code: 'JOBS_BAD_INPUT', field: 'validators.hotkey', reason: 'not an SS58 address' },
        undefined,
        { cause: err },
      )
    }
    if (keyCache.size >= KEY_CACHE_MAX) keyCache.clear()
    keyCache.set(hotkey, key)
  }
  return key
}

const DOMAIN_BYTES = (() => {
  const text = Buffer.from(RENDEZVOUS_DOMAIN, 'utf8')
  const out = Buffer.alloc(4 + text.length)
  out.writeUInt32BE(text.length)
  text.copy(out, 4)
  return out
})()

/**
 * The uniform draw of (job, validator): `U = (floor(x / 2^12) + 0.5) / 2^52` where `x` is the first 8
 * bytes, big-endian u64, of `SHA-256(u32be(21) ‖ "kinitro/v1/rendezvous" ‖ jobId(32) ‖ hotkeyPublicKey(32))`.
 * `U` is in (0, 1) and exact in IEEE-754 double (52-bit integer + 0.5, divided by a power of two).
 */
export function rendezvousUniform(jobId: Uint8Array, hotkey: string): number {
  const d = createHash('sha256').update(DOMAIN_BYTES).update(jobId).update(publicKey(hotkey)).digest()
  const x = d.readBigUInt64BE(0)
  return (Number(x >> 12n) + 0.5) / 2 ** 52
}

function serves(v: ValidatorInfo, families: readonly string[]): boolean {
  if (v.families === undefined) return true
  return families.every((f) => v.families?.includes(f))
}

function checkValidators(validators: readonly ValidatorInfo[]): void {
  const seen = new Set<string>()
  for (const v of validators) {
    if (seen.has(v.hotkey)) {
      throw new JobsError({ code: 'JOBS_BAD_INPUT', field: 'validators.hotkey', reason: 'duplicate hotkey' })
    }
    seen.add(v.hotkey)
    if (!Number.isSafeInteger(v.capacity) || v.capacity < 0) {
      throw new JobsError({
        code: 'JOBS_BAD_INPUT',
        field: 'validators.capacity',
        reason: 'must be an integer ≥ 0',
      })
    }
  }
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  return Buffer.compare(a, b)
}

/**
 * Every eligible validator in weighted-rendezvous order for `jobId` (design §5). Formula (other
 * implementations must reproduce it bit for bit):
 *
 * - eligible: `weight = Number(stake) × capacity` (IEEE-754 double: the u64 rounded to nearest, then one
 *   multiplication) is finite and > 0, and the validator serves every family in `families`;
 * - `score = −ln(U) / weight` with `U` from {@link rendezvousUniform}; `ln` is V8's `Math.log`
 *   (fdlibm's `__ieee754_log`, correctly rounded in practice);
 * - ascending score; equal scores by hotkey public key bytes, ascending.
 *
 * `−ln(U)/w` is an exponential draw with rate `w`, so the first-ranked validator is validator `i` with
 * probability `w_i / Σw` (weighted rendezvous hashing, Schindelhauer & Schomaker 2005), and removing a
 * validator moves only the jobs it held.
 *
 * @throws JobsError `JOBS_BAD_INPUT` on a job id that is not 32 bytes, duplicate or non-SS58
 * hotkeys, or a negative or fractional capacity.
 */
export function rankValidators(
  jobId: Uint8Array,
  validators: readonly ValidatorInfo[],
  families: string | readonly string[] = [],
): RankedValidator[] {
  if (jobId.length !== 32) {
    throw new JobsError({ code: 'JOBS_BAD_INPUT', field: 'jobId', reason: 'must be 32 bytes' })
  }
  checkValidators(validators)
  const need = typeof families === 'string' ? [families] : families
  const ranked: Array<RankedValidator & { key: Uint8Array }> = []
  for (const v of validators) {
    const weight = Number(v.stake) * v.capacity
    if (!(weight > 0) || !Number.isFinite(weight) || !serves(v, need)) continue
    const score = -Math.log(rendezvousUniform(jobId, v.hotkey)) / weight
    ranked.push({ hotkey: v.hotkey, score, key: publicKey(v.hotkey) })
  }
  ranked.sort((a, b) => a.score - b.score || compareBytes(a.key, b.key))
  return ranked.map(({ hotkey, score }) => ({ hotkey, score }))
}

/**
 * The `r` validators assigned to `jobId`: the head of {@link rankValidators}. Fewer when fewer are eligible.
 *
 * @throws JobsError `JOBS_BAD_INPUT` on `r` < 1 and as {@link rankValidators}.
 */
export function assign(
  jobId: Uint8Array,
  validators: readonly ValidatorInfo[],
  families: string | readonly string[] = [],
  r: number = DEFAULT_REPLICAS,
): string[] {
  if (!Number.isSafeInteger(r) || r < 1) {
    throw new JobsError({ code: 'JOBS_BAD_INPUT', field: 'r', reason: 'must be an integer ≥ 1' })
  }
  return rankValidators(jobId, validators, families)
    .slice(0, r)
    .map((v) => v.hotkey)
}
