import { REF_PARETO_MAX_EPSILON, REF_PARETO_MIN_EPSILON } from './constants.js'

const f32 = Math.fround

/** The ε-Pareto report of one competition. It feeds logs and dashboards only, never weights. */
export interface ParetoReport {
  /** Uids nobody ε-dominates, in input order. */
  frontier: number[]
  /** ε per environment, in environment order. */
  epsilons: number[]
}

/**
 * ε per environment as the reference computes it (`kinitro/scoring/pareto.py` `compute_epsilon`):
 * 2·std/√n of that environment's scores across miners, clamped to [0.01, 0.20]; 0.20 when n ≤ 1. The
 * scores are float32 (the reference's matrix dtype) and the std is accumulated in float32 like numpy's
 * float32 `np.std` (sequentially here; numpy sums pairwise, which can differ in the last float32 bit).
 */
export function paretoEpsilon(column: readonly number[], samples: number): number {
  if (samples <= 1) return REF_PARETO_MAX_EPSILON
  const n = column.length
  let sum = f32(0)
  for (const v of column) sum = f32(sum + f32(v))
  const mean = f32(sum / n)
  let sq = f32(0)
  for (const v of column) {
    const d = f32(f32(v) - mean)
    sq = f32(sq + f32(d * d))
  }
  const std = f32(Math.sqrt(f32(sq / n)))
  const eps = (2 * std) / Math.sqrt(samples)
  return Math.min(REF_PARETO_MAX_EPSILON, Math.max(REF_PARETO_MIN_EPSILON, eps))
}

/**
 * A ε-dominates B iff A ≥ B − ε on every environment and A > B + ε on at least one. Scores are compared as
 * float32 values against float64 ε, as numpy promotes them.
 */
export function epsilonDominates(a: readonly number[], b: readonly number[], eps: readonly number[]): boolean {
  let strictly = false
  for (let j = 0; j < a.length; j++) {
    const aj = f32(a[j] as number)
    const bj = f32(b[j] as number)
    const e = eps[j] as number
    if (!(aj >= bj - e)) return false
    if (aj > bj + e) strictly = true
  }
  return strictly
}

/**
 * The ε-Pareto frontier of a score matrix (rows = miners, columns = environments, missing = 0).
 * `samples` is the configured episodes per environment, as in the reference.
 */
export function paretoFrontier(
  uids: readonly number[],
  matrix: readonly (readonly number[])[],
  samples: readonly number[],
): ParetoReport {
  const k = samples.length
  const epsilons: number[] = []
  for (let j = 0; j < k; j++) {
    epsilons.push(
      paretoEpsilon(
        matrix.map((row) => row[j] ?? 0),
        samples[j] as number,
      ),
    )
  }
  const frontier: number[] = []
  for (let i = 0; i < matrix.length; i++) {
    let dominated = false
    for (let o = 0; o < matrix.length && !dominated; o++) {
      if (o !== i) dominated = epsilonDominates(matrix[o] as number[], matrix[i] as number[], epsilons)
    }
    if (!dominated) frontier.push(uids[i] as number)
  }
  return { frontier, epsilons }
}
