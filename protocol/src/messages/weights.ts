import type { WeightsAnnouncement } from '../proto/kinitro.js'

/** Inputs of {@link createWeightsAnnouncement}. */
export interface WeightsAnnouncementInit {
  netuid: number
  block: number
  /** Subnet uids (u16); any order, sorted on encoding. */
  uids: readonly number[]
  /** u16 weights, one per uid, as set on chain. */
  weights: readonly number[]
  /** 32-byte digest of the scoring inputs. */
  inputsDigest: Uint8Array
  /**
   * Subtensor weights version key.
   * @default 0n
   */
  versionKey?: bigint
  /** Scoring strategy that produced the vector. */
  strategy: string
}

function isU16(n: number): boolean {
  return Number.isInteger(n) && n >= 0 && n <= 0xffff
}

/** Pack u16 values big-endian. */
export function packU16(values: readonly number[]): Uint8Array {
  const out = new Uint8Array(values.length * 2)
  for (const [i, v] of values.entries()) {
    out[2 * i] = v >>> 8
    out[2 * i + 1] = v & 0xff
  }
  return out
}

/** Unpack big-endian u16 values (a trailing odd byte is ignored; validators reject it). */
export function unpackU16(bytes: Uint8Array): number[] {
  const out: number[] = []
  for (let i = 0; i + 1 < bytes.length; i += 2) out.push(((bytes[i] ?? 0) << 8) | (bytes[i + 1] ?? 0))
  return out
}

/**
 * Build a weights announcement: pairs are sorted by uid and packed as big-endian u16 lists.
 * Seal it with `sealEnvelope('weights-announcement', w, w.netuid, nodeSigner)`.
 *
 * @throws RangeError when lengths differ or a uid or weight is not a u16 (a caller bug).
 */
export function createWeightsAnnouncement(init: WeightsAnnouncementInit): WeightsAnnouncement {
  if (init.uids.length !== init.weights.length) throw new RangeError('uids and weights differ in length')
  if (!init.uids.every(isU16) || !init.weights.every(isU16)) throw new RangeError('uids and weights must be u16')
  const pairs = init.uids.map((uid, i) => [uid, init.weights[i] ?? 0] as const).sort((a, b) => a[0] - b[0])
  return {
    netuid: init.netuid,
    block: init.block,
    uids: packU16(pairs.map((p) => p[0])),
    weights: packU16(pairs.map((p) => p[1])),
    inputsDigest: init.inputsDigest,
    versionKey: init.versionKey ?? 0n,
    strategy: init.strategy,
  }
}

/** The uid and weight lists of an announcement, as numbers. */
export function weightsEntries(w: WeightsAnnouncement): { uids: number[]; weights: number[] } {
  return { uids: unpackU16(w.uids), weights: unpackU16(w.weights) }
}
