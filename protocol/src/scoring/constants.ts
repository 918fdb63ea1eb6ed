/**
 * Tunable and protocol numbers of scoring, each with where it comes from.
 */

/** Largest u16 weight; Subtensor max-upscales every weight vector so its largest entry is this. */
export const U16_MAX = 65_535

/**
 * Commit block used for a miner without a known commitment, so it sorts last (kinitro.md D.2 step 3:
 * "unknown ⇒ 2^32"; commitment blocks are u32 on chain, reference/chain.md §3).
 */
export const UNKNOWN_COMMIT_BLOCK = 2 ** 32

/**
 * Most environments a subset strategy enumerates: 2^16 − 1 subsets. The reference warns the enumeration is
 * "fine for k ≤ ~15, exponential beyond" (kinitro.md D.2 step 4); our bitmask engine keeps 16 under ~1 s.
 */
export const MAX_SUBSET_ENVS = 16

/** z for a two-sided 95% interval, the default of {@link wilson}. */
export const DEFAULT_WILSON_Z = 1.96

/**
 * Subtensor's `vec_max_upscale_to_u16` switches from `(x·65535)/max` to `x·(65535/max)` above this max, to
 * stay inside I32F32 (pallets/subtensor/src/epoch/math.rs).
 */
export const SUBTENSOR_UPSCALE_THRESHOLD = 32_768

/** numpy's pairwise-summation block (`PW_BLOCKSIZE` in numpy/_core/src/umath/loops_utils.h.src). */
export const NUMPY_PAIRWISE_BLOCK = 128

// Reference NEW defaults (kinitro/scheduler/config.py, kinitro/scoring/*.py; kinitro.md D.2).
/** Episodes per environment the NEW scheduler schedules; its thresholds assume this many. */
export const REF_EPISODES_PER_ENV = 50
/** Softmax temperature over subset points. */
export const REF_TEMPERATURE = 1.0
/** First-commit threshold: gap = clamp(z·SE, min, max). */
export const REF_THRESHOLD_Z = 1.5
export const REF_THRESHOLD_MIN_GAP = 0.02
export const REF_THRESHOLD_MAX_GAP = 0.1
/** Gap used when the earlier miner has no score (and hence no threshold) for an environment. */
export const REF_MISSING_THRESHOLD_GAP = 0.02
/** Scores are clamped to [0.01, 0.99] before the standard error so SE never reaches 0. */
export const REF_SE_P_MIN = 0.01
export const REF_SE_P_MAX = 0.99
/** ε-Pareto tolerance bounds (kinitro/scoring/pareto.py `compute_epsilon`). */
export const REF_PARETO_MIN_EPSILON = 0.01
export const REF_PARETO_MAX_EPSILON = 0.2

// Reference OLD defaults (src/backend/constants.py, src/backend/scoring_engine.py `ScoringConfig`).
/** Competitions required 100% success by default. */
export const OLD_MIN_SUCCESS_RATE = 1.0
export const OLD_MIN_AVG_REWARD = 0.0
/** OLD-1: a challenger must beat the leader's reward by 5%. */
export const OLD_WIN_MARGIN_PCT = 0.05
/** 98% of the winner's share went to the owner uid. */
export const OLD_BURN_PCT = 0.98
export const OLD_OWNER_UID = 4
