import { DEFAULT_WILSON_Z, NUMPY_PAIRWISE_BLOCK } from './constants.js'

/** A confidence interval for a proportion. */
export interface Interval {
  low: number
  high: number
}

/**
 * Wilson score interval for `successes` out of `n` trials: better than the normal interval near 0 and 1 and
 * for small n, which is where policies live (few episodes, rates near 0 or 1). With no trials it is [0, 1].
 *
 * @param z - standard normal quantile. @default 1.96 (two-sided 95%)
 * @example
 * ```ts
 * wilson(40, 50) // { low: 0.670…, high: 0.887… }
 * ```
 */
export function wilson(successes: number, n: number, z: number = DEFAULT_WILSON_Z): Interval {
  if (!(n >= 0) || !(successes >= 0) || successes > n || !(z >= 0)) {
    throw new RangeError(`wilson needs 0 ≤ successes ≤ n and z ≥ 0, got ${successes}/${n}, z=${z}`)
  }
  if (n === 0) return { low: 0, high: 1 }
  const p = successes / n
  const z2 = z * z
  const denom = 1 + z2 / n
  const center = (p + z2 / (2 * n)) / denom
  const half = (z / denom) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))
  // The interval always holds p, but rounding can leave it just outside at the ends (6/6 gave a high of
  // 1 − 1e-16, 0/11 a low of 3e-17): results are validated against `low ≤ p ≤ high`, so clamp to p.
  return { low: Math.min(p, Math.max(0, center - half)), high: Math.max(p, Math.min(1, center + half)) }
}

/**
 * Standard error of a proportion, sqrt(p(1−p)/n). Infinite for n ≤ 0 (no information), so callers that
 * clamp a gap get their maximum, as the reference did for "no samples".
 */
export function binomialSE(p: number, n: number): number {
  if (!(n > 0)) return Number.POSITIVE_INFINITY
  return Math.sqrt((p * (1 - p)) / n)
}

/**
 * Sum floats in the order numpy's `ndarray.sum()` does (pairwise, 8-way unrolled blocks of 128), so the
 * reference's u16 truncation boundaries are reproduced bit for bit.
 */
export function pairwiseSum(values: ArrayLike<number>, start = 0, n = values.length): number {
  if (n < 8) {
    let res = 0
    for (let i = 0; i < n; i++) res += values[start + i] as number
    return res
  }
  if (n <= NUMPY_PAIRWISE_BLOCK) {
    const r = new Float64Array(8)
    for (let j = 0; j < 8; j++) r[j] = values[start + j] as number
    let i = 8
    for (; i < n - (n % 8); i += 8)
      for (let j = 0; j < 8; j++) r[j] = (r[j] as number) + (values[start + i + j] as number)
    let res = r[0]! + r[1]! + (r[2]! + r[3]!) + (r[4]! + r[5]! + (r[6]! + r[7]!))
    for (; i < n; i++) res += values[start + i] as number
    return res
  }
  let n2 = Math.floor(n / 2)
  n2 -= n2 % 8
  return pairwiseSum(values, start, n2) + pairwiseSum(values, start + n2, n - n2)
}

/** Python's `round()` on a float: nearest integer, ties to even (fiber's u16 step uses it). */
export function roundHalfEven(x: number): number {
  const f = Math.floor(x)
  const d = x - f
  if (d > 0.5) return f + 1
  if (d < 0.5) return f
  return f % 2 === 0 ? f : f + 1
}
