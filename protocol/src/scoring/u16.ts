/**
 * Float weights → u16 vectors, three ways: the reference NEW scheduler's truncation, the OLD validator's
 * fiber max-upscale, and ours, shaped so Subtensor stores exactly what we meant (reference/chain.md §5).
 */
import { SUBTENSOR_UPSCALE_THRESHOLD, U16_MAX } from './constants.js'
import { ScoringError } from './errors.js'
import { pairwiseSum, roundHalfEven } from './stats.js'
import type { WeightVector } from './types.js'

/** Weights keyed by uid. */
export type UidWeights = ReadonlyMap<number, number>

/**
 * The reference NEW conversion (`kinitro/chain/weights.py` `weights_to_u16`): renormalise to sum 1 (uniform
 * when all are zero), multiply by 65535 and truncate. The u16 values therefore often sum to less than 65535.
 * Uids come out ascending (the reference kept dict order; the values per uid are the same).
 */
export function weightsToU16Truncate(weights: UidWeights): WeightVector {
  const uids = [...weights.keys()].sort((a, b) => a - b)
  if (uids.length === 0) return { uids: [], values: [] }
  const raw = uids.map((u) => checked(weights.get(u) as number))
  const total = pairwiseSum(raw)
  const norm = total > 0 ? raw.map((v) => v / total) : raw.map(() => 1 / raw.length)
  return { uids, values: norm.map((v) => Math.min(U16_MAX, Math.trunc(v * U16_MAX))) }
}

/**
 * The OLD validator's conversion (fiber `_normalize_and_quantize_weights`): scale so the largest weight is
 * 65535, round half to even (Python `round`), and drop zero weights. All zero gives an empty vector.
 */
export function fiberQuantize(uids: readonly number[], weights: readonly number[]): WeightVector {
  if (uids.length !== weights.length || uids.some((u) => u < 0) || weights.some((w) => checked(w) < 0)) {
    invalid('length mismatch or negative values')
  }
  if (!weights.some((w) => w !== 0)) return { uids: [], values: [] }
  const scale = U16_MAX / Math.max(...weights)
  const out: WeightVector = { uids: [], values: [] }
  weights.forEach((w, i) => {
    if (w > 0) {
      out.uids.push(uids[i] as number)
      out.values.push(roundHalfEven(w * scale))
    }
  })
  return out
}

/**
 * Our conversion for `set_weights`: one entry for every uid in `uids` (Subtensor refuses vectors shorter
 * than min(MinAllowedWeights, n), and MinAllowedWeights starts at 1024), zeros included, max-upscaled so
 * the largest is exactly 65535 and the rest rounded half up. A vector whose max is 65535 is a fixed point of
 * Subtensor's own max-upscale (factor 65535/65535 = 1), so the chain stores these values unchanged, and each
 * stored value is within 0.5/65535 of `weight / max weight`.
 *
 * @throws {@link ScoringError} `SCORING_WEIGHTS_INVALID` for negative or non-finite weights, a weight for a
 * uid not in `uids`, duplicate uids, or all weights zero (nothing to upscale; the caller decides).
 */
export function toSubtensorU16(weights: UidWeights, uids: readonly number[]): WeightVector {
  const sorted = [...uids].sort((a, b) => a - b)
  if (sorted.some((u, i) => !Number.isInteger(u) || u < 0 || u === sorted[i - 1])) invalid('uids must be unique u16s')
  const known = new Set(sorted)
  for (const [uid, w] of weights) {
    checked(w)
    if (!known.has(uid) && w !== 0) invalid(`weight for uid ${uid}, which is not in the metagraph`)
  }
  const values = sorted.map((u) => weights.get(u) ?? 0)
  const max = Math.max(0, ...values)
  if (max === 0) invalid('all weights are zero')
  return { uids: sorted, values: values.map((w) => (w === max ? U16_MAX : Math.round((w / max) * U16_MAX))) }
}

/**
 * Subtensor's `vec_u16_max_upscale_to_u16` in exact I32F32 arithmetic (pallets/subtensor epoch/math.rs):
 * what the chain stores for a submitted u16 vector. Products and quotients truncate (all values are
 * non-negative), `round()` breaks ties away from zero, results saturate at 65535.
 */
export function subtensorMaxUpscale(values: readonly number[]): number[] {
  if (values.some((v) => !Number.isInteger(v) || v < 0 || v > U16_MAX)) invalid('values must be u16 integers')
  const max = Math.max(0, ...values)
  if (max === 0) return values.map(() => 0)
  const half = 1n << 31n
  const u16Max = BigInt(U16_MAX)
  const maxB = BigInt(max)
  const round = (bits: bigint) => Math.min(U16_MAX, Number((bits + half) >> 32n))
  if (max > SUBTENSOR_UPSCALE_THRESHOLD) {
    // factor = 65535 / max in I32F32 bits; e (an integer) times it is exact.
    const factor = (u16Max << 32n) / maxB
    return values.map((e) => round(BigInt(e) * factor))
  }
  return values.map((e) => round(((BigInt(e) * u16Max) << 32n) / maxB))
}

/**
 * Scale weights to sum 1; all zero (or empty) gives a uniform vector over the same uids, as the reference
 * did before quantising.
 */
export function normalizeWeights(weights: UidWeights): Map<number, number> {
  const uids = [...weights.keys()].sort((a, b) => a - b)
  const values = uids.map((u) => checked(weights.get(u) as number))
  if (values.some((v) => v < 0)) invalid('negative weight')
  const total = pairwiseSum(values)
  return new Map(uids.map((u, i) => [u, total > 0 ? (values[i] as number) / total : 1 / uids.length]))
}

function checked(w: number): number {
  if (!Number.isFinite(w)) invalid(`weight ${w} is not finite`)
  if (w < 0) invalid(`weight ${w} is negative`)
  return w
}

function invalid(reason: string): never {
  throw new ScoringError({ code: 'SCORING_WEIGHTS_INVALID', reason }, `invalid weights: ${reason}`)
}
